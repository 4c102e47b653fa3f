// The worker pool under misbehaving workers, overload and callers that stop waiting: every task is
// settled (decision or a PoolRejection the decider turns into the policy's failure mode) and the
// pool keeps working.
import t from 'tap';
import { pino } from 'pino';
import { defaultConfig, type PromgateConfig } from '../../src/config/schema.js';
import { decide } from '../../src/policies/engine.js';
import type { KubernetesObject } from '../../src/policies/policy.js';
import type { AdmissionRequest } from '../../src/admission/review.js';
import { createMetrics } from '../../src/server/metrics.js';
import { createJudge } from '../../src/server/judge.js';
import { createPolicyDecider } from '../../src/server/policy-decider.js';
import { DecidePool, PoolRejection, PoolUnavailableError } from '../../src/server/worker-pool.js';
import { armsConfigMap, smallPrometheusConfig } from '../../fixtures/objects.js';

const MISBEHAVING_WORKER = new URL('./fixtures/misbehaving-worker.js', import.meta.url);
const BROKEN_WORKER = new URL('./fixtures/broken-worker.js', import.meta.url);
const create = { operation: 'CREATE' as const };
/** Generous: only "answered at all" matters, never how fast. */
const soon = (): number => Date.now() + 60_000;

const invalidConfigMap = (name: string): KubernetesObject =>
  armsConfigMap(
    name,
    `${smallPrometheusConfig()}  - job_name: broken\n    scrape_interval: often\n`,
  ) as KubernetesObject;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

t.test('the real worker decides exactly as the engine does inline', async (t) => {
  const config = defaultConfig();
  const pool = new DecidePool({ config, size: 1 });
  t.teardown(() => pool.close());
  for (const object of [
    invalidConfigMap('arms-bad'),
    armsConfigMap('arms-good', smallPrometheusConfig()) as KubernetesObject,
  ]) {
    const inWorker = await pool.run(object, create, 'validate', soon());
    const inline = decide(object, config, create, 'validate');
    t.same(inWorker, inline, `${object.metadata?.name}: same decision`);
  }
});

t.test('misbehaving workers and overload', async (t) => {
  // One pool for all cases: each worker start costs about a second of CPU under tap's loaders.
  const pool = new DecidePool({ config: defaultConfig(), size: 1, maxQueued: 1, workerUrl: MISBEHAVING_WORKER });
  t.teardown(() => pool.close());
  const judged = async (what: string): Promise<void> => {
    const after = await pool.run(invalidConfigMap('arms-bad'), create, 'validate', soon());
    t.equal(after.allowed, false, `${what}: the next task is judged by a fresh worker`);
  };

  const hung = await rejection(pool.run(invalidConfigMap('hang'), create, 'validate', Date.now() + 1500));
  t.ok(hung instanceof PoolRejection, 'hang: a PoolRejection');
  t.equal((hung as PoolRejection).reason, 'deadline', 'hang: cut at the deadline');
  await judged('hang');

  const crashed = await rejection(pool.run(invalidConfigMap('crash'), create, 'validate', soon()));
  t.equal((crashed as PoolRejection).reason, 'worker-lost', 'crash: worker lost');
  t.match((crashed as Error).message, /crashed on purpose/, 'crash: the cause is named');
  await judged('crash');

  const hungAgain = rejection(pool.run(invalidConfigMap('hang'), create, 'validate', Date.now() + 1500));
  const queued = pool.run(invalidConfigMap('queued'), create, 'validate', soon());
  const refused = await rejection(pool.run(invalidConfigMap('refused'), create, 'validate', soon()));
  t.equal((refused as PoolRejection).reason, 'overloaded', 'beyond the queue bound: overloaded');
  t.match((refused as Error).message, /busy/);
  t.equal(((await hungAgain) as PoolRejection).reason, 'deadline', 'the hung task is cut at its deadline');
  t.equal((await queued).allowed, false, 'the queued task runs on the replacement worker');
  const past = await rejection(pool.run(invalidConfigMap('late'), create, 'validate', Date.now() - 1));
  t.equal((past as PoolRejection).reason, 'deadline', 'a deadline already passed: refused');

  const busy = pool.run(invalidConfigMap('arms-busy'), create, 'validate', soon());
  const stopWaiting = new AbortController();
  const queuedThenWithdrawn = rejection(
    pool.run(invalidConfigMap('arms-withdrawn'), create, 'validate', soon(), stopWaiting.signal),
  );
  stopWaiting.abort();
  t.equal(((await queuedThenWithdrawn) as PoolRejection).reason, 'withdrawn', 'withdrawn from the queue: refused');
  t.equal((await busy).allowed, false, 'the task ahead of it is judged');
  const stopRunning = new AbortController();
  const runningThenWithdrawn = rejection(
    pool.run(invalidConfigMap('arms-running'), create, 'validate', soon(), stopRunning.signal),
  );
  stopRunning.abort();
  t.equal(((await runningThenWithdrawn) as PoolRejection).reason, 'withdrawn', 'withdrawn while running: refused');
  await judged('a task withdrawn while running');

  const exited = await rejection(pool.run(invalidConfigMap('exit'), create, 'validate', soon()));
  t.equal((exited as PoolRejection).reason, 'worker-lost', 'exit: worker lost');
  await judged('exit');
  const running = rejection(pool.run(invalidConfigMap('hang'), create, 'validate', soon()));
  const waiting = rejection(pool.run(invalidConfigMap('queued'), create, 'validate', soon()));
  await pool.close();
  t.equal(((await waiting) as PoolRejection).reason, 'closed', 'close: a waiting task is refused');
  t.match(((await running) as PoolRejection).reason, /^(closed|worker-lost)$/, 'close: the running task ends too');
});

t.test('workers that cannot start make the pool unavailable, not a crash loop', async (t) => {
  const pool = new DecidePool({
    config: defaultConfig(),
    size: 1,
    workerUrl: BROKEN_WORKER,
    logger: pino({ level: 'silent' }),
  });
  t.teardown(() => pool.close());
  const err = await rejection(pool.run(invalidConfigMap('any'), create, 'validate', soon()));
  t.ok(err instanceof PoolUnavailableError, 'PoolUnavailableError');
  t.match((err as Error).message, /never becomes ready/);
});

function admissionRequest(object: KubernetesObject): AdmissionRequest {
  return {
    uid: 'c0ffee00-0000-4000-8000-000000000000',
    kind: { group: '', version: 'v1', kind: 'ConfigMap' },
    operation: 'CREATE',
    userInfo: { username: 'kubernetes-admin', groups: ['system:masters'] },
    object: object as Record<string, unknown>,
    oldObject: null,
    dryRun: false,
    namespace: 'arms-prom',
  };
}

t.test("a refused task is answered by the policy's failure mode", async (t) => {
  const silent = pino({ level: 'silent' });
  for (const [enforcement, allowed] of [
    ['enforce', false],
    ['warn', true],
  ] as const) {
    const config: PromgateConfig = defaultConfig();
    config.prometheusConfig.enforcement = enforcement;
    const pool = new DecidePool({ config, size: 1, workerUrl: BROKEN_WORKER, logger: silent });
    t.teardown(() => pool.close());
    const metrics = createMetrics();
    const decider = createPolicyDecider(
      config,
      metrics,
      silent,
      createJudge(config, silent, { pool, offloadMinChars: 0 }),
    );
    // The API server's deadline has already passed: the pool refuses without a worker.
    const verdict = await decider(admissionRequest(invalidConfigMap('arms-late')), 'validate', {
      deadlineAtMs: Date.now() - 1,
    });
    t.equal(verdict.allowed, allowed, `${enforcement}: allowed=${allowed}`);
    const said = [verdict.denial?.message ?? '', ...verdict.warnings].join('\n');
    t.match(
      said,
      /(internal error in policy prometheus-config|promgate: prometheus-config: internal error): .*timeout/,
      `${enforcement}: says why`,
    );
    t.match(
      await metrics.registry.getSingleMetricAsString('promgate_policy_errors_total'),
      /policy="prometheus-config"\} 1/,
      `${enforcement}: counted as a policy error`,
    );
  }
});

t.test('an unusable pool falls back to judging inline', async (t) => {
  const silent = pino({ level: 'silent' });
  const config = defaultConfig();
  const pool = new DecidePool({ config, size: 1, workerUrl: BROKEN_WORKER, logger: silent });
  t.teardown(() => pool.close());
  const decider = createPolicyDecider(
    config,
    createMetrics(),
    silent,
    createJudge(config, silent, { pool, offloadMinChars: 0 }),
  );
  const verdict = await decider(admissionRequest(invalidConfigMap('arms-bad')), 'validate', { deadlineAtMs: soon() });
  t.equal(verdict.allowed, false, 'the invalid config is denied');
  t.match(verdict.denial?.message ?? '', /scrape_interval/, 'by the validator itself');
});
