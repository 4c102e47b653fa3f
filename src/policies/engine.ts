// Runs every registered policy over one object and turns their evaluations into one decision,
// applying each policy's enforcement mode, the opt-out annotation and who may add it. The
// admission server, `promgate check` and `promgate audit` all decide through `decide`, and nowhere
// else.
import type { Operation } from 'fast-json-patch';
import { asError } from '../common/errors.js';
import { policyWarning } from '../common/warnings.js';
import type { PromgateConfig } from '../config/schema.js';
import type {
  EnforcementMode,
  Evaluation,
  EvaluationContext,
  KubernetesObject,
  RequestUser,
  Violation,
} from './policy.js';
import { registeredPolicies, type RegisteredPolicy } from './registry.js';

export type Stage = 'mutate' | 'validate';

export interface PolicyOutcome {
  policy: string;
  mode: EnforcementMode;
  /** The object carries the skip annotation and may: reported, never enforced. */
  skipped: boolean;
  evaluation: Evaluation;
  /** Set when the policy threw: a bug, handled by the policy's failure mode. */
  internalError?: Error;
}

/** A registered policy that left the object alone, and why. */
export interface PolicyNotApplied {
  policy: string;
  reason: string;
  /** The object is not of a kind the policy judges. */
  otherKind: boolean;
}

/**
 * What the skip annotation means for this request: `none` (not there), `ignored` (opt-out is
 * switched off), `honoured`, or `refused` (added by someone optOut does not name).
 */
export type OptOutState = 'none' | 'ignored' | 'honoured' | 'refused';

export interface Decision {
  allowed: boolean;
  patch: Operation[];
  warnings: string[];
  /** Violations that deny the request (only from policies in `enforce` mode). */
  denials: Array<Violation & { policy: string }>;
  /** One per policy that judged the object. */
  outcomes: PolicyOutcome[];
  /** One per registered policy that did not. */
  notApplied: PolicyNotApplied[];
  optOut: OptOutState;
}

/**
 * Whether the mutating webhook applies this policy's patch: not for an opted-out object, and not in
 * audit mode (promgate only watches then, so it changes nothing). `check` describes only these.
 */
export function patchApplied(outcome: PolicyOutcome): boolean {
  return !outcome.skipped && (outcome.mode === 'enforce' || outcome.mode === 'warn');
}

function carriesSkipAnnotation(object: KubernetesObject | undefined, config: PromgateConfig): boolean {
  return object?.metadata?.annotations?.[config.skipAnnotation] === 'true';
}

/** `members of group system:masters`, `user alice or members of groups a, b`. */
export function describeOptOutAllowed(config: PromgateConfig): string {
  const { users, groups } = config.optOut;
  const parts = [
    ...(users.length > 0 ? [`${users.length === 1 ? 'user' : 'users'} ${users.join(', ')}`] : []),
    ...(groups.length > 0 ? [`members of ${groups.length === 1 ? 'group' : 'groups'} ${groups.join(', ')}`] : []),
  ];
  return parts.length > 0 ? parts.join(' or ') : 'nobody';
}

function mayOptOut(user: RequestUser, config: PromgateConfig): boolean {
  return (
    config.optOut.users.includes(user.username) || user.groups.some((group) => config.optOut.groups.includes(group))
  );
}

/**
 * The skip annotation is honoured when opt-out is on and either nobody is asking (`check` and
 * `audit` judge what is written or stored), the annotation was already there before this UPDATE
 * (whoever added it passed this rule then), or the user is named in optOut.
 */
export function optOutState(object: KubernetesObject, config: PromgateConfig, context: EvaluationContext): OptOutState {
  if (!carriesSkipAnnotation(object, config)) return 'none';
  if (!config.optOut.enabled) return 'ignored';
  const user = context.user;
  if (user === undefined) return 'honoured';
  const kept = context.operation === 'UPDATE' && carriesSkipAnnotation(context.oldObject, config);
  return kept || mayOptOut(user, config) ? 'honoured' : 'refused';
}

function optOutRefusal(config: PromgateConfig, user: RequestUser | undefined): Violation {
  const who = user?.username || 'this user';
  const allowed = describeOptOutAllowed(config);
  return {
    field: `metadata.annotations[${config.skipAnnotation}]`,
    message: `${who} may not add ${config.skipAnnotation}=true: only ${allowed} may opt objects out (optOut).`,
    // The annotation first, as every warning leads with the object's own words; then who and the rule.
    warning: `${config.skipAnnotation}=true added by ${who}: only ${allowed} may opt objects out (optOut)`,
  };
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
  const optOut = optOutState(object, config, context);
  const decision: Decision = {
    allowed: true,
    patch: [],
    warnings: [],
    denials: [],
    outcomes: [],
    notApplied: [],
    optOut,
  };
  const beingDeleted = isBeingDeleted(object);
  const skipped = optOut === 'honoured';
  for (const { policy, section } of policies) {
    const policyConfig = section(config);
    const mode = policyConfig.enforcement;
    const notJudged = policy.notJudged(object, policyConfig);
    if (notJudged !== undefined) {
      decision.notApplied.push({ policy: policy.name, ...notJudged });
      continue;
    }
    if (mode === 'off') {
      decision.notApplied.push({
        policy: policy.name,
        reason: `${policy.name} is off (enforcement: off)`,
        otherKind: false,
      });
      continue;
    }
    if (beingDeleted) {
      decision.notApplied.push({
        policy: policy.name,
        reason: 'being deleted (metadata.deletionTimestamp is set): never patched nor denied, so it can go',
        otherKind: false,
      });
      continue;
    }
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
    if (optOut === 'refused') {
      evaluation = { ...evaluation, violations: [optOutRefusal(config, context.user), ...evaluation.violations] };
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
    if (optOut === 'ignored') {
      decision.warnings.push(
        policyWarning(
          policy.name,
          `${config.skipAnnotation}=true is ignored: opt-out is switched off (optOut.enabled: false)`,
        ),
      );
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
