// `promgate check`: judges manifests offline exactly as the API server would have them judged:
// the mutating webhook's patch is applied first, then the mutated object is validated.
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { loadConfig } from '../../config/load.js';
import type { PromgateConfig } from '../../config/schema.js';
import { decide, patchApplied, type Decision } from '../../policies/engine.js';
import { registeredPolicies } from '../../policies/registry.js';
import { namespacedName, type KubernetesObject } from '../../policies/policy.js';
import { manifestObjects, readInputs, type ManifestObject } from '../inputs.js';
import { EXIT_DENIED, EXIT_OK, parseFlags, parseOutputFlag, writeLine, type Command } from '../usage.js';

const usage = `promgate check [--config FILE] [--no-mutate] [-o text|json] PATH...

PATH is a file, a folder (its .yaml, .yml and .json files, recursively) or - for standard input;
multi-document YAML, JSON and kind: List are read. Each object is mutated as /mutate would patch
it, then the result is validated as /validate would judge it. With --no-mutate objects are
validated as written (for GitOps repositories that must already carry every fix).
Exit status: 0 all allowed, 1 something denied, 2 unusable input or flags.`;

export interface CheckResult {
  source: string;
  location: string;
  apiVersion: string | undefined;
  kind: string | undefined;
  namespace: string | undefined;
  name: string | undefined;
  allowed: boolean;
  patch: Operation[];
  /** Each policy's own readable view of its part of the patch. */
  patchDescriptions: string[];
  warnings: string[];
  denials: Array<{ policy: string; field: string; message: string }>;
}

function describePatches(object: KubernetesObject, mutation: Decision): string[] {
  return mutation.outcomes.filter(patchApplied).flatMap((outcome) => {
    const policy = registeredPolicies().find((entry) => entry.policy.name === outcome.policy)?.policy;
    const patch = outcome.evaluation.patch;
    return patch.length > 0 && policy?.describePatch ? [policy.describePatch(object, patch)] : [];
  });
}

export function checkObject(manifest: ManifestObject, config: PromgateConfig, mutate: boolean): CheckResult {
  const context = { operation: 'CREATE' as const };
  let object: KubernetesObject = manifest.object;
  let patch: Operation[] = [];
  let patchDescriptions: string[] = [];
  const warnings: string[] = [];
  if (mutate) {
    const mutation = decide(object, config, context, 'mutate');
    patch = mutation.patch;
    patchDescriptions = describePatches(object, mutation);
    warnings.push(...mutation.warnings);
    if (patch.length > 0) {
      object = fastJsonPatch.applyPatch(structuredClone(object), patch, true, false).newDocument;
    }
  }
  const validation = decide(object, config, context, 'validate');
  warnings.push(...validation.warnings);
  const metadata = manifest.object.metadata;
  return {
    source: manifest.source,
    location: manifest.location,
    apiVersion: manifest.object.apiVersion,
    kind: manifest.object.kind,
    namespace: metadata?.namespace,
    name: metadata?.name ?? metadata?.generateName,
    allowed: validation.allowed,
    // A denied object is never written, so the patch would never be applied either.
    patch: validation.allowed ? patch : [],
    patchDescriptions: validation.allowed ? patchDescriptions : [],
    warnings,
    denials: validation.denials.map(({ policy, field, message }) => ({ policy, field, message })),
  };
}

function formatText(result: CheckResult): string {
  const name = `${result.kind ?? '(no kind)'} ${namespacedName(result.namespace, result.name ?? '(unnamed)')}`;
  const verdict = !result.allowed ? 'DENIED' : result.patch.length > 0 ? 'allowed after patch' : 'allowed';
  const lines = [`${result.source} (${result.location}): ${name}: ${verdict}`];
  if (result.patch.length > 0) lines.push(`  patch: ${JSON.stringify(result.patch)}`);
  for (const description of result.patchDescriptions)
    lines.push(...description.split('\n').map((line) => `    ${line}`));
  for (const warning of result.warnings) lines.push(`  warning: ${warning}`);
  for (const denial of result.denials) {
    const [first, ...rest] = denial.message.split('\n');
    lines.push(`  ${denial.policy}: ${first}`, ...rest.map((line) => `    ${line}`));
  }
  return lines.join('\n');
}

export const checkCommand: Command = {
  usage,
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      {
        config: { type: 'string' },
        'no-mutate': { type: 'boolean' },
        output: { type: 'string', short: 'o' },
      },
      true,
    );
    const format = parseOutputFlag(values.output);
    const config = loadConfig(values.config);
    const inputs = await readInputs(positionals, io.stdin);
    const manifests = inputs.flatMap(manifestObjects);
    const results = manifests.map((manifest) => checkObject(manifest, config, !values['no-mutate']));
    if (format === 'json') {
      writeLine(io.stdout, JSON.stringify({ results }, null, 2));
    } else {
      for (const result of results) writeLine(io.stdout, formatText(result));
      const denied = results.filter((result) => !result.allowed).length;
      writeLine(io.stdout, `${results.length} object(s) checked, ${denied} denied`);
    }
    return results.every((result) => result.allowed) ? EXIT_OK : EXIT_DENIED;
  },
};
