// The dcgm-exporter-placement decision: one pass over the pod template's placement that yields the
// minimal patch (for /mutate) and the verdict on the object as given (for /validate). Because the
// verdict judges the object as given, an un-mutated exporter gets both a patch and violations, and
// the mutated one gets neither (unless the exclusion leaves it nowhere to run).
import { escapePathComponent, type Operation } from 'fast-json-patch';
import type { DcgmExporterConfig } from '../../config/schema.js';
import { namespacedName, type Evaluation, type KubernetesObject, type Violation } from '../policy.js';
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
  type StarshipLabel,
} from './starship.js';

function daemonSetName(object: KubernetesObject): string {
  const metadata = object.metadata ?? {};
  const name = metadata.name ?? (metadata.generateName ? `${metadata.generateName}*` : '(unnamed)');
  return namespacedName(metadata.namespace, name);
}

function toPointer(keys: readonly (string | number)[]): string {
  return keys.map((key) => `/${escapePathComponent(String(key))}`).join('');
}

/** What the starship exclusion means for one OR-branch of the placement. */
interface BranchVerdict {
  /** Some starship node passes it (and the nodeSelector): it needs the exclusion. */
  admitsStarship: boolean;
  /** Some node still passes it once the exclusion is in. */
  survivesExclusion: boolean;
  /** Some node passes it without the exclusion, none with it: it can only ever pick starship nodes. */
  killedByExclusion: boolean;
  /** Its own requirements that only starship nodes can satisfy. */
  culprits: Requirement[];
}

/** A branch that is one of nodeSelectorTerms. */
interface TermBranch extends BranchVerdict {
  kind: 'term';
  term: Term;
}

/** The single branch of a pod template without required node affinity: the nodeSelector alone decides. */
interface TemplateBranch extends BranchVerdict {
  kind: 'template';
}

type BranchAnalysis = TermBranch | TemplateBranch;

/**
 * Everything derived from `starshipNodeLabel` alone. Built once per setting and shared by every
 * review (a measurable share of a DaemonSet review otherwise); nothing here is ever mutated, and
 * patches get fresh copies of the exclusion.
 */
interface StarshipRules {
  starship: StarshipLabel;
  exclusionRequirement: Requirement;
  onStarshipRequirement: Requirement;
  /** The exclusion as JSON, exactly as the patch writes it. */
  exclusionJson: string;
  /** `starship DoesNotExist`, `starship NotIn [true]`. */
  exclusionShort: string;
  /** The term promgate creates when there is no required node affinity, as JSON. */
  createdTermJson: string;
  /** Why starship nodes must be excluded, for messages. */
  reason: string;
}

let cachedRules: { setting: string; rules: StarshipRules } | undefined;

function starshipRules(setting: string): StarshipRules {
  if (cachedRules?.setting !== setting) {
    const starship = parseStarshipLabel(setting);
    const exclusion = exclusionJson(starship);
    const exclusionReq = exclusionRequirement(starship);
    const rules: StarshipRules = {
      starship,
      exclusionRequirement: exclusionReq,
      onStarshipRequirement: onStarshipRequirement(starship),
      exclusionJson: JSON.stringify(exclusion),
      exclusionShort: describeRequirement(exclusionReq),
      createdTermJson: JSON.stringify({ matchExpressions: [exclusion] }),
      reason: `Starship nodes (label ${describeStarshipLabel(starship)}) already collect GPU metrics through DCGM`,
    };
    cachedRules = { setting, rules };
  }
  return cachedRules.rules;
}

function analyzeBranch(
  labels: Requirement[],
  fields: Requirement[],
  nodeSelector: Requirement[],
  rules: StarshipRules,
): BranchVerdict {
  const { starship, exclusionRequirement: exclusion } = rules;
  const withSelector = [...labels, ...nodeSelector];
  const survivesExclusion = satisfiable([...withSelector, exclusion], fields);
  // An exclusion already present is no evidence of a node to run on: judge the term without it.
  const withoutExclusions = withSelector.filter((r) => !isExclusionShaped(r, starship));
  const killedByExclusion = !survivesExclusion && satisfiable(withoutExclusions, fields);
  return {
    admitsStarship: satisfiable([...withSelector, rules.onStarshipRequirement], fields),
    survivesExclusion,
    killedByExclusion,
    culprits: labels.filter((r) => r.key === starship.key && !satisfiable([r, exclusion])),
  };
}

function analyzeBranches(placement: Placement, rules: StarshipRules): BranchAnalysis[] {
  if (placement.terms === undefined) {
    return [{ kind: 'template', ...analyzeBranch([], [], placement.nodeSelector, rules) }];
  }
  return placement.terms.flatMap((term): TermBranch[] =>
    term.status.kind === 'valid'
      ? [
          {
            kind: 'term',
            term,
            ...analyzeBranch(term.status.labels, term.status.fields, placement.nodeSelector, rules),
          },
        ]
      : [],
  );
}

/** JSON pointers to each level of REQUIRED_AFFINITY_PATH, `/spec` … `/spec/…/requiredDuringScheduling…`. */
const REQUIRED_AFFINITY_POINTERS = REQUIRED_AFFINITY_PATH.map((_, depth) =>
  toPointer(REQUIRED_AFFINITY_PATH.slice(0, depth + 1)),
);

/** The add operation that gives a pod template without required node affinity one exclusion-only term,
 *  creating only the missing (or null) levels of `affinity.nodeAffinity.…` and keeping their siblings. */
function createRequiredAffinity(object: KubernetesObject, starship: StarshipLabel): Operation {
  // `depth` ends at the first level that is missing, null or not an object (at the latest the
  // required affinity itself, which the caller found absent): the add goes there.
  let depth = 0;
  let parent: Record<string, unknown> = object;
  while (depth < REQUIRED_AFFINITY_PATH.length - 1) {
    const child = parent[REQUIRED_AFFINITY_PATH[depth]];
    if (!isJsonObject(child)) break;
    parent = child;
    depth++;
  }
  const innermost = { nodeSelectorTerms: [{ matchExpressions: [exclusionJson(starship)] }] };
  const value = REQUIRED_AFFINITY_PATH.slice(depth + 1).reduceRight<Record<string, unknown>>(
    (inner, key) => ({ [key]: inner }),
    innermost,
  );
  return { op: 'add', path: REQUIRED_AFFINITY_POINTERS[depth], value };
}

// Every operation gets its own copy of the exclusion (`exclusionJson` builds a new one): whoever
// applies the patch may mutate the result.
function addToTerm(term: Term, starship: StarshipLabel): Operation {
  const termPath = [...REQUIRED_AFFINITY_PATH, 'nodeSelectorTerms', term.index, 'matchExpressions'];
  const hasArray = term.status.kind === 'valid' && term.status.hasMatchExpressionsArray;
  return hasArray
    ? { op: 'add', path: toPointer([...termPath, '-']), value: exclusionJson(starship) }
    : { op: 'add', path: toPointer(termPath), value: [exclusionJson(starship)] };
}

function buildPatch(object: KubernetesObject, branches: BranchAnalysis[], starship: StarshipLabel): Operation[] {
  return branches
    .filter((b) => b.admitsStarship)
    .map((b) => (b.kind === 'term' ? addToTerm(b.term, starship) : createRequiredAffinity(object, starship)));
}

/** What every message needs to say about the object and the configured exclusion. */
interface Wording extends StarshipRules {
  /** `namespace/name` of the DaemonSet. */
  who: string;
  /** How to opt it out, naming the configured annotation. */
  optOut: string;
}

/** The policy's configuration section, with the opt-out annotation its messages name. */
export interface PlacementConfig extends DcgmExporterConfig {
  skipAnnotation: string;
}

// Each violation opens with a sentence that names the DaemonSet, the place and the fix. Its
// `warning` (what `warn` mode returns, after "promgate: dcgm-exporter-placement: ") and every
// advice warning lead with the place in the pod template and the offending requirement: kubectl's
// reader knows which DaemonSet is being applied, and the 120-character cut drops only explanation.

function admitsStarshipViolations(branches: BranchAnalysis[], w: Wording): Violation[] {
  return branches
    .filter((b) => b.admitsStarship)
    .map((b) =>
      b.kind === 'template'
        ? {
            field: REQUIRED_AFFINITY_FIELD,
            message:
              `DaemonSet ${w.who} can run on starship nodes: require ${w.exclusionShort} in its node affinity. ` +
              `${w.reason}; promgate's mutating webhook creates the term ${w.createdTermJson}.`,
            warning: `required node affinity lacks ${w.exclusionShort}: can run on starship nodes`,
          }
        : {
            field: termField(b.term.index),
            message:
              `DaemonSet ${w.who} can run on starship nodes: add ${w.exclusionShort} to nodeSelectorTerms[${b.term.index}]. ` +
              `${w.reason}; promgate's mutating webhook appends ${w.exclusionJson} to that term's matchExpressions.`,
            warning: `nodeSelectorTerms[${b.term.index}] lacks ${w.exclusionShort}: can run on starship nodes`,
          },
    );
}

/** "Can never be scheduled" violations, or warnings for terms lost while another survives. */
function schedulabilityFindings(
  placement: Placement,
  branches: BranchAnalysis[],
  w: Wording,
): { violations: Violation[]; warnings: string[] } {
  const label = describeStarshipLabel(w.starship);
  const selectorCulprits = placement.nodeSelector.filter((r) => !satisfiable([r, w.exclusionRequirement]));
  const schedulable = branches.some((b) => b.survivesExclusion);
  // The template branch is never counted here: if the exclusion kills it, its nodeSelector needs
  // starship nodes, which `selectorCulprits` reports.
  const killed = branches.filter((b): b is TermBranch => b.kind === 'term' && b.killedByExclusion);
  if (schedulable) {
    const warnings = killed.map(
      (b) => `nodeSelectorTerms[${b.term.index}] selects only starship nodes, none once excluded; remove it`,
    );
    return { violations: [], warnings };
  }
  if (selectorCulprits.length > 0) {
    const message =
      `DaemonSet ${w.who} can never be scheduled: its nodeSelector needs starship nodes; drop ${w.starship.key}. ` +
      `Its ${selectorCulprits.map(describeRequirement).join(', ')} requires the starship label ${label}, which ` +
      `contradicts the exclusion ${w.exclusionJson}. ${w.optOut}`;
    const warning = `nodeSelector ${w.starship.key}: needs starship nodes, never scheduled`;
    return { violations: [{ field: NODE_SELECTOR_FIELD, message, warning }], warnings: [] };
  }
  if (killed.length > 0) {
    const violations = killed.map((b) => {
      const index = b.term.index;
      const [shortCause, cause] =
        b.culprits.length > 0
          ? [b.culprits.map((r) => `${r.key} ${r.operator}`).join(', '), b.culprits.map(describeRequirement).join(', ')]
          : [`${w.starship.key} requirements`, `its requirements on ${w.starship.key}`];
      const message =
        `DaemonSet ${w.who} can never be scheduled: term ${index} needs starship nodes; drop its ${shortCause}. ` +
        `nodeSelectorTerms[${index}] requires ${cause} (starship label ${label}), which contradicts the exclusion ` +
        `${w.exclusionJson}, and no other term matches any node. ${w.optOut}`;
      const warning = `nodeSelectorTerms[${index}] ${shortCause}: needs starship nodes, never scheduled`;
      return { field: termField(index), message, warning };
    });
    return { violations, warnings: [] };
  }
  // Unschedulable whatever promgate does: not this policy's verdict to make, but worth saying.
  const warnings =
    branches.length > 0 ? ['no nodeSelectorTerm can match any node, even without the starship exclusion'] : [];
  return { violations: [], warnings };
}

/** Terms that match no node by their shape alone; they are never patched (ADR 021). */
function termShapeWarnings(placement: Placement): string[] {
  if (placement.terms === undefined) return [];
  if (placement.terms.length === 0) {
    return ['required node affinity has no nodeSelectorTerms (the API server rejects it)'];
  }
  return placement.terms.flatMap((term) => {
    if (term.status.kind === 'empty') {
      return [`nodeSelectorTerms[${term.index}] is empty and matches no node; left unchanged`];
    }
    if (term.status.kind === 'invalid') {
      return [`nodeSelectorTerms[${term.index}].${term.status.reason}; left unchanged`];
    }
    return [];
  });
}

export function evaluatePlacement(object: KubernetesObject, config: PlacementConfig): Evaluation {
  const rules = starshipRules(config.starshipNodeLabel);
  const wording: Wording = {
    ...rules,
    who: daemonSetName(object),
    optOut: `If this DaemonSet really must run on starship nodes, opt it out: annotate it ${config.skipAnnotation}: "true".`,
  };
  const placement = readPlacement(object);
  const branches = analyzeBranches(placement, rules);
  const schedulability = schedulabilityFindings(placement, branches, wording);
  return {
    violations: [...admitsStarshipViolations(branches, wording), ...schedulability.violations],
    warnings: [...schedulability.warnings, ...termShapeWarnings(placement)],
    patch: buildPatch(object, branches, rules.starship),
  };
}
