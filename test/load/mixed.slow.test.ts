// Correctness under concurrency (not speed): a few hundred mixed AdmissionReviews in flight at
// once over loopback, small ones judged inline and large ones in the worker pool. Every answer must
// carry its own request's uid and exactly the response the engine gives that request alone.
import t, { type Test } from 'tap';
import { Agent } from 'node:https';
import { pino } from 'pino';
import { defaultConfig } from '../../src/config/schema.js';
import { buildAdmissionResponse, parseAdmissionReview } from '../../src/admission/review.js';
import { createMetrics } from '../../src/server/metrics.js';
import { createJudge, DEFAULT_OFFLOAD_MIN_CHARS } from '../../src/server/judge.js';
import { createPolicyDecider } from '../../src/server/policy-decider.js';
import { DecidePool } from '../../src/server/worker-pool.js';
import { buildReview, post } from '../../fixtures/apiserver.js';
import { startTestServer } from '../support/server.js';
import {
  armsConfigMap,
  fixtureDaemonSet,
  DCGM_EXPORTER_MANIFEST,
  NODE_EXPORTER_MANIFEST,
  prometheusConfigOfSize,
  smallPrometheusConfig,
} from '../../fixtures/objects.js';

const REQUESTS = 300;
const CONNECTIONS = 16;
const FAR_DEADLINE = Number.MAX_SAFE_INTEGER;

const largeConfig = prometheusConfigOfSize(2 * DEFAULT_OFFLOAD_MIN_CHARS);
const breakConfig = (config: string): string => `${config}  - job_name: broken\n    scrape_interval: sometimes\n`;

/** What the cluster sends, in rotation: the kinds promgate judges and some it has no policy for. */
const objects: Array<{ webhook: 'mutate' | 'validate'; object: Record<string, unknown> }> = [
  { webhook: 'mutate', object: fixtureDaemonSet(DCGM_EXPORTER_MANIFEST) },
  { webhook: 'validate', object: fixtureDaemonSet(DCGM_EXPORTER_MANIFEST) },
  { webhook: 'mutate', object: fixtureDaemonSet(NODE_EXPORTER_MANIFEST) },
  { webhook: 'validate', object: armsConfigMap('small-valid', smallPrometheusConfig()) },
  { webhook: 'validate', object: armsConfigMap('small-invalid', breakConfig(smallPrometheusConfig())) },
  { webhook: 'validate', object: armsConfigMap('large-valid', largeConfig) },
  { webhook: 'validate', object: armsConfigMap('large-invalid', breakConfig(largeConfig)) },
  { webhook: 'validate', object: armsConfigMap('elsewhere', breakConfig(smallPrometheusConfig()), 'default') },
  {
    webhook: 'validate',
    object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'arms-prom' }, data: { a: 'eA==' } },
  },
  {
    webhook: 'mutate',
    object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' }, spec: {} },
  },
];

/** A test server judging large objects in a one-worker pool whose queue holds `maxQueued`. */
async function startPooledServer(t: Test, maxQueued: number) {
  const config = defaultConfig();
  const logger = pino({ level: 'silent' });
  const pool = new DecidePool({ config, size: 1, maxQueued, logger });
  const harness = await startTestServer({
    decider: createPolicyDecider(config, createMetrics(), logger, createJudge(config, logger, { pool })),
  });
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  t.teardown(async () => {
    agent.destroy();
    await harness.stop();
    await pool.close();
  });
  return { config, logger, harness, agent };
}

t.test(`${REQUESTS} mixed reviews in flight at once`, async (t) => {
  // A queue as long as the test's burst: here every object must be judged, none refused.
  const { config, logger, harness, agent } = await startPooledServer(t, REQUESTS);
  const inline = createPolicyDecider(config, createMetrics(), logger);

  const sent = Array.from({ length: REQUESTS }, (_, index) => {
    const { webhook, object } = objects[index % objects.length]!;
    const { uid, review } = buildReview({ object, dryRun: index % 3 === 0 });
    return { webhook, uid, review };
  });
  const expected = new Map<string, string>();
  for (const { webhook, uid, review } of sent) {
    const parsed = parseAdmissionReview(review);
    const verdict = await inline(parsed.request, webhook, { deadlineAtMs: FAR_DEADLINE });
    expected.set(uid, JSON.stringify(buildAdmissionResponse(parsed, verdict)));
  }

  const answers = await Promise.all(
    sent.map(async ({ webhook, uid, review }) => {
      const answer = await post(harness.server.port, `/${webhook}?timeout=30s`, JSON.stringify(review), {
        ca: harness.certs.caCert,
        agent,
      });
      return { uid, answer };
    }),
  );
  let matching = 0;
  for (const { uid, answer } of answers) {
    if (answer.statusCode === 200 && answer.body === expected.get(uid)) matching += 1;
    else t.fail(`${uid}: HTTP ${answer.statusCode}, ${answer.body.slice(0, 300)}`);
  }
  t.equal(matching, REQUESTS, 'every answer is its own request’s, as the engine decides it alone');
  const verdicts = new Set(
    [...expected.values()].map((body) => (JSON.parse(body) as { response: { allowed: boolean } }).response.allowed),
  );
  t.same([...verdicts].sort(), [false, true], 'the mix holds both denials and admissions');
});

t.test('under back-pressure every large object gets its verdict or the failure-mode answer', async (t) => {
  const { harness, agent } = await startPooledServer(t, 1);
  // Wait until the worker is up, so that the burst meets a pool that judges as well as refuses.
  const warmUp = buildReview({ object: armsConfigMap('warm-up', largeConfig) }).review;
  await post(harness.server.port, '/validate?timeout=30s', JSON.stringify(warmUp), { ca: harness.certs.caCert, agent });
  const burst = Array.from({ length: 3 * CONNECTIONS }, (_, index) =>
    buildReview({ object: armsConfigMap(`large-${index}`, index % 2 ? largeConfig : breakConfig(largeConfig)) }),
  );
  const answers = await Promise.all(
    burst.map(({ review }) =>
      post(harness.server.port, '/validate?timeout=30s', JSON.stringify(review), { ca: harness.certs.caCert, agent }),
    ),
  );
  let judged = 0;
  let refused = 0;
  answers.forEach((answer, index) => {
    const { uid } = burst[index]!;
    const response = (
      JSON.parse(answer.body) as { response: { uid: string; allowed: boolean; status?: { message: string } } }
    ).response;
    t.equal(response.uid, uid, `request ${index}: its own uid`);
    const message = response.status?.message ?? '';
    if (/internal error in policy prometheus-config: promgate is busy/.test(message)) refused += 1;
    else if (response.allowed === (index % 2 === 1)) judged += 1;
  });
  t.equal(judged + refused, burst.length, 'each answer is the verdict or the enforce-mode failure answer');
  t.ok(refused > 0, `the bounded queue refused some (${refused} of ${burst.length})`);
  t.ok(judged > 0, `and the pool judged the others (${judged})`);
});
