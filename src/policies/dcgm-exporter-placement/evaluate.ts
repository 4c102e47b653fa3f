// The dcgm-exporter-placement decision: one pass over the pod template's placement that yields the
// minimal patch (for /mutate) and the verdict on the object as given (for /validate). Because the
// verdict judges the object as given, an un-mutated exporter gets both a patch and violations, and
// the mutated one gets neither (unless the exclusion leaves it nowhere to run).
import { escapePathComponent, type Operation } from 'fast-json-patch';
import type { DcgmExporterConfig } from '../../config/schema.js';
import type { Evaluation, KubernetesObject, Violation } from '../policy.js';
import {
  isJsonObject,
  NODE_SELECTOR_FIELD,
  readPlacement,
  REQUIRED_AFFINITY_FIELD,
  REQUIRED_AFFINITY_PATH,
  termField,
  type Placement,
  type Term,
} from './placement.js';
import { describeRequirement, satisfiable, type Requirement } from './selector.js';
import {
  describeStarshipLabel,
  exclusionJson,
  exclusionRequirement,
  isExclusionShaped,
  onStarshipRequirement,
  parseStarshipLabel,
  type ExclusionJson,
  type StarshipLabel,
} from './starship.js';

/** kubectl truncates longer admission warnings (SPEC §4). */
export const MAX_WARNING_LENGTH = 120;

function clipWarning(text: string): string {
  return text.length <= MAX_WARNING_LENGTH ? text : `${text.slice(0, MAX_WARNING_LENGTH - 1)}…`;
}

function daemonSetName(object: KubernetesObject): string {
  const metadata = object.metadata ?? {};
  const name = metadata.name ?? (metadata.generateName ? `${metadata.generateName}*` : '(unnamed)');
  return metadata.namespace ? `${metadata.namespace}/${name}` : name;
}

function toPointer(keys: readonly (string | number)[]): string {
  return keys.map((key) => `/${escapePathComponent(String(key))}`).join('');
}

/** What the starship exclusion means for one OR-branch of the placement. */
interface BranchAnalysis {
  /** Index in nodeSelectorTerms; undefined for a pod template without required node affinity. */
  termIndex: number | undefined;
  /** Some starship node passes it (and the nodeSelector): it needs the exclusion. */
  admitsStarship: boolean;
  /** Some node still passes it once the exclusion is in. */
  survivesExclusion: boolean;
  /** Some node passes it without the exclusion, none with it: it can only ever pick starship nodes. */
  killedByExclusion: boolean;
  /** Its own requirements that only starship nodes can satisfy. */
  culprits: Requirement[];
}

function analyzeBranch(
  termIndex: number | undefined,
  labels: Requirement[],
  fields: Requirement[],
  nodeSelector: Requirement[],
  starship: StarshipLabel,
): BranchAnalysis {
  const exclusion = exclusionRequirement(starship);
  const withSelector = [...labels, ...nodeSelector];
  const survivesExclusion = satisfiable([...withSelector, exclusion], fields);
  // An exclusion already present is no evidence of a node to run on: judge the term without it.
  const withoutExclusions = withSelector.filter((r) => !isExclusionShaped(r, starship));
  const killedByExclusion = !survivesExclusion && satisfiable(withoutExclusions, fields);
  return {
    termIndex,
    admitsStarship: satisfiable([...withSelector, onStarshipRequirement(starship)], fields),
    survivesExclusion,
    killedByExclusion,
    culprits: labels.filter((r) => r.key === starship.key && !satisfiable([r, exclusion])),
  };
}

function analyzeBranches(placement: Placement, starship: StarshipLabel): BranchAnalysis[] {
  if (placement.terms === undefined) return [analyzeBranch(undefined, [], [], placement.nodeSelector, starship)];
  return placement.terms.flatMap((term) =>
    term.status.kind === 'valid'
      ? [analyzeBranch(term.index, term.status.labels, term.status.fields, placement.nodeSelector, starship)]
      : [],
  );
}

/** The add operation that gives a pod template without required node affinity one exclusion-only term,
 *  creating only the missing (or null) levels of `affinity.nodeAffinity.…` and keeping their siblings. */
function createRequiredAffinity(object: KubernetesObject, exclusion: ExclusionJson): Operation {
  let depth = 0;
  let parent: Record<string, unknown> = object;
  for (;;) {
    const child = parent[REQUIRED_AFFINITY_PATH[depth]];
    if (!isJsonObject(child)) break;
    parent = child;
    depth++;
  }
  const innermost = { nodeSelectorTerms: [{ matchExpressions: [exclusion] }] };
  const value = REQUIRED_AFFINITY_PATH.slice(depth + 1).reduceRight<Record<string, unknown>>(
    (inner, key) => ({ [key]: inner }),
    innermost,
  );
  return { op: 'add', path: toPointer(REQUIRED_AFFINITY_PATH.slice(0, depth + 1)), value };
}

function addToTerm(term: Term, exclusion: ExclusionJson): Operation {
  const termPath = [...REQUIRED_AFFINITY_PATH, 'nodeSelectorTerms', term.index, 'matchExpressions'];
  const hasArray = term.status.kind === 'valid' && term.status.hasMatchExpressionsArray;
  return hasArray
    ? { op: 'add', path: toPointer([...termPath, '-']), value: { ...exclusion } }
    : { op: 'add', path: toPointer(termPath), value: [{ ...exclusion }] };
}

function buildPatch(
  object: KubernetesObject,
  placement: Placement,
  branches: BranchAnalysis[],
  exclusion: ExclusionJson,
): Operation[] {
  const admitting = branches.filter((b) => b.admitsStarship);
  if (placement.terms === undefined) return admitting.length > 0 ? [createRequiredAffinity(object, exclusion)] : [];
  const terms = placement.terms;
  return admitting.map((b) => addToTerm(terms[b.termIndex as number], exclusion));
}

export function evaluatePlacement(object: KubernetesObject, config: DcgmExporterConfig): Evaluation {
  const starship = parseStarshipLabel(config.starshipNodeLabel);
  const exclusion = exclusionJson(starship);
  const exclusionText = JSON.stringify(exclusion);
  const label = describeStarshipLabel(starship);
  const who = daemonSetName(object);
  const placement = readPlacement(object);
  const branches = analyzeBranches(placement, starship);
  const violations: Violation[] = [];
  const warnings: string[] = [];

  for (const branch of branches.filter((b) => b.admitsStarship)) {
    violations.push(
      branch.termIndex === undefined
        ? {
            field: REQUIRED_AFFINITY_FIELD,
            message:
              `DaemonSet ${who} can still be scheduled on starship nodes (label ${label}): it has no required node affinity. ` +
              `Fix: add requiredDuringSchedulingIgnoredDuringExecution with a nodeSelectorTerm holding ${exclusionText} ` +
              `(promgate's mutating webhook adds it).`,
          }
        : {
            field: termField(branch.termIndex),
            message:
              `DaemonSet ${who} can still be scheduled on starship nodes (label ${label}): nodeSelectorTerms[${branch.termIndex}] ` +
              `does not exclude them. Fix: add ${exclusionText} to that term's matchExpressions ` +
              `(promgate's mutating webhook adds it).`,
          },
    );
  }

  const exclusionRequirementValue = exclusionRequirement(starship);
  const selectorCulprits = placement.nodeSelector.filter((r) => !satisfiable([r, exclusionRequirementValue]));
  const schedulable = branches.some((b) => b.survivesExclusion);
  const killed = branches.filter((b) => b.killedByExclusion);
  const fixSuffix =
    'Fix: remove that requirement (it selects only starship nodes), or, if this DaemonSet must run there, ' +
    'opt it out with the skip annotation.';
  if (!schedulable && selectorCulprits.length > 0) {
    violations.push({
      field: NODE_SELECTOR_FIELD,
      message:
        `DaemonSet ${who} can never be scheduled: its ${selectorCulprits.map(describeRequirement).join(', ')} ` +
        `selects only starship nodes (label ${label}), which dcgm-exporter must avoid (${exclusionText}). ${fixSuffix}`,
    });
  } else if (!schedulable && killed.length > 0) {
    for (const branch of killed) {
      const index = branch.termIndex as number;
      const cause =
        branch.culprits.length > 0
          ? branch.culprits.map(describeRequirement).join(', ')
          : `its requirements on ${starship.key}`;
      violations.push({
        field: termField(index),
        message:
          `DaemonSet ${who} can never be scheduled: nodeSelectorTerms[${index}] requires ${cause}, i.e. a starship node ` +
          `(label ${label}), but starship nodes are excluded (${exclusionText}), so it matches no node and no other term ` +
          `matches any. ${fixSuffix}`,
      });
    }
  } else if (!schedulable && branches.length > 0) {
    warnings.push(clipWarning(`${who}: no nodeSelectorTerm can match any node, even without the starship exclusion`));
  } else if (schedulable) {
    for (const branch of killed) {
      warnings.push(
        clipWarning(
          `${who}: nodeSelectorTerms[${branch.termIndex}] selects only starship nodes and matches none once excluded; remove it`,
        ),
      );
    }
  }

  for (const term of placement.terms ?? []) {
    if (term.status.kind === 'empty') {
      warnings.push(
        clipWarning(`${who}: nodeSelectorTerms[${term.index}] is empty and matches no node; left unchanged`),
      );
    } else if (term.status.kind === 'invalid') {
      warnings.push(
        clipWarning(`${who}: nodeSelectorTerms[${term.index}] is invalid (${term.status.reason}); left unchanged`),
      );
    }
  }
  if (placement.terms?.length === 0) {
    warnings.push(clipWarning(`${who}: required node affinity has no nodeSelectorTerms (the API server rejects it)`));
  }

  return { violations, warnings, patch: buildPatch(object, placement, branches, exclusion) };
}
