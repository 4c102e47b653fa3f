// `dcgmExporter.starshipNodeLabel` turned into requirements: what marks a starship node, and the
// exclusion promgate adds to every node selector term.
import type { Requirement } from './selector.js';

export interface StarshipLabel {
  key: string;
  /** Only nodes whose label has this value are starship nodes; undefined: any value. */
  value: string | undefined;
}

/** `key` or `key=value`; the key itself never contains `=` (label keys cannot). */
export function parseStarshipLabel(setting: string): StarshipLabel {
  const separator = setting.indexOf('=');
  return separator < 0
    ? { key: setting, value: undefined }
    : { key: setting.slice(0, separator), value: setting.slice(separator + 1) };
}

export function describeStarshipLabel(label: StarshipLabel): string {
  return label.value === undefined ? label.key : `${label.key}=${label.value}`;
}

/** The NodeSelectorRequirement promgate writes, exactly as it appears in the patch. */
export type ExclusionJson =
  { key: string; operator: 'DoesNotExist' } | { key: string; operator: 'NotIn'; values: [string] };

export function exclusionJson(label: StarshipLabel): ExclusionJson {
  return label.value === undefined
    ? { key: label.key, operator: 'DoesNotExist' }
    : { key: label.key, operator: 'NotIn', values: [label.value] };
}

export function exclusionRequirement(label: StarshipLabel): Requirement {
  return { ...exclusionJson(label), values: label.value === undefined ? [] : [label.value], origin: 'exclusion' };
}

/** Holds exactly on starship nodes. */
export function onStarshipRequirement(label: StarshipLabel): Requirement {
  return label.value === undefined
    ? { key: label.key, operator: 'Exists', values: [], origin: 'starship' }
    : { key: label.key, operator: 'In', values: [label.value], origin: 'starship' };
}

/** A requirement written to keep starship nodes out (ours, or an admin's equivalent), as opposed to
 *  one that selects nodes for another reason and happens to exclude them. */
export function isExclusionShaped(requirement: Requirement, label: StarshipLabel): boolean {
  if (requirement.key !== label.key) return false;
  return label.value === undefined
    ? requirement.operator === 'DoesNotExist'
    : requirement.operator === 'NotIn' && requirement.values.includes(label.value);
}
