// `promgate check`: judges manifests offline exactly as the API server would have them judged:
// the mutating webhook's patch is applied first, then the mutated object is validated.
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { loadConfig } from '../../config/load.js';
import type { PromgateConfig } from '../../config/schema.js';
import { decide, patchApplied, type Decision } from '../../policies/engine.js';
import { registeredPolicies } from '../../policies/registry.js';
import { namespacedName, type KubernetesObject, type Violation } from '../../policies/policy.js';
import { checkReport, checkRules } from '../ci/check-report.js';
import { formatCiReport, isCiFormat } from '../ci/format.js';
import { ManifestFile, type FilePosition } from '../file-positions.js';
import { manifestObjects, readInputs, type ManifestObject } from '../inputs.js';
import {
  EXIT_DENIED,
  EXIT_OK,
  InputError,
  UsageError,
  parseCiOutputFlag,
  parseFlags,
  writeLine,
  type Command,
} from '../usage.js';
import { promgateVersion } from './version.js';

const usage = `promgate check [--config FILE] [--no-mutate] [--namespace NS] [-o text|json|sarif|junit|github] PATH...

PATH is a file, a folder (its .yaml, .yml and .json files, recursively) or - for standard input;
multi-document YAML, JSON and kind: List are read; anything else (no apiVersion or kind, a Helm
template) is an error. Each object is mutated as /mutate would patch it, then the result is
validated as /validate would judge it. With --no-mutate objects are validated as written (for
GitOps repositories that must already carry every fix). --namespace NS is the namespace of
objects that carry none, as with kubectl apply -n NS.
Each result names the policies that judged the object; an object none judges is "not covered"
(with why), one in excludedNamespaces is "not admitted through promgate".
An error inside a data key is shown at its place in the file and in the key: FILE:LINE:COL (KEY:LINE:COL);
where the file writes that character differently (an escape, a folded line break) only the line is given.
-o sarif (SARIF 2.1.0), junit (JUnit XML) and github (GitHub Actions annotations) are for CI; docs/ci.md.
Exit status: 0 nothing denied, 1 something denied, 2 unusable input or flags (or no object at all).`;

export type CheckVerdict =
  'allowed' | 'allowed after patch' | 'denied' | 'not covered' | 'not admitted through promgate';

export interface CheckOptions {
  /** Apply /mutate's patch before validating. */
  mutate: boolean;
  /** The namespace of objects that carry none (kubectl apply -n). */
  namespace?: string;
}

/** A violation as check reports it: inside a data key (`position`) and in the file. */
export interface CheckFinding {
  policy: string;
  field: string;
  message: string;
  /** Inside the data key at `field`, when the policy says where; the message then opens with KEY:LINE:COL. */
  position?: Violation['position'];
  /** In the manifest file (added once the file is read). */
  filePosition?: FilePosition;
}

export interface CheckResult {
  source: string;
  location: string;
  /** Where the object starts in the file (added once the file is read). */
  filePosition?: FilePosition;
  apiVersion: string | undefined;
  kind: string | undefined;
  namespace: string | undefined;
  name: string | undefined;
  verdict: CheckVerdict;
  /** The API server would admit it (nothing denied it). */
  allowed: boolean;
  /** The policies that judged the object. */
  policies: string[];
  /** Why no policy judged it (verdict `not covered`). */
  notCovered: string[];
  /** Why the webhooks never see it (verdict `not admitted through promgate`). */
  notAdmitted?: string;
  /** The policies whose patch applies. */
  patchedBy: string[];
  patch: Operation[];
  /** Each policy's own readable view of its part of the patch. */
  patchDescriptions: string[];
  warnings: string[];
  denials: CheckFinding[];
  /** What the policies find on an object not admitted through promgate: nothing enforces it. */
  unenforced: CheckFinding[];
}

function describePatches(object: KubernetesObject, mutation: Decision): string[] {
  return mutation.outcomes.filter(patchApplied).flatMap((outcome) => {
    const policy = registeredPolicies().find((entry) => entry.policy.name === outcome.policy)?.policy;
    const patch = outcome.evaluation.patch;
    return patch.length > 0 && policy?.describePatch ? [policy.describePatch(object, patch)] : [];
  });
}

function inNamespace(object: KubernetesObject, namespace: string | undefined): KubernetesObject {
  if (namespace === undefined || object.metadata?.namespace) return object;
  return { ...object, metadata: { ...object.metadata, namespace } };
}

/** Why no policy judged the object: the reasons of the policies that judge its kind, else its kind. */
function notCoveredReasons(object: KubernetesObject, decision: Decision): string[] {
  const ofItsKind = decision.notApplied.filter((entry) => !entry.otherKind);
  if (ofItsKind.length === 0) {
    const judged = registeredPolicies().map(({ policy }) => policy.judges);
    return [`promgate judges ${judged.join(' and ')}, not ${object.apiVersion} ${object.kind}`];
  }
  const reasons = ofItsKind.map((entry) => `${entry.policy}: ${entry.reason}`);
  if (!object.metadata?.namespace) {
    reasons.push('give it metadata.namespace, or pass --namespace NS as kubectl apply -n NS would');
  }
  return reasons;
}

function finding(policy: string, field: string, message: string, position: CheckFinding['position']): CheckFinding {
  return { policy, field, message, ...(position === undefined ? {} : { position }) };
}

/** The violations as the object's own words (their warning form): no webhook will act on them. */
function unenforcedViolations(decision: Decision): CheckFinding[] {
  return decision.outcomes.flatMap(({ policy, evaluation }) =>
    evaluation.violations.map(({ field, message, warning, position }) =>
      // The warning form leads with data.KEY:LINE:COL, not KEY:LINE:COL: the message keeps the position's form.
      finding(policy, field, position === undefined ? (warning ?? message) : message, position),
    ),
  );
}

function patchingPolicies(mutation: Decision): string[] {
  return mutation.outcomes
    .filter((outcome) => patchApplied(outcome) && outcome.evaluation.patch.length > 0)
    .map((outcome) => outcome.policy);
}

export function checkObject(manifest: ManifestObject, config: PromgateConfig, options: CheckOptions): CheckResult {
  const context = { operation: 'CREATE' as const };
  const written = inNamespace(manifest.object, options.namespace);
  const metadata = written.metadata;
  const result: CheckResult = {
    source: manifest.source,
    location: manifest.location,
    apiVersion: written.apiVersion,
    kind: written.kind,
    namespace: metadata?.namespace,
    name: metadata?.name ?? metadata?.generateName,
    verdict: 'allowed',
    allowed: true,
    policies: [],
    notCovered: [],
    patchedBy: [],
    patch: [],
    patchDescriptions: [],
    warnings: [],
    denials: [],
    unenforced: [],
  };
  const asWritten = decide(written, config, context, 'validate');
  if (asWritten.outcomes.length === 0) {
    return { ...result, verdict: 'not covered', notCovered: notCoveredReasons(written, asWritten) };
  }
  const namespace = metadata?.namespace;
  if (namespace !== undefined && config.excludedNamespaces.includes(namespace)) {
    // The API server never asks promgate about it: nothing patches it, nothing denies it.
    return {
      ...result,
      verdict: 'not admitted through promgate',
      policies: asWritten.outcomes.map((outcome) => outcome.policy),
      notAdmitted: `namespace ${namespace} is excluded`,
      // What the mutating webhook would have changed, for an admin to write into the manifest.
      patchedBy: patchingPolicies(asWritten),
      patchDescriptions: describePatches(written, asWritten),
      unenforced: unenforcedViolations(asWritten),
    };
  }
  let object = written;
  if (options.mutate) {
    const mutation = decide(object, config, context, 'mutate');
    result.patch = mutation.patch;
    result.patchedBy = patchingPolicies(mutation);
    result.patchDescriptions = describePatches(object, mutation);
    result.warnings.push(...mutation.warnings);
    if (mutation.patch.length > 0) {
      object = fastJsonPatch.applyPatch(structuredClone(object), mutation.patch, true, false).newDocument;
    }
  }
  // Unpatched, the object is judged as written: no need to judge it twice.
  const validation = object === written ? asWritten : decide(object, config, context, 'validate');
  result.warnings.push(...validation.warnings);
  result.policies = validation.outcomes.map((outcome) => outcome.policy);
  result.allowed = validation.allowed;
  result.denials = validation.denials.map(({ policy, field, message, position }) =>
    finding(policy, field, message, position),
  );
  if (!validation.allowed) {
    // A denied object is never written, so the patch would never be applied either.
    return { ...result, verdict: 'denied', patchedBy: [], patch: [], patchDescriptions: [] };
  }
  return { ...result, verdict: result.patch.length > 0 ? 'allowed after patch' : 'allowed' };
}

/** Adds where the object and each finding are in its manifest file. */
function locate(result: CheckResult, manifest: ManifestObject, file: ManifestFile): CheckResult {
  const inFile = (found: CheckFinding): CheckFinding => {
    const filePosition =
      found.position === undefined
        ? file.fieldPosition(manifest.ref, manifest.object, found.field)
        : file.valuePosition(manifest.ref, manifest.object, found.field, {
            line: found.position.line,
            col: found.position.column,
          });
    return filePosition === undefined ? found : { ...found, filePosition };
  };
  const filePosition = file.objectPosition(manifest.ref, manifest.object);
  return {
    ...result,
    ...(filePosition === undefined ? {} : { filePosition }),
    denials: result.denials.map(inFile),
    unenforced: result.unenforced.map(inFile),
  };
}

/**
 * `FILE:LINE:COL (KEY:LINE:COL): …` for a finding inside a data key whose message opens with
 * KEY:LINE:COL; only FILE:LINE, with why, where the file has no exact column.
 */
function messageInFile(source: string, found: CheckFinding): string {
  const at = found.filePosition;
  if (found.position === undefined || at === undefined) return found.message;
  const inKey = `${found.position.key}:${found.position.line}:${found.position.column}`;
  if (!found.message.startsWith(inKey)) return found.message;
  const where = at.exact && at.column !== undefined ? `${source}:${at.line}:${at.column}` : `${source}:${at.line}`;
  const why = at.note === undefined ? '' : `; ${at.note}`;
  return `${where} (${inKey}${why})${found.message.slice(inKey.length)}`;
}

function formatText(result: CheckResult): string {
  const name = `${result.kind ?? '(no kind)'} ${namespacedName(result.namespace, result.name ?? '(unnamed)')}`;
  const judgedBy = result.policies.length > 0 ? ` (${result.policies.join(', ')})` : '';
  const why = result.notAdmitted !== undefined ? `: ${result.notAdmitted}` : '';
  // A denial is what a CI log reader looks for first.
  const verdict = result.verdict === 'denied' ? 'DENIED' : result.verdict;
  const lines = [`${result.source} (${result.location}): ${name}: ${verdict}${why}${judgedBy}`];
  for (const reason of result.notCovered) lines.push(`  ${reason}`);
  if (result.notAdmitted !== undefined) {
    lines.push(
      `  the webhooks never see it: nothing patches or denies it${result.patchDescriptions.length > 0 ? '; what the manifest needs:' : ''}`,
    );
  }
  if (result.patch.length > 0) lines.push(`  patch: ${JSON.stringify(result.patch)}`);
  for (const description of result.patchDescriptions)
    lines.push(...description.split('\n').map((line) => `    ${line}`));
  for (const warning of result.warnings) lines.push(`  warning: ${warning}`);
  for (const [label, findings] of [
    ['', result.denials],
    [' (not enforced)', result.unenforced],
  ] as const) {
    for (const found of findings) {
      const [first, ...rest] = messageInFile(result.source, found).split('\n');
      lines.push(`  ${found.policy}${label}: ${first}`, ...rest.map((line) => `    ${line}`));
    }
  }
  return lines.join('\n');
}

function summary(results: CheckResult[]): string {
  const count = (verdicts: CheckVerdict[]): number =>
    results.filter((result) => verdicts.includes(result.verdict)).length;
  const parts = [
    `${count(['allowed', 'allowed after patch'])} allowed`,
    `${count(['denied'])} denied`,
    `${count(['not covered'])} not covered`,
  ];
  const notAdmitted = count(['not admitted through promgate']);
  if (notAdmitted > 0) parts.push(`${notAdmitted} not admitted through promgate`);
  return `${results.length} object(s) checked: ${parts.join(', ')}`;
}

export const checkCommand: Command = {
  usage,
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      {
        config: { type: 'string' },
        'no-mutate': { type: 'boolean' },
        namespace: { type: 'string', short: 'n' },
        output: { type: 'string', short: 'o' },
      },
      true,
    );
    const format = parseCiOutputFlag(values.output);
    const namespace = values.namespace;
    if (namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
      throw new UsageError(`--namespace: ${JSON.stringify(namespace)} is not a namespace name`);
    }
    const config = loadConfig(values.config);
    const inputs = await readInputs(positionals, io.stdin);
    const files = inputs.map((input) => ({ file: new ManifestFile(input.text), manifests: manifestObjects(input) }));
    if (files.every(({ manifests }) => manifests.length === 0)) {
      throw new InputError(`no Kubernetes object found in ${positionals.join(', ')}`);
    }
    const options: CheckOptions = { mutate: !values['no-mutate'], ...(namespace ? { namespace } : {}) };
    const results = files.flatMap(({ file, manifests }) =>
      manifests.map((manifest) => locate(checkObject(manifest, config, options), manifest, file)),
    );
    const report = checkReport(results, summary(results));
    if (format === 'json') {
      writeLine(io.stdout, JSON.stringify({ results }, null, 2));
    } else if (isCiFormat(format)) {
      writeLine(io.stdout, formatCiReport(format, report, checkRules(), promgateVersion()));
    } else {
      for (const result of results) writeLine(io.stdout, formatText(result));
      writeLine(io.stdout, summary(results));
    }
    return results.every((result) => result.allowed) ? EXIT_OK : EXIT_DENIED;
  },
};
