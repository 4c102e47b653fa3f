// Reads a pod template's node placement (nodeSelector + required node affinity) from an object as
// either the API server sends it (empty fields dropped) or as a file holds it (`affinity: {}`,
// `nodeAffinity: null`, `nodeSelector: null`, …). Nothing here judges; it only gives names to shapes.
import { readRequirement, type Requirement } from './selector.js';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Object keys from the root of a DaemonSet down to its required node affinity. */
export const POD_SPEC_PATH = ['spec', 'template', 'spec'] as const;
export const REQUIRED_AFFINITY_PATH = [
  ...POD_SPEC_PATH,
  'affinity',
  'nodeAffinity',
  'requiredDuringSchedulingIgnoredDuringExecution',
] as const;

/** The API server's field-path notation for messages. */
export const REQUIRED_AFFINITY_FIELD = REQUIRED_AFFINITY_PATH.join('.');
export const NODE_SELECTOR_FIELD = [...POD_SPEC_PATH, 'nodeSelector'].join('.');

export function termField(index: number): string {
  return `${REQUIRED_AFFINITY_FIELD}.nodeSelectorTerms[${index}]`;
}

/** The value at a chain of object keys, or undefined as soon as a link is not an object. */
export function valueAt(root: unknown, keys: readonly string[]): unknown {
  let current: unknown = root;
  for (const key of keys) {
    if (!isJsonObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

export type TermStatus =
  /** Holds requirements that all pass the API server's validation. */
  | { kind: 'valid'; labels: Requirement[]; fields: Requirement[]; hasMatchExpressionsArray: boolean }
  /** Null, or no requirement at all: Kubernetes matches no node with it. */
  | { kind: 'empty' }
  /** The API server would reject it; it matches no node. */
  | { kind: 'invalid'; reason: string };

export interface Term {
  index: number;
  status: TermStatus;
}

export interface Placement {
  /** `nodeSelector` entries as `key In [value]` requirements (ANDed with the affinity). */
  nodeSelector: Requirement[];
  /** undefined: no required node affinity, every node passes it. Otherwise its terms (maybe none). */
  terms: Term[] | undefined;
}

function readRequirementList(
  raw: unknown,
  listName: 'matchExpressions' | 'matchFields',
): { requirements: Requirement[] } | { invalid: string } {
  if (raw === undefined || raw === null) return { requirements: [] };
  if (!Array.isArray(raw)) return { invalid: `${listName} is not a list` };
  const requirements: Requirement[] = [];
  for (const [index, item] of raw.entries()) {
    const read = readRequirement(item, listName === 'matchFields' ? 'field' : 'label', `${listName}[${index}]`);
    if ('invalid' in read) return read;
    requirements.push(read.requirement);
  }
  return { requirements };
}

function readTerm(raw: unknown, index: number): Term {
  if (!isJsonObject(raw)) return { index, status: { kind: 'empty' } };
  const labels = readRequirementList(raw.matchExpressions, 'matchExpressions');
  if ('invalid' in labels) return { index, status: { kind: 'invalid', reason: labels.invalid } };
  const fields = readRequirementList(raw.matchFields, 'matchFields');
  if ('invalid' in fields) return { index, status: { kind: 'invalid', reason: fields.invalid } };
  if (labels.requirements.length === 0 && fields.requirements.length === 0) return { index, status: { kind: 'empty' } };
  return {
    index,
    status: {
      kind: 'valid',
      labels: labels.requirements,
      fields: fields.requirements,
      hasMatchExpressionsArray: Array.isArray(raw.matchExpressions),
    },
  };
}

export function readPlacement(object: unknown): Placement {
  const rawSelector = valueAt(object, [...POD_SPEC_PATH, 'nodeSelector']);
  const nodeSelector: Requirement[] = isJsonObject(rawSelector)
    ? Object.entries(rawSelector).map(([key, value]) => ({
        key,
        operator: 'In',
        values: [String(value)],
        origin: 'nodeSelector',
      }))
    : [];
  const required = valueAt(object, REQUIRED_AFFINITY_PATH);
  if (!isJsonObject(required)) return { nodeSelector, terms: undefined };
  const rawTerms = Array.isArray(required.nodeSelectorTerms) ? required.nodeSelectorTerms : [];
  return { nodeSelector, terms: rawTerms.map(readTerm) };
}
