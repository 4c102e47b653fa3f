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
  const result = await runCli(['check', '-'], manifest);
  t.equal(result.code, 1);
  const actual = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('  prometheus-config: '))
    .map((line) => line.trim());
  t.same(actual, expected);
});
