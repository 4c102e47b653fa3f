// How the server judges one object: large payloads in the worker pool, everything else on the event
// loop (docs/adr/050-worker-pool.md). The webhooks and the background audit both judge through
// here, so a 1 MiB ConfigMap never stalls admission, whoever asked about it.
import type { Logger } from '../common/logger.js';
import type { PromgateConfig } from '../config/schema.js';
import { decide, type Decision, type Stage } from '../policies/engine.js';
import { judges, type EvaluationContext, type KubernetesObject } from '../policies/policy.js';
import { registeredPolicies, type RegisteredPolicy } from '../policies/registry.js';
import { PoolUnavailableError, type DecidePool } from './worker-pool.js';

/**
 * `decide` for one object with a deadline (epoch ms). Rejects with a PoolRejection when the pool
 * refuses the object (overloaded, past the deadline, its worker lost): what to answer then is the
 * caller's choice, since admission and audit need different answers.
 */
export type Judge = (
  object: KubernetesObject,
  context: EvaluationContext,
  stage: Stage,
  deadlineAtMs: number,
) => Decision | Promise<Decision>;

/**
 * A worker hop costs about 0.1 ms plus 0.7 ms per MiB cloned, the Prometheus validator 0.05–0.1 ms
 * per KiB (ADR 050): from here on, judging inline would hold the event loop longer than moving.
 */
export const DEFAULT_OFFLOAD_MIN_CHARS = 16 * 1024;

/**
 * Share of the time left before the API server's deadline that a large object may wait for a
 * worker; after it, the object is judged on the event loop instead. Workers run at the lowest CPU
 * priority so that the event loop keeps its share, which lets other busy processes on the node
 * starve them: a valid 1 MiB config was refused at the deadline after 9–10 s, where judging it
 * inline takes a few hundred milliseconds (issue 15).
 */
export const POOL_PATIENCE = 0.5;

export interface JudgeOptions {
  /** Judges large objects off the event loop; without it everything is judged inline. */
  pool?: Pick<DecidePool, 'run'>;
  /** Objects whose `payloadChars` reach this go to the pool. */
  offloadMinChars?: number;
}

/**
 * Characters of `data`/`binaryData` values (ConfigMaps, Secrets) in the object and the old object:
 * where an object's weight lies, and what the expensive policies read. Cheap to count, unlike
 * re-serialising.
 */
export function payloadChars(object: KubernetesObject, context: EvaluationContext): number {
  let total = 0;
  for (const judged of [object, context.oldObject]) {
    for (const key of ['data', 'binaryData']) {
      const section = judged?.[key];
      if (typeof section !== 'object' || section === null) continue;
      for (const value of Object.values(section)) if (typeof value === 'string') total += value.length;
    }
  }
  return total;
}

function applicablePolicies(object: KubernetesObject, config: PromgateConfig): RegisteredPolicy[] {
  return registeredPolicies().filter(({ policy, section }) => {
    const policyConfig = section(config);
    return policyConfig.enforcement !== 'off' && judges(policy, object, policyConfig);
  });
}

/**
 * The decision the engine makes when every applicable policy fails with `error`: deny in
 * `enforce`, allow with a warning otherwise. Built by the engine itself so the rule lives in one place.
 */
export function failedDecision(
  object: KubernetesObject,
  config: PromgateConfig,
  context: EvaluationContext,
  stage: Stage,
  error: Error,
): Decision {
  const failing = applicablePolicies(object, config).map(({ policy, section }) => ({
    section,
    policy: {
      name: policy.name,
      judges: policy.judges,
      rule: policy.rule,
      notJudged: () => undefined,
      evaluate: () => {
        throw error;
      },
    },
  }));
  return decide(object, config, context, stage, failing);
}

export function createJudge(config: PromgateConfig, logger: Logger, options: JudgeOptions = {}): Judge {
  const offloadMinChars = options.offloadMinChars ?? DEFAULT_OFFLOAD_MIN_CHARS;
  let poolUnusable = false;

  const inPool = async (
    pool: Pick<DecidePool, 'run'>,
    object: KubernetesObject,
    context: EvaluationContext,
    stage: Stage,
    deadlineAtMs: number,
  ): Promise<Decision> => {
    const withdraw = new AbortController();
    let patience: NodeJS.Timeout | undefined;
    const outOfPatience = new Promise<'out of patience'>((resolve) => {
      patience = setTimeout(() => resolve('out of patience'), (deadlineAtMs - Date.now()) * POOL_PATIENCE);
    });
    try {
      const outcome = await Promise.race([
        pool.run(object, context, stage, deadlineAtMs, withdraw.signal),
        outOfPatience,
      ]);
      if (outcome !== 'out of patience') return outcome;
      withdraw.abort();
      logger.warn(
        { kind: object.kind, name: object.metadata?.name },
        'no worker judged this object in time (are other processes starving them?); judging it on the event loop',
      );
      return decide(object, config, context, stage);
    } catch (err) {
      if (!(err instanceof PoolUnavailableError)) throw err;
      // The pool cannot run at all: slower answers beat wrong ones, so judge here from now on.
      poolUnusable = true;
      logger.error({ err }, 'worker pool unusable; judging every object on the event loop');
      return decide(object, config, context, stage);
    } finally {
      clearTimeout(patience);
    }
  };

  return (object, context, stage, deadlineAtMs) => {
    const pool = options.pool;
    if (
      pool &&
      !poolUnusable &&
      payloadChars(object, context) >= offloadMinChars &&
      applicablePolicies(object, config).length > 0
    ) {
      return inPool(pool, object, context, stage, deadlineAtMs);
    }
    return decide(object, config, context, stage);
  };
}
