// The denial shown in README.md is promgate's real output: this test rebuilds the ConfigMap from
// the README's YAML block and compares every message line.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../../fixtures/repository.js';
import { runCli } from '../support/cli.js';

const readme = readFileSync(join(REPOSITORY_ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('A denied `kubectl apply`'));

t.test('the README example denial is what promgate says', async (t) => {
  const data = /```yaml\n(data:\n[\s\S]*?)```/.exec(section)?.[1];
  t.ok(data, 'the README shows the ConfigMap data');
  const expected = [
    ...section.slice(0, section.indexOf('Line and column')).matchAll(/^\* data\.promYaml: (prometheus-config: .*)$/gm),
  ].map((m) => m[1]!);
  t.ok(expected.length >= 3, 'and the messages');
  const manifest = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: arms-prom-prometheus-yaml\n  namespace: arms-prom\n${data}`;
  // The webhook's messages are the policy's, which check's JSON keeps apart from the file position.
  const result = await runCli(['check', '-o', 'json', '-'], manifest);
  t.equal(result.code, 1);
  const { results } = JSON.parse(result.stdout) as {
    results: Array<{ denials: Array<{ policy: string; message: string }> }>;
  };
  const actual = results.flatMap((found) => found.denials.map(({ policy, message }) => `${policy}: ${message}`));
  t.same(actual, expected);
});
