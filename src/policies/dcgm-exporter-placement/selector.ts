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

/**
 * Can one key (absent, or with some value) satisfy all these requirements on it at once? The
 * requirements are folded into sets and bounds first, so the cost stays linear (plus one sort) in
 * their total size whatever an object throws at it.
 */
function keySatisfiable(requirements: Requirement[]): boolean {
  if (requirements.every((r) => r.operator === 'NotIn' || r.operator === 'DoesNotExist')) return true; // absent
  if (requirements.some((r) => r.operator === 'DoesNotExist')) return false;
  // The key must be present: with a value in every In list, in no NotIn list, within the Gt/Lt bounds.
  const excluded = new Set<string>();
  let allowed: Set<string> | undefined;
  let min: bigint | undefined;
  let max: bigint | undefined;
  for (const r of requirements) {
    if (r.operator === 'NotIn') {
      for (const value of r.values) excluded.add(value);
    } else if (r.operator === 'In') {
      const previous = allowed;
      allowed = new Set(previous === undefined ? r.values : r.values.filter((value) => previous.has(value)));
    } else if (r.operator === 'Gt') {
      const above = (parseInt64(r.values[0]) as bigint) + 1n;
      if (min === undefined || above > min) min = above;
    } else if (r.operator === 'Lt') {
      const below = (parseInt64(r.values[0]) as bigint) - 1n;
      if (max === undefined || below < max) max = below;
    }
  }
  const bounded = min !== undefined || max !== undefined;
  const inBounds = (n: bigint): boolean =>
    n >= INT64_MIN && n <= INT64_MAX && (min === undefined || n >= min) && (max === undefined || n <= max);
  if (allowed !== undefined) {
    return [...allowed].some((value) => {
      if (excluded.has(value)) return false;
      if (!bounded) return true;
      const n = parseInt64(value);
      return n !== undefined && inBounds(n);
    });
  }
  // Only Exists/NotIn: infinitely many values, finitely many excluded.
  if (!bounded) return true;
  // The first integer from the bound inwards whose decimal form is not excluded: each excluded
  // string blocks at most one candidate, so this takes at most excluded.size + 1 steps.
  const step = min !== undefined ? 1n : -1n;
  let candidate = min ?? (max as bigint);
  while (excluded.has(candidate.toString())) candidate += step;
  return inBounds(candidate);
}

/** Is there a node satisfying every requirement? Keys are independent of each other. */
export function satisfiable(labelRequirements: Requirement[], fieldRequirements: Requirement[] = []): boolean {
  return [labelRequirements, fieldRequirements].every((requirements) => {
    const byKey = new Map<string, Requirement[]>();
    for (const r of requirements) {
      const sameKey = byKey.get(r.key);
      if (sameKey) sameKey.push(r);
      else byKey.set(r.key, [r]);
    }
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
