// Node selection the way the Kubernetes scheduler reads it, reduced to one question: can ANY node
// satisfy a set of requirements? Answering that exactly (instead of pattern-matching on the starship
// key) lets the policy tell "already excludes starship nodes" from "admits them", and "unschedulable
// because of the exclusion" from "unschedulable anyway", for every operator combination.
//
// Rules (kubernetes.io, NodeSelectorTerm / NodeSelectorRequirement API reference):
// - nodeSelectorTerms are ORed; inside a term, matchExpressions and matchFields are all ANDed;
//   a null or empty term matches no node; `nodeSelector` is ANDed with the required affinity.
// - In/NotIn need a non-empty `values`; Exists/DoesNotExist need none; Gt/Lt need exactly one
//   integer value and compare the node's label parsed as a 64-bit integer (a node without the label,
//   or whose value is not an integer, fails them). NotIn and DoesNotExist hold on a node without the label.
// - matchFields supports only `metadata.name` with In/NotIn and exactly one value.
// A requirement breaking these rules is rejected by the API server; here it makes its term match no node.

export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';

const OPERATORS: readonly Operator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'];

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
  /** Where it came from, for messages: `matchExpressions[2]`, `nodeSelector`, … */
  origin: string;
}

export type RequirementKind = 'label' | 'field';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A label value or Gt/Lt operand as Go's strconv.ParseInt(s, 10, 64) reads it; undefined if it would fail. */
export function parseInt64(text: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const value = BigInt(text);
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** One matchExpressions / matchFields entry, or a reason why the API server would reject it. */
export function readRequirement(
  raw: unknown,
  kind: RequirementKind,
  origin: string,
): { requirement: Requirement } | { invalid: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { invalid: `${origin} is not an object` };
  const { key, operator, values: rawValues } = raw as Record<string, unknown>;
  if (typeof key !== 'string' || key === '') return { invalid: `${origin} has no key` };
  if (typeof operator !== 'string' || !(OPERATORS as readonly string[]).includes(operator)) {
    return { invalid: `${origin} has an unknown operator ${JSON.stringify(operator)}` };
  }
  const values = rawValues === undefined || rawValues === null ? [] : rawValues;
  if (!isStringArray(values)) return { invalid: `${origin} has values that are not strings` };
  const op = operator as Operator;
  if (kind === 'field') {
    if (key !== 'metadata.name' || (op !== 'In' && op !== 'NotIn') || values.length !== 1) {
      return { invalid: `${origin} must be metadata.name In/NotIn one value` };
    }
  } else if ((op === 'In' || op === 'NotIn') && values.length === 0) {
    return { invalid: `${origin} (${op}) needs values` };
  } else if ((op === 'Exists' || op === 'DoesNotExist') && values.length !== 0) {
    return { invalid: `${origin} (${op}) must have no values` };
  } else if ((op === 'Gt' || op === 'Lt') && (values.length !== 1 || parseInt64(values[0]) === undefined)) {
    return { invalid: `${origin} (${op}) needs one integer value` };
  }
  return { requirement: { key, operator: op, values, origin } };
}

/** Does a node whose label (or field) `key` has this value satisfy the requirement? */
function valueSatisfies(value: string, requirement: Requirement): boolean {
  switch (requirement.operator) {
    case 'In':
      return requirement.values.includes(value);
    case 'NotIn':
      return !requirement.values.includes(value);
    case 'Exists':
      return true;
    case 'DoesNotExist':
      return false;
    case 'Gt':
    case 'Lt': {
      const actual = parseInt64(value);
      const bound = parseInt64(requirement.values[0]);
      if (actual === undefined || bound === undefined) return false;
      return requirement.operator === 'Gt' ? actual > bound : actual < bound;
    }
  }
}

/** Can one key (absent, or with some value) satisfy all these requirements on it at once? */
function keySatisfiable(requirements: Requirement[]): boolean {
  const holdsWhenAbsent = requirements.every((r) => r.operator === 'NotIn' || r.operator === 'DoesNotExist');
  if (holdsWhenAbsent) return true;
  if (requirements.some((r) => r.operator === 'DoesNotExist')) return false;
  const fitsAll = (value: string): boolean => requirements.every((r) => valueSatisfies(value, r));
  const inLists = requirements.filter((r) => r.operator === 'In').map((r) => r.values);
  if (inLists.length > 0) return inLists[0].some(fitsAll);
  const bounds = requirements.filter((r) => r.operator === 'Gt' || r.operator === 'Lt');
  // Only Exists/NotIn left: infinitely many values, finitely many excluded.
  if (bounds.length === 0) return true;
  // Integers in the open interval (max Gt, min Lt): each NotIn value rules out at most one canonical
  // decimal string, so trying (number of NotIn values + 1) consecutive integers decides it.
  const excludedCount = requirements.filter((r) => r.operator === 'NotIn').reduce((n, r) => n + r.values.length, 0);
  const gts = bounds.filter((r) => r.operator === 'Gt').map((r) => parseInt64(r.values[0]) as bigint);
  const lts = bounds.filter((r) => r.operator === 'Lt').map((r) => parseInt64(r.values[0]) as bigint);
  const start = gts.length > 0 ? gts.reduce((a, b) => (a > b ? a : b)) + 1n : undefined;
  const end = lts.length > 0 ? lts.reduce((a, b) => (a < b ? a : b)) - 1n : undefined;
  for (let offset = 0n; offset <= BigInt(excludedCount); offset++) {
    const candidate = start !== undefined ? start + offset : (end as bigint) - offset;
    if (start !== undefined && end !== undefined && candidate > end) return false;
    if (fitsAll(candidate.toString())) return true;
  }
  return false;
}

/** Is there a node satisfying every requirement? Keys are independent of each other. */
export function satisfiable(labelRequirements: Requirement[], fieldRequirements: Requirement[] = []): boolean {
  return [labelRequirements, fieldRequirements].every((requirements) => {
    const byKey = new Map<string, Requirement[]>();
    for (const r of requirements) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
    return [...byKey.values()].every(keySatisfiable);
  });
}

/** `starship DoesNotExist`, `zone In [a, b]`; with its origin for requirements read from the object:
 *  `matchExpressions[1] (starship Exists)`, `nodeSelector starship=true`. */
export function describeRequirement(r: Requirement): string {
  if (r.origin === 'nodeSelector') return `nodeSelector ${r.key}=${r.values[0] ?? ''}`;
  const values = r.values.length > 0 ? ` [${r.values.join(', ')}]` : '';
  const text = `${r.key} ${r.operator}${values}`;
  return r.origin === 'exclusion' || r.origin === 'starship' ? text : `${r.origin} (${text})`;
}
