// An object the API server is deleting still receives UPDATEs: the garbage collector removes the
// `foregroundDeletion` finalizer (`kubectl delete --cascade=foreground`, Argo CD's prune), a
// controller removes its own. promgate must let each of them through unchanged, or the object
// stays Terminating forever.
import t from 'tap';
import { callWebhook } from '../../fixtures/apiserver.js';
import { armsConfigMap } from '../../fixtures/objects.js';
import { startTestServer } from '../support/server.js';

const DELETION_TIMESTAMP = '2026-12-01T10:00:00Z';

/** A legacy dcgm-exporter with no starship exclusion: on CREATE it would be patched, then denied. */
const legacyExporter = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'dcgm-exporter', namespace: 'gpu-monitoring' },
  spec: {
    selector: { matchLabels: { app: 'dcgm-exporter' } },
    template: {
      metadata: { labels: { app: 'dcgm-exporter' } },
      spec: { containers: [{ name: 'exporter', image: 'nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3' }] },
    },
  },
};

/** The same object as the garbage collector sees it, and after it removed its finalizer. */
function finalizerRemoval(object: Record<string, unknown>): {
  oldObject: Record<string, unknown>;
  object: Record<string, unknown>;
} {
  const metadata = object.metadata as Record<string, unknown>;
  const terminating = { ...metadata, deletionTimestamp: DELETION_TIMESTAMP, deletionGracePeriodSeconds: 0 };
  return {
    oldObject: { ...object, metadata: { ...terminating, finalizers: ['foregroundDeletion'] } },
    object: { ...object, metadata: terminating },
  };
}

const invalidConfig = 'scrape_configs:\n  - job_name: dcgm\n    scrape_interval: 1.5h\n';

t.test('finalizer removal and other updates of objects being deleted pass unchanged', async (t) => {
  const harness = await startTestServer();
  t.teardown(() => harness.stop());
  const tls = { ca: harness.certs.caCert };
  const configMapUpdate = finalizerRemoval(armsConfigMap('arms-prom-prometheus-yaml', invalidConfig));
  const cases = {
    'a dcgm-exporter lacking the exclusion': finalizerRemoval(legacyExporter),
    'an ARMS ConfigMap whose unchanged config is invalid': configMapUpdate,
    'an ARMS ConfigMap whose config changes to an invalid one': {
      oldObject: armsConfigMap('arms-prom-prometheus-yaml', 'scrape_configs: []\n'),
      object: configMapUpdate.object,
    },
  };
  for (const [what, { object, oldObject }] of Object.entries(cases)) {
    for (const webhook of ['mutate', 'validate'] as const) {
      const result = await callWebhook(harness.server.port, webhook, { object, oldObject, operation: 'UPDATE' }, tls);
      t.equal(result.allowed, true, `${what}: ${webhook} allows it`);
      t.same(result.patch, [], `${what}: ${webhook} does not patch it`);
      t.same(result.warnings, [], `${what}: ${webhook} has nothing to warn about`);
    }
  }
});

t.test('the same object not being deleted is still judged', async (t) => {
  const harness = await startTestServer();
  t.teardown(() => harness.stop());
  const tls = { ca: harness.certs.caCert };
  const { oldObject } = finalizerRemoval(legacyExporter);
  const stillAlive = { ...legacyExporter, metadata: { ...legacyExporter.metadata, finalizers: ['example.com/keep'] } };
  const mutation = await callWebhook(
    harness.server.port,
    'mutate',
    { object: stillAlive, oldObject: { ...oldObject, metadata: legacyExporter.metadata }, operation: 'UPDATE' },
    tls,
  );
  t.not(mutation.patch.length, 0, 'a finalizer alone changes nothing: the exclusion is added');
  const validation = await callWebhook(
    harness.server.port,
    'validate',
    { object: stillAlive, operation: 'UPDATE' },
    tls,
  );
  t.equal(validation.allowed, false, 'and without it the DaemonSet is denied');
});
