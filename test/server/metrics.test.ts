// Metric labels stay a bounded set whatever clients send: the object kind comes from the request.
import t from 'tap';
import { MAX_KIND_LABELS, createMetrics } from '../../src/server/metrics.js';
import { callWebhook } from '../../fixtures/apiserver.js';
import { startTestServer } from '../support/server.js';

t.test('kind labels: real kinds kept up to the bound, then other; anything not kind-shaped is other', async (t) => {
  const { kindLabel } = createMetrics();
  t.equal(kindLabel('DaemonSet'), 'DaemonSet');
  for (const odd of ['', 'daemonset', 'Daemon Set', 'X'.repeat(64), 'Kind"}\n']) t.equal(kindLabel(odd), 'other', odd);
  for (let index = 1; index < MAX_KIND_LABELS; index += 1) t.equal(kindLabel(`Kind${index}`), `Kind${index}`);
  t.equal(kindLabel('OneTooMany'), 'other', 'past the bound');
  t.equal(kindLabel('DaemonSet'), 'DaemonSet', 'kinds seen before keep their label');
});

t.test('a review of an invented kind is counted under other', async (t) => {
  const harness = await startTestServer();
  t.teardown(() => harness.stop());
  const object = { apiVersion: 'example.com/v1', kind: 'no such kind', metadata: { name: 'x', namespace: 'y' } };
  const answer = await callWebhook(harness.server.port, 'validate', { object }, { ca: harness.certs.caCert });
  t.equal(answer.allowed, true, 'allowed: no policy applies');
  const metricsText = await (await fetch(`http://127.0.0.1:${harness.server.metricsPort}/metrics`)).text();
  t.match(metricsText, /promgate_admission_requests_total\{webhook="validate",kind="other",operation="CREATE"/);
  t.notMatch(metricsText, /no such kind/);
});
