// The contract every policy implements. A policy is a pure function of (object, its config section):
// no I/O, no clock, no logging. The admission server, `promgate check` and `promgate audit` all call
// the same `evaluate`, so a decision is made in exactly one place.
import type { Operation } from 'fast-json-patch';
import type { AdmissionOperation } from '../common/admission-operation.js';

export type EnforcementMode = 'enforce' | 'warn' | 'audit' | 'off';

export const ENFORCEMENT_MODES: readonly EnforcementMode[] = ['enforce', 'warn', 'audit', 'off'];

/** The parts of a Kubernetes object every policy may read; the rest stays `unknown` until checked. */
export interface KubernetesObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    generateName?: string;
    namespace?: string;
    labels?: Record<string, string> | null;
    annotations?: Record<string, string> | null;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** One reason the object breaks a policy. */
export interface Violation {
  /** Where in the object, in the API server's field-path notation, e.g. `data.promYaml` or
   *  `spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[1]`. */
  field: string;
  /** A complete sentence a person can act on. */
  message: string;
  /**
   * The violation as a `warn`-mode warning when `message` does not lead with the object's own
   * words: the field or position and the offending value first, explanation after, so that the
   * cut at MAX_WARNING_CHARS (src/common/warnings.ts) drops only explanation.
   */
  warning?: string;
  /** Where inside a data key the problem is (1-based), for reports that carry positions as data. */
  position?: { key: string; line: number; column: number };
}

export interface Evaluation {
  /** Breaks of the policy: denied, warned or audited according to the policy's enforcement mode. */
  violations: Violation[];
  /** Advice that never denies, whatever the mode (e.g. an unchanged invalid key on UPDATE), each
   *  leading with the object's own words like `Violation.warning`. */
  warnings: string[];
  /** The RFC 6902 patch the mutating webhook applies; empty when there is nothing to change. */
  patch: Operation[];
}

/** Who asks, as the API server authenticated them (AdmissionReview `request.userInfo`). */
export interface RequestUser {
  username: string;
  groups: string[];
}

export interface EvaluationContext {
  /** The admission operation; `audit` and `check` pass CREATE (they judge the object as if applied anew). */
  operation: AdmissionOperation;
  /** The object before an UPDATE, when there is one. */
  oldObject?: KubernetesObject;
  /** Who sent the request; absent in `audit` and `check`, where nobody is asking. */
  user?: RequestUser;
}

/** Why a policy leaves an object alone. */
export interface NotJudged {
  /** A clause a person can act on, e.g. `namespace team-a is not in prometheusConfig.namespaces (arms-prom)`. */
  reason: string;
  /** The object is not of a kind the policy judges at all (a Service, for the ConfigMap policy). */
  otherKind: boolean;
}

export interface Policy<C> {
  /** Stable name used in logs, metrics labels and messages, e.g. `dcgm-exporter-placement`. */
  readonly name: string;
  /** What it judges, for people: `apps/v1 DaemonSets`. */
  readonly judges: string;
  /** Why this policy does not judge this object (kind, namespace, labels), or undefined when it
   *  does. Cheap, and never throws. */
  notJudged(object: KubernetesObject, config: C): NotJudged | undefined;
  /** Judge the object. Throws only on a bug; callers map a throw to the policy's failure mode. */
  evaluate(object: KubernetesObject, config: C, context: EvaluationContext): Evaluation;
  /** A readable view of what this policy's patch changes, for `promgate check` (JSON Patch is hard to review). */
  describePatch?(object: KubernetesObject, patch: Operation[]): string;
}

/** `namespace/name`, or `name` for cluster-scoped objects: how kubectl names an object. */
export function namespacedName(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** Does `policy` judge `object`? */
export function judges<C>(policy: Policy<C>, object: KubernetesObject, config: C): boolean {
  return policy.notJudged(object, config) === undefined;
}

export const NO_FINDINGS: Evaluation = Object.freeze({ violations: [], warnings: [], patch: [] }) as Evaluation;
