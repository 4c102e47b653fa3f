// A denial in enforce mode becomes one Event on the object; a dry run, an allowed object and a
// warn-mode violation make none.
import t from 'tap';
import { pino } from 'pino';
import { parseAdmissionReview } from '../../src/admission/review.js';
import { defaultConfig } from '../../src/config/schema.js';
import type { EventSink, PolicyEvent } from '../../src/kube/events.js';
import { createMetrics } from '../../src/server/metrics.js';
import { createPolicyDecider } from '../../src/server/policy-decider.js';
import { buildReview, type ReviewInput } from '../../fixtures/apiserver.js';
import { armsConfigMap, smallPrometheusConfig } from '../../fixtures/objects.js';

const INVALID = 'scrape_configs:\n  - job_name: app\n    scrape_interval: 1.5h\n';

async function eventsFor(input: ReviewInput, config = defaultConfig()): Promise<PolicyEvent[]> {
  const emitted: PolicyEvent[] = [];
  const sink: EventSink = { emit: (event) => void emitted.push(event) };
  const decider = createPolicyDecider(config, createMetrics(), pino({ level: 'silent' }), undefined, sink);
  const { request } = parseAdmissionReview(buildReview(input).review);
  await decider(request, 'validate', { deadlineAtMs: Date.now() + 10_000 });
  return emitted;
}

t.test('a denied CREATE: one Admission Event naming the ConfigMap and the error', async (t) => {
  const events = await eventsFor({ object: armsConfigMap('broken', INVALID) });
  t.equal(events.length, 1);
  t.match(events[0], {
    action: 'Admission',
    regarding: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'arms-prom', name: 'broken' },
    note: /promYaml:3:22/,
  });
});

t.test('a dry run has no side effects', async (t) => {
  t.same(await eventsFor({ object: armsConfigMap('broken', INVALID), dryRun: true }), []);
});

t.test('an allowed object, or a violation in warn mode, makes no Event', async (t) => {
  t.same(await eventsFor({ object: armsConfigMap('fine', smallPrometheusConfig()) }), []);
  const warn = defaultConfig();
  warn.prometheusConfig.enforcement = 'warn';
  t.same(await eventsFor({ object: armsConfigMap('broken', INVALID) }, warn), []);
});
