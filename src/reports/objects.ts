// The audit's findings as policy reports, the Kubernetes resources that Policy Reporter, Kyverno's
// tooling and dashboards read: one report per namespace (a cluster-scoped one for cluster-scoped
// objects), one result per object and policy. Pure: the findings come from the policy engine
// through the audit, and nothing is judged here, only translated. src/reports/cluster.ts writes them.
import { NOT_ADMITTED_MEANS, type AuditFinding } from '../kube/audit.js';
import { registeredPolicies } from '../policies/registry.js';

/** The two report APIs: the open reporting format, and the wgpolicyk8s.io one it succeeded. */
export interface ReportApi {
  group: string;
  version: string;
  namespacedKind: string;
  namespacedPlural: string;
  clusterKind: string;
  clusterPlural: string;
  /** openreports.io names the report's producer at the top level as well as in each result. */
  topLevelSource: boolean;
}

export const OPEN_REPORTS: ReportApi = {
  group: 'openreports.io',
  version: 'v1alpha1',
  namespacedKind: 'Report',
  namespacedPlural: 'reports',
  clusterKind: 'ClusterReport',
  clusterPlural: 'clusterreports',
  topLevelSource: true,
};

export const POLICY_REPORTS: ReportApi = {
  group: 'wgpolicyk8s.io',
  version: 'v1alpha2',
  namespacedKind: 'PolicyReport',
  namespacedPlural: 'policyreports',
  clusterKind: 'ClusterPolicyReport',
  clusterPlural: 'clusterpolicyreports',
  topLevelSource: false,
};

/** Preferred first: a cluster with both CRDs gets the open format only. */
export const REPORT_APIS: readonly ReportApi[] = [OPEN_REPORTS, POLICY_REPORTS];

export const REPORT_SOURCE = 'promgate';
/** The name of a scope's report; its further parts are `promgate-2`, `promgate-3`, … */
const REPORT_NAME = 'promgate';
/** What marks promgate's reports, so that stale ones are found and nobody else's are touched. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** Results per report, as Kyverno bounds its own… */
const MAX_RESULTS_PER_REPORT = 1000;
/** …and their size, since etcd refuses an object past 1.5 MiB and promgate's results carry whole
 *  messages and patches: a part holds at most this many bytes of results (as JSON). */
const MAX_REPORT_BYTES = 1024 * 1024;
/** A result's message beyond this is cut (`promgate audit` prints it whole). */
export const MAX_MESSAGE_CHARS = 4096;

export type ResultValue = 'pass' | 'fail' | 'warn' | 'error' | 'skip';
export type Severity = 'high' | 'medium';

export interface ResourceReference {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
}

export interface ReportResult {
  source: string;
  policy: string;
  rule: string;
  result: ResultValue;
  severity: Severity;
  message: string;
  resources: ResourceReference[];
  properties?: Record<string, string>;
}

export type ReportSummary = Record<ResultValue, number>;

export interface ReportObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  source?: string;
  summary: ReportSummary;
  results: ReportResult[];
}

/** Where a report lives: enough to apply, compare and delete it. */
export interface ReportKey {
  kind: string;
  namespace?: string;
  name: string;
}

function resultValue(finding: AuditFinding): ResultValue {
  if (finding.internalError) return 'error';
  if (finding.skipped) return 'skip';
  if (finding.violations.length === 0) return 'pass';
  return finding.mode === 'warn' ? 'warn' : 'fail';
}

/** A policy that denies is a higher risk to leave broken than one that only warns or watches. */
function severity(finding: AuditFinding): Severity {
  return finding.mode === 'enforce' ? 'high' : 'medium';
}

function message(finding: AuditFinding, result: ResultValue): string {
  const violations = finding.violations.map((violation) => violation.message);
  const lines =
    result === 'skip'
      ? [
          violations.length > 0
            ? 'opted out with the skip annotation; otherwise it would break the policy:'
            : 'opted out with the skip annotation',
          ...violations,
        ]
      : violations.length > 0
        ? violations
        : finding.warnings.length > 0
          ? [...finding.warnings]
          : ['no violation'];
  if (finding.notAdmitted) lines.push(`${finding.notAdmitted} (${NOT_ADMITTED_MEANS})`);
  const text = lines.join('\n');
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…` : text;
}

/** The first error's place inside its data key, and the patch the mutating webhook would still apply. */
function properties(finding: AuditFinding): Record<string, string> | undefined {
  const position = finding.violations.find((violation) => violation.position)?.position;
  const props: Record<string, string> = {
    ...(position ? { key: position.key, line: String(position.line), column: String(position.column) } : {}),
    ...(finding.pendingPatch.length > 0 ? { patch: JSON.stringify(finding.pendingPatch) } : {}),
  };
  return Object.keys(props).length > 0 ? props : undefined;
}

function registeredRule(policy: string): string {
  return registeredPolicies().find((registered) => registered.policy.name === policy)?.policy.rule ?? policy;
}

export function reportResult(finding: AuditFinding, ruleOf: (policy: string) => string = registeredRule): ReportResult {
  const result = resultValue(finding);
  const props = properties(finding);
  return {
    source: REPORT_SOURCE,
    policy: finding.policy,
    rule: ruleOf(finding.policy),
    result,
    severity: severity(finding),
    message: message(finding, result),
    resources: [
      {
        apiVersion: finding.apiVersion,
        kind: finding.kind,
        ...(finding.namespace ? { namespace: finding.namespace } : {}),
        name: finding.name,
        ...(finding.uid ? { uid: finding.uid } : {}),
      },
    ],
    ...(props ? { properties: props } : {}),
  };
}

function summarize(results: readonly ReportResult[]): ReportSummary {
  const summary: ReportSummary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  for (const { result } of results) summary[result]++;
  return summary;
}

/** Stable order, so that an unchanged cluster applies an unchanged report (no new resourceVersion). */
function compareResults(a: ReportResult, b: ReportResult): number {
  const [left, right] = [a.resources[0]!, b.resources[0]!];
  return (
    left.kind.localeCompare(right.kind) ||
    left.name.localeCompare(right.name) ||
    (left.uid ?? '').localeCompare(right.uid ?? '') ||
    a.policy.localeCompare(b.policy)
  );
}

function reportPartName(part: number): string {
  return part === 1 ? REPORT_NAME : `${REPORT_NAME}-${part}`;
}

export interface BuildReportsOptions {
  maxResults?: number;
  maxBytes?: number;
  ruleOf?: (policy: string) => string;
}

/** Consecutive runs of results, each within both bounds (a result larger than `maxBytes` alone
 *  still gets a part of its own). */
function splitResults(results: readonly ReportResult[], maxResults: number, maxBytes: number): ReportResult[][] {
  const parts: ReportResult[][] = [];
  let current: ReportResult[] = [];
  let bytes = 0;
  for (const result of results) {
    const size = Buffer.byteLength(JSON.stringify(result));
    if (current.length > 0 && (current.length === maxResults || bytes + size > maxBytes)) {
      parts.push(current);
      current = [];
      bytes = 0;
    }
    current.push(result);
    bytes += size;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

/**
 * Every report promgate should keep for these findings: one per namespace with results, and a
 * cluster-scoped one when there are cluster-scoped objects; past `maxResults` results, or
 * `maxBytes` of them, a scope's results are split over parts named by reportPartName. No
 * timestamps: a result changes only when a finding does.
 */
export function buildReports(
  findings: readonly AuditFinding[],
  api: ReportApi,
  options: BuildReportsOptions = {},
): ReportObject[] {
  const maxResults = options.maxResults ?? MAX_RESULTS_PER_REPORT;
  const maxBytes = options.maxBytes ?? MAX_REPORT_BYTES;
  if (!Number.isInteger(maxResults) || maxResults < 1)
    throw new RangeError(`maxResults must be ≥ 1, not ${maxResults}`);
  const byScope = new Map<string, ReportResult[]>();
  for (const finding of findings) {
    const scope = finding.namespace ?? '';
    let results = byScope.get(scope);
    if (!results) byScope.set(scope, (results = []));
    results.push(reportResult(finding, options.ruleOf));
  }
  const reports: ReportObject[] = [];
  for (const scope of [...byScope.keys()].sort()) {
    const parts = splitResults(byScope.get(scope)!.sort(compareResults), maxResults, maxBytes);
    for (const [index, partResults] of parts.entries()) {
      const part = index + 1;
      reports.push({
        apiVersion: `${api.group}/${api.version}`,
        kind: scope ? api.namespacedKind : api.clusterKind,
        metadata: {
          name: reportPartName(part),
          ...(scope ? { namespace: scope } : {}),
          labels: { [MANAGED_BY_LABEL]: REPORT_SOURCE },
        },
        ...(api.topLevelSource ? { source: REPORT_SOURCE } : {}),
        summary: summarize(partResults),
        results: partResults,
      });
    }
  }
  return reports;
}

export function reportKey(report: { kind: string; metadata: { name: string; namespace?: string } }): ReportKey {
  return {
    kind: report.kind,
    name: report.metadata.name,
    ...(report.metadata.namespace ? { namespace: report.metadata.namespace } : {}),
  };
}

function keyText(key: ReportKey): string {
  return `${key.kind}/${key.namespace ?? ''}/${key.name}`;
}

/** promgate's existing reports that the wanted ones no longer include: a namespace emptied, a part
 *  no longer needed. */
export function staleReports(existing: readonly ReportKey[], wanted: readonly ReportKey[]): ReportKey[] {
  const keep = new Set(wanted.map(keyText));
  return existing.filter((key) => !keep.has(keyText(key)));
}
