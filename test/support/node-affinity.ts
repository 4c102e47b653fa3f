// A test oracle: does a pod template's nodeSelector + required node affinity admit one concrete node?
// Written independently of the policy's satisfiability solver (which reasons about ALL nodes), from
// the Kubernetes API reference: terms ORed, requirements within a term ANDed (matchExpressions and
// matchFields), a null/empty term matches nothing, an invalid requirement makes its term match nothing,
// nodeSelector ANDed with the affinity, Gt/Lt compare values parsed as 64-bit integers.

export interface TestNode {
  labels: Record<string, string>;
  /** `metadata.name`, the only field matchFields may select on. */
  name: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function int64(text: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const n = BigInt(text);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

/** true / false, or undefined when the requirement is not valid Kubernetes. */
function requirementHolds(
  raw: unknown,
  lookup: (key: string) => string | undefined,
  isField: boolean,
): boolean | undefined {
  if (!isObject(raw) || typeof raw.key !== 'string' || raw.key === '') return undefined;
  const values = raw.values ?? [];
  if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) return undefined;
  const list = values as string[];
  const actual = lookup(raw.key);
  if (
    isField &&
    (raw.key !== 'metadata.name' || list.length !== 1 || (raw.operator !== 'In' && raw.operator !== 'NotIn'))
  ) {
    return undefined;
  }
  switch (raw.operator) {
    case 'In':
      return list.length === 0 ? undefined : actual !== undefined && list.includes(actual);
    case 'NotIn':
      return list.length === 0 ? undefined : actual === undefined || !list.includes(actual);
    case 'Exists':
      return list.length !== 0 ? undefined : actual !== undefined;
    case 'DoesNotExist':
      return list.length !== 0 ? undefined : actual === undefined;
    case 'Gt':
    case 'Lt': {
      const bound = list.length === 1 ? int64(list[0]) : undefined;
      if (bound === undefined) return undefined;
      const value = actual === undefined ? undefined : int64(actual);
      if (value === undefined) return false;
      return raw.operator === 'Gt' ? value > bound : value < bound;
    }
    default:
      return undefined;
  }
}

function termMatches(term: unknown, node: TestNode): boolean {
  if (!isObject(term)) return false;
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!Array.isArray(expressions) || !Array.isArray(fields)) return false;
  if (expressions.length === 0 && fields.length === 0) return false;
  const labelLookup = (key: string): string | undefined =>
    Object.hasOwn(node.labels, key) ? node.labels[key] : undefined;
  const fieldLookup = (key: string): string | undefined => (key === 'metadata.name' ? node.name : undefined);
  return (
    expressions.every((r) => requirementHolds(r, labelLookup, false) === true) &&
    fields.every((r) => requirementHolds(r, fieldLookup, true) === true)
  );
}

/** Would the scheduler place a pod with this pod spec on this node (as far as node selection goes)? */
export function podSpecAdmitsNode(podSpec: unknown, node: TestNode): boolean {
  if (!isObject(podSpec)) return true;
  const nodeSelector = podSpec.nodeSelector;
  if (isObject(nodeSelector)) {
    for (const [key, value] of Object.entries(nodeSelector)) {
      if (!Object.hasOwn(node.labels, key) || node.labels[key] !== String(value)) return false;
    }
  }
  const affinity = podSpec.affinity;
  const nodeAffinity = isObject(affinity) ? affinity.nodeAffinity : undefined;
  const required = isObject(nodeAffinity) ? nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution : undefined;
  if (!isObject(required)) return true;
  const terms = Array.isArray(required.nodeSelectorTerms) ? required.nodeSelectorTerms : [];
  return terms.some((term) => termMatches(term, node));
}

/** The same for a DaemonSet (or any object with a pod template). */
export function daemonSetAdmitsNode(object: unknown, node: TestNode): boolean {
  const template = isObject(object) && isObject(object.spec) ? object.spec.template : undefined;
  return podSpecAdmitsNode(isObject(template) ? template.spec : undefined, node);
}

/** `node` with the starship label of a `starshipNodeLabel` setting (`key` or `key=value`) added. */
export function withStarshipLabel(node: TestNode, starshipNodeLabel: string, anyValue = 'true'): TestNode {
  const separator = starshipNodeLabel.indexOf('=');
  const [key, value] =
    separator < 0
      ? [starshipNodeLabel, anyValue]
      : [starshipNodeLabel.slice(0, separator), starshipNodeLabel.slice(separator + 1)];
  return { ...node, labels: { ...node.labels, [key]: value } };
}
