// check's results as CI formats report them: a case per object and policy, each with its findings
// (denials as errors, findings on objects in excluded namespaces and warnings as warnings, the
// patch the mutating webhook applies as a note), located in the manifest file.
import { registeredPolicies } from '../../policies/registry.js';
import { namespacedName } from '../../policies/policy.js';
import type { CheckFinding, CheckResult } from '../commands/check.js';
import type { CiCase, CiFinding, CiReport, RuleDescription } from './report.js';

function subjectOf(result: CheckResult): string {
  const name = namespacedName(result.namespace, result.name ?? '(unnamed)');
  return `${result.kind ?? '(no kind)'} ${name} (${result.location})`;
}

function ciFinding(level: CiFinding['level'], found: CheckFinding): CiFinding {
  return {
    level,
    rule: found.policy,
    message: found.message,
    ...(found.filePosition === undefined ? {} : { position: found.filePosition }),
  };
}

/** Warnings name their policy (`promgate: POLICY: …`); one that names none goes to the first policy. */
function warningsOf(result: CheckResult, policy: string): string[] {
  const names = (warning: string, name: string): boolean => warning.startsWith(`promgate: ${name}: `);
  return result.warnings.filter(
    (warning) =>
      names(warning, policy) ||
      (policy === result.policies[0] && !result.policies.some((other) => names(warning, other))),
  );
}

/** One case per object and policy that judged it; one skipped case for an object none judged. */
function casesOf(result: CheckResult): CiCase[] {
  const base = {
    file: result.source,
    subject: subjectOf(result),
    ...(result.filePosition === undefined ? {} : { position: result.filePosition }),
  };
  if (result.verdict === 'not covered') {
    return [
      { ...base, name: 'not covered', outcome: 'skipped', skipReason: result.notCovered.join('; '), findings: [] },
    ];
  }
  return result.policies.map((policy): CiCase => {
    const objectPosition = base.position === undefined ? {} : { position: base.position };
    const findings: CiFinding[] = [
      ...result.denials.filter((found) => found.policy === policy).map((found) => ciFinding('error', found)),
      ...result.unenforced
        .filter((found) => found.policy === policy)
        .map((found) => ciFinding('warning', { ...found, message: `not enforced: ${found.message}` })),
      ...warningsOf(result, policy).map((warning) => ({
        level: 'warning' as const,
        rule: policy,
        message: warning,
        ...objectPosition,
      })),
      ...(result.patchedBy.includes(policy)
        ? [
            {
              level: 'note' as const,
              rule: policy,
              message: [
                result.notAdmitted === undefined ? 'the webhook patches it on admission:' : 'what the manifest needs:',
                ...result.patchDescriptions,
              ].join('\n'),
              ...objectPosition,
            },
          ]
        : []),
    ];
    if (result.notAdmitted !== undefined) {
      return {
        ...base,
        name: policy,
        outcome: 'skipped',
        skipReason: `not admitted through promgate: ${result.notAdmitted}`,
        findings,
      };
    }
    const failed = findings.some((found) => found.level === 'error');
    return { ...base, name: policy, outcome: failed ? 'failed' : 'passed', findings };
  });
}

/** SARIF's rules: the registered policies. */
export function checkRules(): RuleDescription[] {
  return registeredPolicies().map(({ policy }) => ({
    id: policy.name,
    description: `promgate policy on ${policy.judges}`,
  }));
}

export function checkReport(results: CheckResult[], summary: string): CiReport {
  return { command: 'promgate check', cases: results.flatMap(casesOf), failureType: 'denied', summary };
}
