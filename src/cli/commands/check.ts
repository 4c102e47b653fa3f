// `promgate check`: judges manifests offline exactly as the API server would have them judged:
// the mutating webhook's patch is applied first, then the mutated object is validated.
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { loadConfig } from '../../config/load.js';
import type { PromgateConfig } from '../../config/schema.js';
import { decide, isBeingDeleted, patchApplied, type Decision } from '../../policies/engine.js';
import { registeredPolicies } from '../../policies/registry.js';
import { namespacedName, type KubernetesObject } from '../../policies/policy.js';
import { manifestObjects, readInputs, type ManifestObject } from '../inputs.js';
import {
  EXIT_DENIED,
  EXIT_OK,
  InputError,
  UsageError,
  parseFlags,
  parseOutputFlag,
  writeLine,
  type Command,
} from '../usage.js';

const usage = `promgate check [--config FILE] [--no-mutate] [--namespace NS] [-o text|json] PATH...

PATH is a file, a folder (its .yaml, .yml and .json files, recursively) or - for standard input;
multi-document YAML, JSON and kind: List are read; anything else (no apiVersion or kind, a Helm
template) is an error. Each object is mutated as /mutate would patch it, then the result is
validated as /validate would judge it. With --no-mutate objects are validated as written (for
GitOps repositories that must already carry every fix). --namespace NS is the namespace of
objects that carry none, as with kubectl apply -n NS.
Each result names the policies that judged the object; an object none judges is "not covered"
(with why), one in excludedNamespaces is "not admitted through promgate".
Exit status: 0 nothing denied, 1 something denied, 2 unusable input or flags (or no object at all).`;

export type CheckVerdict =
  'allowed' | 'allowed after patch' | 'denied' | 'not covered' | 'not admitted through promgate';

export interface CheckOptions {
  /** Apply /mutate's patch before validating. */
  mutate: boolean;
  /** The namespace of objects that carry none (kubectl apply -n). */
  namespace?: string;
}

export interface CheckResult {
  source: string;
  location: string;
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
  patch: Operation[];
  /** Each policy's own readable view of its part of the patch. */
  patchDescriptions: string[];
  warnings: string[];
  denials: Array<{ policy: string; field: string; message: string }>;
  /** What the policies find on an object not admitted through promgate: nothing enforces it. */
  unenforced: Array<{ policy: string; field: string; message: string }>;
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
  if (isBeingDeleted(object)) {
    return ['it is being deleted (metadata.deletionTimestamp): promgate never patches or denies such an object'];
  }
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

/** The violations as the object's own words (their warning form): no webhook will act on them. */
function unenforcedViolations(decision: Decision): Array<{ policy: string; field: string; message: string }> {
  return decision.outcomes.flatMap(({ policy, evaluation }) =>
    evaluation.violations.map(({ field, message, warning }) => ({ policy, field, message: warning ?? message })),
  );
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
      patchDescriptions: describePatches(written, asWritten),
      unenforced: unenforcedViolations(asWritten),
    };
  }
  let object = written;
  if (options.mutate) {
    const mutation = decide(object, config, context, 'mutate');
    result.patch = mutation.patch;
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
  result.denials = validation.denials.map(({ policy, field, message }) => ({ policy, field, message }));
  if (!validation.allowed) {
    // A denied object is never written, so the patch would never be applied either.
    return { ...result, verdict: 'denied', patch: [], patchDescriptions: [] };
  }
  return { ...result, verdict: result.patch.length > 0 ? 'allowed after patch' : 'allowed' };
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
    for (const finding of findings) {
      const [first, ...rest] = finding.message.split('\n');
      lines.push(`  ${finding.policy}${label}: ${first}`, ...rest.map((line) => `    ${line}`));
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
    const format = parseOutputFlag(values.output);
    const namespace = values.namespace;
    if (namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
      throw new UsageError(`--namespace: ${JSON.stringify(namespace)} is not a namespace name`);
    }
    const config = loadConfig(values.config);
    const inputs = await readInputs(positionals, io.stdin);
    const manifests = inputs.flatMap(manifestObjects);
    if (manifests.length === 0) {
      throw new InputError(`no Kubernetes object found in ${positionals.join(', ')}`);
    }
    const options: CheckOptions = { mutate: !values['no-mutate'], ...(namespace ? { namespace } : {}) };
    const results = manifests.map((manifest) => checkObject(manifest, config, options));
    if (format === 'json') {
      writeLine(io.stdout, JSON.stringify({ results }, null, 2));
    } else {
      for (const result of results) writeLine(io.stdout, formatText(result));
      writeLine(io.stdout, summary(results));
    }
    return results.every((result) => result.allowed) ? EXIT_OK : EXIT_DENIED;
  },
};
