// Runs every registered policy over one object and turns their evaluations into one decision,
// applying each policy's enforcement mode and the opt-out annotation. The admission server,
// `promgate check` and `promgate audit` all decide through `decide`, and nowhere else.
import type { Operation } from 'fast-json-patch';
import { asError } from '../common/errors.js';
import { policyWarning } from '../common/warnings.js';
import type { PromgateConfig } from '../config/schema.js';
import type { EnforcementMode, Evaluation, EvaluationContext, KubernetesObject, Violation } from './policy.js';
import { registeredPolicies, type RegisteredPolicy } from './registry.js';

export type Stage = 'mutate' | 'validate';

export interface PolicyOutcome {
  policy: string;
  mode: EnforcementMode;
  /** The object carries the skip annotation: reported, never enforced. */
  skipped: boolean;
  evaluation: Evaluation;
  /** Set when the policy threw: a bug, handled by the policy's failure mode. */
  internalError?: Error;
}

export interface Decision {
  allowed: boolean;
  patch: Operation[];
  warnings: string[];
  /** Violations that deny the request (only from policies in `enforce` mode). */
  denials: Array<Violation & { policy: string }>;
  outcomes: PolicyOutcome[];
}

/**
 * Whether the mutating webhook applies this policy's patch: not for an opted-out object, and not in
 * audit mode (promgate only watches then, so it changes nothing). `check` describes only these.
 */
export function patchApplied(outcome: PolicyOutcome): boolean {
  return !outcome.skipped && (outcome.mode === 'enforce' || outcome.mode === 'warn');
}

export function isSkipped(object: KubernetesObject, config: PromgateConfig): boolean {
  return object.metadata?.annotations?.[config.skipAnnotation] === 'true';
}

/**
 * The API server is deleting the object and waits for its finalizers: the updates it still gets
 * (the garbage collector removing `foregroundDeletion`, a controller its own finalizer) must go
 * through, or the object stays Terminating forever. Nothing a policy could ask would outlive it.
 */
export function isBeingDeleted(object: KubernetesObject): boolean {
  const deletionTimestamp = object.metadata?.deletionTimestamp;
  return deletionTimestamp !== undefined && deletionTimestamp !== null;
}

export function decide(
  object: KubernetesObject,
  config: PromgateConfig,
  context: EvaluationContext,
  stage: Stage,
  policies: readonly RegisteredPolicy[] = registeredPolicies(),
): Decision {
  const decision: Decision = { allowed: true, patch: [], warnings: [], denials: [], outcomes: [] };
  if (isBeingDeleted(object)) return decision;
  const skipped = isSkipped(object, config);
  for (const { policy, section } of policies) {
    const policyConfig = section(config);
    const mode = policyConfig.enforcement;
    if (mode === 'off' || !policy.appliesTo(object, policyConfig)) continue;
    let evaluation: Evaluation;
    let internalError: Error | undefined;
    try {
      evaluation = policy.evaluate(object, policyConfig, context);
    } catch (err) {
      internalError = asError(err);
      evaluation = {
        violations: [
          {
            field: '',
            message: `internal error in policy ${policy.name}: ${internalError.message}`,
            warning: `internal error: ${internalError.message}`,
          },
        ],
        warnings: [],
        patch: [],
      };
    }
    const outcome: PolicyOutcome = {
      policy: policy.name,
      mode,
      skipped,
      evaluation,
      ...(internalError ? { internalError } : {}),
    };
    decision.outcomes.push(outcome);
    if (skipped) {
      if (stage === 'validate' && evaluation.violations.length > 0) {
        decision.warnings.push(
          policyWarning(
            policy.name,
            `${config.skipAnnotation}=true: not enforced despite ${evaluation.violations.length} violation(s)`,
          ),
        );
      }
      continue;
    }
    if (stage === 'mutate') {
      if (patchApplied(outcome)) decision.patch.push(...evaluation.patch);
      continue;
    }
    decision.warnings.push(...evaluation.warnings.map((warning) => policyWarning(policy.name, warning)));
    if (evaluation.violations.length === 0) continue;
    if (mode === 'enforce') {
      decision.allowed = false;
      decision.denials.push(...evaluation.violations.map((v) => ({ ...v, policy: policy.name })));
    } else if (mode === 'warn' || internalError) {
      decision.warnings.push(...evaluation.violations.map((v) => policyWarning(policy.name, v.warning ?? v.message)));
    }
  }
  return decision;
}
