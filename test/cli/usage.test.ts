import t from 'tap';
import { UsageError, kubeConfigOptions, parseCiOutputFlag, parseOutputFlag } from '../../src/cli/usage.js';
import { runCli } from '../support/cli.js';

t.test('parseOutputFlag: text by default, json on request, anything else a usage error', async (t) => {
  t.equal(parseOutputFlag(undefined), 'text');
  t.equal(parseOutputFlag('text'), 'text');
  t.equal(parseOutputFlag('json'), 'json');
  t.throws(() => parseOutputFlag('yaml'), new UsageError('-o: expected text or json, got yaml'));
  t.throws(() => parseOutputFlag(''), UsageError, 'an empty -o is not text');
  const result = await runCli(['audit', '-o', 'xml']);
  t.equal(result.code, 2, 'audit -o xml');
  t.match(result.stderr, /-o: expected text or json, got xml/);
});

t.test('parseCiOutputFlag: also sarif, junit and github, for check and check-config', async (t) => {
  for (const format of ['text', 'json', 'sarif', 'junit', 'github']) t.equal(parseCiOutputFlag(format), format);
  t.equal(parseCiOutputFlag(undefined), 'text');
  t.throws(() => parseCiOutputFlag('xml'), new UsageError('-o: expected text, json, sarif, junit or github, got xml'));
  for (const argv of [
    ['check', '-'],
    ['check-config', '-'],
  ]) {
    const result = await runCli([...argv, '-o', 'xml']);
    t.equal(result.code, 2, `${argv[0]} -o xml`);
    t.match(result.stderr, /-o: expected text, json, sarif, junit or github, got xml/, argv[0]);
  }
});

t.test('kubeConfigOptions: only the flags that were given', async (t) => {
  t.same(kubeConfigOptions({}), {});
  t.same(kubeConfigOptions({ kubeconfig: '/k', context: 'c' }), { kubeconfig: '/k', context: 'c' });
  t.same(kubeConfigOptions({ kubeconfig: '', context: undefined }), {}, 'empty means absent');
  t.strictSame(Object.keys(kubeConfigOptions({ context: 'c' })), ['context'], 'no undefined kubeconfig key');
});
