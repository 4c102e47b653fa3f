// `promgate --version` and `promgate version` print the release from package.json, in the
// repository and in the built CLI alike (the container image ships package.json beside dist/).
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../../fixtures/repository.js';
import { runCli } from '../support/cli.js';
import { CLI, productionEnv } from '../support/serve-process.js';

const { version } = JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as {
  version: string;
};

t.test('version and --version print the release', async (t) => {
  for (const argv of [['version'], ['--version']]) {
    const result = await runCli(argv);
    t.equal(result.code, 0, argv.join(' '));
    t.equal(result.stdout, `promgate ${version}\n`, argv.join(' '));
  }
  t.equal((await runCli(['version', '--bogus'])).code, 2, 'an unknown flag is a usage error');
  t.match((await runCli(['--help'])).stdout, /\n {2}version /, 'listed in the overview');
});

t.test('the built CLI finds its package.json', async (t) => {
  const printed = execFileSync(process.execPath, [CLI, '--version'], { env: productionEnv() });
  t.equal(printed.toString(), `promgate ${version}\n`);
});
