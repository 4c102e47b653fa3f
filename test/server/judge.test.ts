// The server's judge (large objects in the pool, the rest inline) and the background audit's use
// of it: which objects reach the pool, what happens when the pool refuses or no worker gets to an
// object in time, that the audit waits for a busy pool instead of reporting admission's
// back-pressure as a violation, and that shutdown cuts an audit short.
import t from 'tap';
import { pino } from 'pino';
import { defaultConfig } from '../../src/config/schema.js';
import { decide, type Decision, type Stage } from '../../src/policies/engine.js';
import type { EvaluationContext, KubernetesObject } from '../../src/policies/policy.js';
import type { AuditSource } from '../../src/kube/audit-source.js';
import { runAudit } from '../../src/kube/audit.js';
import { AUDIT_BUSY_ATTEMPTS, auditDecide } from '../../src/server/background-audit.js';
import { createJudge, payloadChars } from '../../src/server/judge.js';
import { PoolRejection, PoolUnavailableError, type DecidePool } from '../../src/server/worker-pool.js';
import { armsConfigMap, smallPrometheusConfig } from '../../fixtures/objects.js';

const silent = pino({ level: 'silent' });
const config = defaultConfig();
const create: EvaluationContext = { operation: 'CREATE' };
const soon = (): number => Date.now() + 60_000;
const POOL_WARNING = 'judged by the fake pool';

const validConfigMap = armsConfigMap('arms-valid', smallPrometheusConfig()) as KubernetesObject;
const invalidConfigMap = armsConfigMap(
  'arms-invalid',
  `${smallPrometheusConfig()}  - job_name: broken\n    scrape_interval: often\n`,
) as KubernetesObject;
/** Outside the namespaces the prometheus-config policy watches: no policy applies. */
const unwatchedConfigMap = armsConfigMap('other', smallPrometheusConfig(), 'default') as KubernetesObject;

type Outcome = Decision | Error;

/** A pool that answers from a script (one entry per call; the last repeats) and counts its calls. */
function scriptedPool(...script: Outcome[]): Pick<DecidePool, 'run'> & { calls: number } {
  const pool = {
    calls: 0,
    run(object: KubernetesObject, context: EvaluationContext, stage: Stage): Promise<Decision> {
      const outcome = script[Math.min(pool.calls, script.length - 1)]!;
      pool.calls += 1;
      if (outcome instanceof Error) return Promise.reject(outcome);
      const decided = decide(object, config, context, stage);
      return Promise.resolve({ ...decided, warnings: [...decided.warnings, POOL_WARNING] });
    },
  };
  return pool;
}

const judged = (): Decision => decide(validConfigMap, config, create, 'validate');

t.test('payloadChars counts data and binaryData of the object and the old object', async (t) => {
  const object = { ...validConfigMap, binaryData: { blob: 'AAAA' } } as KubernetesObject;
  const text = (validConfigMap.data as { promYaml: string }).promYaml;
  t.equal(payloadChars(object, create), text.length + 4);
  t.equal(payloadChars(object, { operation: 'UPDATE', oldObject: validConfigMap }), 2 * text.length + 4);
  t.equal(payloadChars({ kind: 'DaemonSet' }, create), 0);
});

t.test('objects with a payload at the threshold go to the pool, smaller ones stay inline', async (t) => {
  const threshold = payloadChars(validConfigMap, create);
  const pool = scriptedPool(judged());
  const atThreshold = createJudge(config, silent, { pool, offloadMinChars: threshold });
  const decision = await atThreshold(validConfigMap, create, 'validate', soon());
  t.ok(decision.warnings.includes(POOL_WARNING), 'judged in the pool');
  t.equal(pool.calls, 1);

  const aboveIt = createJudge(config, silent, { pool, offloadMinChars: threshold + 1 });
  const inline = await aboveIt(validConfigMap, create, 'validate', soon());
  t.notOk(inline.warnings.includes(POOL_WARNING), 'judged inline');
  t.equal(pool.calls, 1, 'the pool was not asked');
});

t.test('an object no policy applies to is never sent to the pool', async (t) => {
  const pool = scriptedPool(judged());
  const judge = createJudge(config, silent, { pool, offloadMinChars: 0 });
  const decision = await judge(unwatchedConfigMap, create, 'validate', soon());
  t.equal(pool.calls, 0);
  t.same(decision.outcomes, [], 'nothing judged it');
});

t.test('an unusable pool is given up for good; the object is judged inline', async (t) => {
  const pool = scriptedPool(new PoolUnavailableError('workers fail to start'));
  const judge = createJudge(config, silent, { pool, offloadMinChars: 0 });
  const first = await judge(invalidConfigMap, create, 'validate', soon());
  t.equal(first.allowed, false, 'the invalid config is still denied, by the inline validator');
  await judge(invalidConfigMap, create, 'validate', soon());
  t.equal(pool.calls, 1, 'the second object did not try the pool');
});

t.test("a pool's refusal reaches the caller, who chooses the answer", async (t) => {
  const refusal = new PoolRejection('overloaded', 'busy');
  const judge = createJudge(config, silent, { pool: scriptedPool(refusal), offloadMinChars: 0 });
  await t.rejects(Promise.resolve(judge(validConfigMap, create, 'validate', soon())), refusal);
});

t.test('the audit waits while admission keeps the pool busy', async (t) => {
  const busy = new PoolRejection('overloaded', 'busy');
  const pool = scriptedPool(busy, busy, judged());
  const decideForAudit = auditDecide(createJudge(config, silent, { pool, offloadMinChars: 0 }), { retryMs: 1 });
  const decision = await decideForAudit(validConfigMap, config, create, 'validate');
  t.ok(decision.warnings.includes(POOL_WARNING), 'judged by the pool in the end');
  t.equal(pool.calls, 3);
});

t.test('a pool busy for too long fails the audit round rather than inventing a verdict', async (t) => {
  const busy = new PoolRejection('overloaded', 'busy');
  const pool = scriptedPool(busy);
  const decideForAudit = auditDecide(createJudge(config, silent, { pool, offloadMinChars: 0 }), { retryMs: 1 });
  await t.rejects(decideForAudit(validConfigMap, config, create, 'validate'), busy);
  t.equal(pool.calls, AUDIT_BUSY_ATTEMPTS);
});

t.test('a shutting-down pool ends the audit round', async (t) => {
  const closed = new PoolRejection('closed', 'promgate is shutting down');
  const decideForAudit = auditDecide(createJudge(config, silent, { pool: scriptedPool(closed), offloadMinChars: 0 }));
  await t.rejects(decideForAudit(validConfigMap, config, create, 'validate'), closed);
});

t.test('an object that loses its worker is reported as the policy failing on it', async (t) => {
  const lost = new PoolRejection('worker-lost', 'the worker judging this object stopped unexpectedly');
  const decideForAudit = auditDecide(createJudge(config, silent, { pool: scriptedPool(lost), offloadMinChars: 0 }));
  const decision = await decideForAudit(validConfigMap, config, create, 'validate');
  const [outcome] = decision.outcomes;
  t.equal(outcome?.policy, 'prometheus-config');
  t.match(outcome?.internalError?.message, /stopped unexpectedly/);
  t.match(outcome?.evaluation.violations[0]?.message, /internal error in policy prometheus-config/);
});

t.test('a large object no worker gets to in time is judged on the event loop, before the deadline', async (t) => {
  let withdrawn = false;
  // Workers starved of CPU by other processes: the task never starts until it is withdrawn.
  const starvedPool: Pick<DecidePool, 'run'> = {
    run: (_object, _context, _stage, _deadline, signal) =>
      new Promise<Decision>((_resolve, reject) =>
        signal?.addEventListener('abort', () => {
          withdrawn = true;
          reject(new PoolRejection('withdrawn', 'the caller stopped waiting for a worker'));
        }),
      ),
  };
  const judge = createJudge(config, silent, { pool: starvedPool, offloadMinChars: 0 });
  const decision = await judge(invalidConfigMap, create, 'validate', Date.now() + 400);
  t.equal(decision.allowed, false, 'denied by the validator, not refused for want of a worker');
  t.match(decision.outcomes[0]?.evaluation.violations[0]?.message, /scrape_interval/);
  t.ok(withdrawn, 'the task was withdrawn from the pool');
});

/** A pool whose judgement never ends, as a worker stuck on a hostile document would be. */
const stuckPool: Pick<DecidePool, 'run'> = { run: () => new Promise<Decision>(() => undefined) };

t.test('shutdown ends an audit that waits for a busy pool, without waiting the retries out', async (t) => {
  const busy = new PoolRejection('overloaded', 'busy');
  const pool = scriptedPool(busy);
  const stopping = new AbortController();
  const decideForAudit = auditDecide(createJudge(config, silent, { pool, offloadMinChars: 0 }), {
    signal: stopping.signal,
    retryMs: 60_000,
  });
  const judging = decideForAudit(validConfigMap, config, create, 'validate');
  const reason = new Error('stopped');
  stopping.abort(reason);
  await t.rejects(judging, reason);
  t.equal(pool.calls, 1, 'no retry after the stop');
});

t.test('shutdown ends an audit whose object is still being judged', async (t) => {
  const stopping = new AbortController();
  const decideForAudit = auditDecide(createJudge(config, silent, { pool: stuckPool, offloadMinChars: 0 }), {
    signal: stopping.signal,
  });
  const judging = decideForAudit(validConfigMap, config, create, 'validate');
  const reason = new Error('stopped');
  stopping.abort(reason);
  await t.rejects(judging, reason);
});

t.test('an aborted audit stops before the next object', async (t) => {
  const stopping = new AbortController();
  const judged: string[] = [];
  const source: AuditSource = {
    async *objects() {
      yield validConfigMap;
      stopping.abort(new Error('stopped'));
      yield invalidConfigMap;
    },
  };
  const decideRecording = async (object: KubernetesObject): Promise<Decision> => {
    judged.push(object.metadata?.name ?? '');
    return decide(object, config, create, 'validate');
  };
  await t.rejects(runAudit(source, config, decideRecording, { signal: stopping.signal }), /stopped/);
  t.same(judged, ['arms-valid'], 'the object after the stop was not judged');
});
