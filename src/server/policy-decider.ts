// The glue between the admission protocol and the policy engine: turns an AdmissionRequest into a
// call to `decide`, and the engine's Decision into a protocol verdict. Counting and logging of
// violations (what `audit` mode promises) happens here, once per request.
import type { PromgateConfig } from '../config/schema.js';
import type { Decider, Webhook } from '../admission/handler.js';
import type { AdmissionRequest, AdmissionVerdict } from '../admission/review.js';
import { decide, type Decision } from '../policies/engine.js';
import type { KubernetesObject } from '../policies/policy.js';
import type { Metrics } from './metrics.js';

export interface Logger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** How many lines of a denial the message shows before summarising; causes always carry all. */
const MAX_DENIAL_LINES = 25;

export function objectReference(request: AdmissionRequest): string {
  const name = request.name ?? (request.object?.metadata as { name?: string } | undefined)?.name ?? '(unnamed)';
  return `${request.kind.kind} ${request.namespace ? `${request.namespace}/` : ''}${name}`;
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

export function createPolicyDecider(config: PromgateConfig, metrics: Metrics, logger: Logger): Decider {
  return (request: AdmissionRequest, webhook: Webhook): AdmissionVerdict => {
    // DELETE and CONNECT carry no object to judge; promgate has nothing to say about them.
    if (request.object === null || request.operation === 'DELETE' || request.operation === 'CONNECT') {
      return { allowed: true, patch: [], warnings: [] };
    }
    const context = {
      operation: request.operation,
      ...(request.oldObject ? { oldObject: request.oldObject as KubernetesObject } : {}),
    };
    const decision = decide(request.object as KubernetesObject, config, context, webhook);
    for (const outcome of decision.outcomes) {
      const fields = {
        uid: request.uid,
        webhook,
        policy: outcome.policy,
        mode: outcome.mode,
        object: objectReference(request),
        dryRun: request.dryRun,
      };
      if (outcome.internalError) {
        metrics.policyErrors.inc({ policy: outcome.policy });
        logger.error({ ...fields, err: outcome.internalError }, 'policy failed with an internal error');
      }
      const violations = outcome.evaluation.violations;
      if (webhook === 'validate' && violations.length > 0 && !outcome.internalError) {
        metrics.policyViolations.inc({ policy: outcome.policy, mode: outcome.skipped ? 'skipped' : outcome.mode });
        logger.warn({ ...fields, skipped: outcome.skipped, violations }, 'policy violation');
      }
    }
    return verdictOf(request, decision);
  };
}
