// `promgate audit` and the periodic audit of `serve`: judge live objects with the same engine
// that judges admission requests, and report what breaks a policy. Objects are judged as if
// created anew (operation CREATE), because that is what the next `kubectl apply` would face.
import type { Operation } from 'fast-json-patch';
import type { PromgateConfig } from '../config/schema.js';
import type { Decision, Stage } from '../policies/engine.js';
import {
  namespacedName,
  type EnforcementMode,
  type EvaluationContext,
  type KubernetesObject,
  type Violation,
} from '../policies/policy.js';
import type { AuditSource } from './audit-source.js';
import { alignColumns } from '../common/text-table.js';

/** The engine's `decide` (or the server's worker-pool equivalent), injectable so tests need no
 *  registered policies. */
export type DecideFunction = (
  object: KubernetesObject,
  config: PromgateConfig,
  context: EvaluationContext,
  stage: Stage,
) => Decision | Promise<Decision>;

/** What one policy found on one object it applies to. */
export interface AuditFinding {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** metadata.uid, which reports name the object by (absent only in hand-made test sources). */
  uid?: string;
  policy: string;
  mode: EnforcementMode;
  /** Opted out with the skip annotation: reported, not counted as a violation. */
  skipped: boolean;
  violations: Violation[];
  warnings: string[];
  /** What the policy's mutation would still change (the webhook applies it in enforce and warn mode):
   *  non-empty means the object never went through the mutating webhook. */
  pendingPatch: Operation[];
  /** Why the webhooks never see this object (its namespace is excluded): nothing patches or denies
   *  it, whatever the policy finds. */
  notAdmitted?: string;
  /** The policy threw; its message is also among `violations`. */
  internalError?: string;
}

export interface PolicyTotals {
  /** Objects this policy applied to. */
  objects: number;
  /** Violations on objects that are not opted out: the `promgate_audit_violations{policy}` value. */
  violations: number;
  /** Violations on opted-out objects (skip annotation). */
  skippedViolations: number;
  /** Objects the mutating webhook would still patch. */
  pendingMutations: number;
  /** Objects in excluded namespaces: not admitted through promgate. */
  notAdmitted: number;
}

export interface AuditReport {
  /** ISO 8601 time the audit finished. */
  finishedAt: string;
  /** Every object read from the source, judged or not. */
  objectsScanned: number;
  /** One entry per (object, policy that applies to it), compliant ones included. */
  findings: AuditFinding[];
  totals: PolicyTotals & { objectsWithViolations: number };
  byPolicy: Record<string, PolicyTotals>;
}

export interface AuditOptions {
  /** Policies to report even when nothing matched them, so a gauge goes back to 0. */
  policyNames?: readonly string[];
  now?: () => Date;
  /** Ends the audit before the next object (it then rejects with the signal's reason). */
  signal?: AbortSignal;
}

const AUDIT_CONTEXT: EvaluationContext = { operation: 'CREATE' };

function emptyTotals(): PolicyTotals {
  return { objects: 0, violations: 0, skippedViolations: 0, pendingMutations: 0, notAdmitted: 0 };
}

export async function runAudit(
  source: AuditSource,
  config: PromgateConfig,
  decide: DecideFunction,
  options: AuditOptions = {},
): Promise<AuditReport> {
  const byPolicy: Record<string, PolicyTotals> = {};
  for (const name of options.policyNames ?? []) byPolicy[name] = emptyTotals();
  const findings: AuditFinding[] = [];
  let objectsScanned = 0;
  let objectsWithViolations = 0;
  for await (const object of source.objects()) {
    options.signal?.throwIfAborted();
    objectsScanned++;
    // One validate-stage decision holds every policy's whole evaluation, patch included: a policy
    // is a pure function of the object, so a separate mutate-stage call would compute the same.
    const decision = await decide(object, config, AUDIT_CONTEXT, 'validate');
    // Inside `serve`, admission requests must not wait behind a whole page of audited objects.
    await new Promise<void>((resolve) => setImmediate(resolve));
    let counted = false;
    const namespace = object.metadata?.namespace;
    const notAdmitted =
      namespace !== undefined && config.excludedNamespaces.includes(namespace)
        ? `not admitted through promgate: namespace ${namespace} is excluded`
        : undefined;
    for (const outcome of decision.outcomes) {
      const finding: AuditFinding = {
        apiVersion: object.apiVersion ?? '',
        kind: object.kind ?? '',
        ...(object.metadata?.namespace ? { namespace: object.metadata.namespace } : {}),
        name: object.metadata?.name ?? '',
        ...(typeof object.metadata?.['uid'] === 'string' ? { uid: object.metadata['uid'] } : {}),
        policy: outcome.policy,
        mode: outcome.mode,
        skipped: outcome.skipped,
        violations: outcome.evaluation.violations,
        warnings: outcome.evaluation.warnings,
        pendingPatch: outcome.evaluation.patch,
        ...(notAdmitted ? { notAdmitted } : {}),
        ...(outcome.internalError ? { internalError: outcome.internalError.message } : {}),
      };
      findings.push(finding);
      const totals = (byPolicy[outcome.policy] ??= emptyTotals());
      totals.objects++;
      if (notAdmitted) totals.notAdmitted++;
      else if (finding.pendingPatch.length > 0 && !finding.skipped) totals.pendingMutations++;
      if (finding.skipped) totals.skippedViolations += finding.violations.length;
      else totals.violations += finding.violations.length;
      if (!finding.skipped && finding.violations.length > 0 && !counted) {
        objectsWithViolations++;
        counted = true;
      }
    }
  }
  const totals = { ...emptyTotals(), objectsWithViolations };
  for (const policyTotals of Object.values(byPolicy)) {
    totals.objects += policyTotals.objects;
    totals.violations += policyTotals.violations;
    totals.skippedViolations += policyTotals.skippedViolations;
    totals.pendingMutations += policyTotals.pendingMutations;
    totals.notAdmitted += policyTotals.notAdmitted;
  }
  return { finishedAt: (options.now?.() ?? new Date()).toISOString(), objectsScanned, findings, totals, byPolicy };
}

/** SPEC §1: 1 when any policy that is not off found a violation (opted-out objects excepted), else 0. */
export function auditExitCode(report: AuditReport): 0 | 1 {
  return report.totals.violations > 0 ? 1 : 0;
}

/** What an excluded namespace means, for whoever reads the audit. */
export const NOT_ADMITTED_MEANS = 'the webhooks never see it: nothing patches or denies it; fix it by hand';

function objectName(finding: AuditFinding): string {
  return namespacedName(finding.namespace, finding.name);
}

function resultText(finding: AuditFinding): string {
  const count = finding.violations.length;
  const violations = `${count} violation${count === 1 ? '' : 's'}`;
  if (finding.skipped) return count > 0 ? `opted out (${violations})` : 'opted out';
  if (finding.internalError) return 'internal error';
  if (finding.notAdmitted)
    return count > 0 ? `${violations}, not admitted through promgate` : 'not admitted through promgate';
  if (count > 0) return violations;
  return finding.pendingPatch.length > 0 ? 'not mutated yet' : 'ok';
}

/**
 * A table of the objects that need attention (compliant ones are only counted), each violation's
 * message below it, and a summary line. `verbose` lists compliant objects too.
 */
export function formatAuditText(report: AuditReport, options: { verbose?: boolean } = {}): string {
  const shown = report.findings.filter(
    (f) => options.verbose || f.violations.length > 0 || f.pendingPatch.length > 0 || f.skipped || f.notAdmitted,
  );
  const lines: string[] = [];
  if (shown.length > 0) {
    lines.push(
      ...alignColumns([
        ['KIND', 'OBJECT', 'POLICY', 'MODE', 'RESULT'],
        ...shown.map((f) => [f.kind, objectName(f), f.policy, f.mode, resultText(f)]),
      ]),
      '',
    );
    for (const finding of shown) {
      if (finding.notAdmitted) {
        lines.push(
          `${finding.kind} ${objectName(finding)} [${finding.policy}] ${finding.notAdmitted} (${NOT_ADMITTED_MEANS})`,
        );
      }
      for (const violation of finding.violations) {
        const where = violation.field ? `${violation.field}: ` : '';
        lines.push(`${finding.kind} ${objectName(finding)} [${finding.policy}] ${where}${violation.message}`);
      }
    }
    if (lines[lines.length - 1] !== '') lines.push('');
  }
  const { totals } = report;
  const skipped = totals.skippedViolations > 0 ? `, ${totals.skippedViolations} more on opted-out objects` : '';
  const pending = totals.pendingMutations > 0 ? `, ${totals.pendingMutations} not mutated yet` : '';
  const notAdmitted = totals.notAdmitted > 0 ? `, ${totals.notAdmitted} not admitted through promgate` : '';
  lines.push(
    `${report.objectsScanned} object${report.objectsScanned === 1 ? '' : 's'} scanned, ` +
      `${totals.objects} judged: ${totals.violations} violation${totals.violations === 1 ? '' : 's'} ` +
      `in ${totals.objectsWithViolations} object${totals.objectsWithViolations === 1 ? '' : 's'}${skipped}${pending}${notAdmitted}`,
  );
  return `${lines.join('\n')}\n`;
}

export function formatAuditJson(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
