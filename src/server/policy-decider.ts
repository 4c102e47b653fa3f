// The glue between the admission protocol and the policy engine: turns an AdmissionRequest into a
// call to `decide`, and the engine's Decision into a protocol verdict. Counting and logging of
// violations (what `audit` mode promises) happens here, once per request.
// Large objects are judged in a worker pool so that the event loop keeps answering everyone else
// (docs/adr/050-worker-pool.md); when the pool refuses, the policies' failure modes answer.
import type { PromgateConfig } from '../config/schema.js';
import type { Decider, Webhook } from '../admission/handler.js';
import type { AdmissionRequest, AdmissionVerdict } from '../admission/review.js';
import { decide, type Decision } from '../policies/engine.js';
import { namespacedName, type EvaluationContext, type KubernetesObject } from '../policies/policy.js';
import { registeredPolicies, type RegisteredPolicy } from '../policies/registry.js';
import type { Metrics } from './metrics.js';
import { PoolUnavailableError, type DecidePool } from './worker-pool.js';

export interface Logger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** How many lines of a denial the message shows before summarising; causes always carry all. */
const MAX_DENIAL_LINES = 25;

export function objectReference(request: AdmissionRequest): string {
  const name = request.name ?? (request.object?.metadata as { name?: string } | undefined)?.name ?? '(unnamed)';
  return `${request.kind.kind} ${namespacedName(request.namespace, name)}`;
}

function denialMessage(request: AdmissionRequest, decision: Decision): string {
  const lines = decision.denials.map((denial) => `${denial.policy}: ${denial.message}`);
  const shown = lines.slice(0, MAX_DENIAL_LINES);
  if (lines.length > shown.length) shown.push(`… and ${lines.length - shown.length} more`);
  return `promgate denied ${objectReference(request)}:\n${shown.join('\n')}`;
}

export function verdictOf(request: AdmissionRequest, decision: Decision): AdmissionVerdict {
  const verdict: AdmissionVerdict = { allowed: decision.allowed, patch: decision.patch, warnings: decision.warnings };
  if (!decision.allowed) {
    verdict.denial = {
      message: denialMessage(request, decision),
      causes: decision.denials.map((denial) => ({
        field: denial.field,
        message: `${denial.policy}: ${denial.message}`,
      })),
    };
  }
  return verdict;
}

/**
 * Characters of `data`/`binaryData` values (ConfigMaps, Secrets) in object and oldObject: where a
 * request's weight lies, and what the expensive policies read. Cheap to count, unlike re-serialising.
 */
export function payloadChars(request: AdmissionRequest): number {
  let total = 0;
  for (const object of [request.object, request.oldObject]) {
    for (const key of ['data', 'binaryData']) {
      const section = object?.[key];
      if (typeof section !== 'object' || section === null) continue;
      for (const value of Object.values(section)) if (typeof value === 'string') total += value.length;
    }
  }
  return total;
}

/**
 * Measured (docs/performance.md): a worker hop costs well under a millisecond, while the Prometheus
 * validator spends about a millisecond per scrape job, so anything beyond a few jobs is worth moving.
 */
export const DEFAULT_OFFLOAD_MIN_CHARS = 16 * 1024;

export interface PolicyDeciderOptions {
  /** Judges large objects off the event loop; without it everything is judged inline. */
  pool?: DecidePool;
  /** Objects whose `payloadChars` reach this go to the pool. */
  offloadMinChars?: number;
}

function applicablePolicies(object: KubernetesObject, config: PromgateConfig): RegisteredPolicy[] {
  return registeredPolicies().filter(({ policy, section }) => {
    const policyConfig = section(config);
    return policyConfig.enforcement !== 'off' && policy.appliesTo(object, policyConfig);
  });
}

/**
 * The decision the engine makes when every applicable policy fails with `error`: deny in
 * `enforce`, allow with a warning otherwise. Built by the engine itself so the rule lives in one place.
 */
function failedDecision(
  object: KubernetesObject,
  config: PromgateConfig,
  context: EvaluationContext,
  stage: Webhook,
  error: Error,
): Decision {
  const failing = applicablePolicies(object, config).map(({ policy, section }) => ({
    section,
    policy: {
      name: policy.name,
      appliesTo: () => true,
      evaluate: () => {
        throw error;
      },
    },
  }));
  return decide(object, config, context, stage, failing);
}

export function createPolicyDecider(
  config: PromgateConfig,
  metrics: Metrics,
  logger: Logger,
  options: PolicyDeciderOptions = {},
): Decider {
  const offloadMinChars = options.offloadMinChars ?? DEFAULT_OFFLOAD_MIN_CHARS;
  let poolUnusable = false;

  const answer = (request: AdmissionRequest, webhook: Webhook, decision: Decision): AdmissionVerdict => {
    for (const outcome of decision.outcomes) {
      // Built only for the lines that need it: most reviews log nothing here.
      const fields = (): object => ({
        uid: request.uid,
        webhook,
        policy: outcome.policy,
        mode: outcome.mode,
        object: objectReference(request),
        dryRun: request.dryRun,
      });
      if (outcome.internalError) {
        metrics.policyErrors.inc({ policy: outcome.policy });
        logger.error({ ...fields(), err: outcome.internalError }, 'policy failed with an internal error');
      }
      const violations = outcome.evaluation.violations;
      if (webhook === 'validate' && violations.length > 0 && !outcome.internalError) {
        metrics.policyViolations.inc({ policy: outcome.policy, mode: outcome.skipped ? 'skipped' : outcome.mode });
        logger.warn({ ...fields(), skipped: outcome.skipped, violations }, 'policy violation');
      }
    }
    return verdictOf(request, decision);
  };

  const judgeInPool = async (
    pool: DecidePool,
    request: AdmissionRequest,
    webhook: Webhook,
    object: KubernetesObject,
    context: EvaluationContext,
    deadlineAtMs: number,
  ): Promise<AdmissionVerdict> => {
    let decision: Decision;
    try {
      decision = await pool.run(object, context, webhook, deadlineAtMs);
    } catch (err) {
      if (err instanceof PoolUnavailableError) {
        // The pool cannot run at all: slower answers beat wrong ones, so judge here from now on.
        poolUnusable = true;
        logger.error({ err }, 'worker pool unusable; judging every object on the event loop');
        decision = decide(object, config, context, webhook);
      } else {
        decision = failedDecision(
          object,
          config,
          context,
          webhook,
          err instanceof Error ? err : new Error(String(err)),
        );
      }
    }
    return answer(request, webhook, decision);
  };

  return (request, webhook, { deadlineAtMs }) => {
    // DELETE and CONNECT carry no object to judge; promgate has nothing to say about them.
    if (request.object === null || request.operation === 'DELETE' || request.operation === 'CONNECT') {
      return { allowed: true, patch: [], warnings: [] };
    }
    const object = request.object as KubernetesObject;
    const context: EvaluationContext = {
      operation: request.operation,
      ...(request.oldObject ? { oldObject: request.oldObject as KubernetesObject } : {}),
    };
    const pool = options.pool;
    if (
      pool &&
      !poolUnusable &&
      payloadChars(request) >= offloadMinChars &&
      applicablePolicies(object, config).length > 0
    ) {
      return judgeInPool(pool, request, webhook, object, context, deadlineAtMs);
    }
    return answer(request, webhook, decide(object, config, context, webhook));
  };
}
