// The policy behind the real HTTPS webhook, driven as kube-apiserver drives it (fixtures/apiserver.ts
// applies each returned JSON Patch with fast-json-patch): the repository's DaemonSets as files hold
// them and as the API server serves them; mutate, then validate the mutated object; reinvocation;
// UPDATE; dryRun.
import t from 'tap';
import { defaultConfig } from '../../../src/config/schema.js';
import { asServed, callWebhook } from '../../../fixtures/apiserver.js';
import { FIXTURE_DAEMONSETS_DIR, readDaemonSetIndex } from '../../../fixtures/corpus.js';
import { fixtureDaemonSet } from '../../../fixtures/objects.js';
import { startTestServer } from '../../support/server.js';
import { daemonSetAdmitsNode } from '../../support/node-affinity.js';
import { daemonSet } from './helpers.js';

const fixtures = readDaemonSetIndex(FIXTURE_DAEMONSETS_DIR);
const MUTATED = fixtures.filter((row) => row.expected === 'mutate').map((row) => row.file);
const IGNORED = fixtures.filter((row) => row.expected === 'ignore').map((row) => row.file);

t.test('enforce: mutate, then the mutated object passes validation; the original is denied', async (t) => {
  const harness = await startTestServer();
  t.teardown(() => harness.stop());
  const tls = { ca: harness.certs.caCert };
  const port = harness.server.port;
  for (const file of MUTATED) {
    for (const [shape, object] of [
      ['file-shaped', fixtureDaemonSet(file)],
      ['as served', asServed(fixtureDaemonSet(file)) as Record<string, unknown>],
    ] as const) {
      const label = `${file} (${shape})`;
      const mutated = await callWebhook(port, 'mutate', { object }, tls);
      t.equal(mutated.allowed, true, `${label}: mutate allows`);
      t.ok(mutated.patch.length > 0, `${label}: mutate patches`);
      const patched = mutated.patched as Record<string, unknown>;
      t.notOk(daemonSetAdmitsNode(patched, { labels: { starship: 'true', 'nvidia.com/gpu': 'true' }, name: 'n' }));

      const reinvoked = await callWebhook(port, 'mutate', { object: patched }, tls);
      t.same(reinvoked.patch, [], `${label}: reinvocation changes nothing`);
      const valid = await callWebhook(port, 'validate', { object: patched }, tls);
      t.equal(valid.allowed, true, `${label}: mutated object passes /validate`);
      t.same(valid.warnings, []);

      for (const operation of ['CREATE', 'UPDATE'] as const) {
        const denied = await callWebhook(
          port,
          'validate',
          { object, oldObject: operation === 'UPDATE' ? object : null, operation, dryRun: operation === 'UPDATE' },
          tls,
        );
        t.equal(denied.allowed, false, `${label}: un-mutated ${operation} denied`);
        t.equal(denied.status?.code, 422);
        t.match(denied.status?.message, 'can run on starship nodes');
        t.match(
          denied.status?.details?.causes?.[0]?.field,
          /^spec\.template\.spec\.affinity\.nodeAffinity\.requiredDuringSchedulingIgnoredDuringExecution/,
        );
      }
    }
  }
  for (const file of IGNORED) {
    const object = fixtureDaemonSet(file);
    const mutated = await callWebhook(port, 'mutate', { object }, tls);
    t.same(mutated.patch, [], `${file}: no patch`);
    t.equal((await callWebhook(port, 'validate', { object }, tls)).allowed, true, `${file}: allowed`);
  }
});

t.test('enforce: an exporter the exclusion leaves unschedulable is denied with the explanation', async (t) => {
  const harness = await startTestServer();
  t.teardown(() => harness.stop());
  const tls = { ca: harness.certs.caCert };
  const object = daemonSet({ nodeSelector: { starship: 'true' } }) as Record<string, unknown>;
  const mutated = await callWebhook(harness.server.port, 'mutate', { object }, tls);
  const denied = await callWebhook(harness.server.port, 'validate', { object: mutated.patched }, tls);
  t.equal(denied.allowed, false);
  t.match(denied.status?.message, 'can never be scheduled: its nodeSelector needs starship nodes; drop starship.');
  t.equal(denied.status?.details?.causes?.[0]?.field, 'spec.template.spec.nodeSelector');
});

t.test('warn mode: the un-mutated exporter is allowed with short warnings', async (t) => {
  const config = defaultConfig();
  config.dcgmExporter.enforcement = 'warn';
  const harness = await startTestServer({ config });
  t.teardown(() => harness.stop());
  const answer = await callWebhook(
    harness.server.port,
    'validate',
    { object: daemonSet() as Record<string, unknown> },
    { ca: harness.certs.caCert },
  );
  t.equal(answer.allowed, true);
  t.ok(answer.warnings.length > 0);
  t.ok(
    answer.warnings.every((w) => w.length <= 120),
    'every warning at most 120 characters',
  );
});
