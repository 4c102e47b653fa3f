// A readable before/after view of what the patch does to a pod template's affinity, for
// `promgate check` (the JSON Patch alone is hard to review in a CI log).
import jsonPatch, { type Operation } from 'fast-json-patch';
import { stringify } from 'yaml';
import type { KubernetesObject } from '../policy.js';
import { POD_SPEC_PATH, valueAt } from './placement.js';

const AFFINITY_PATH = [...POD_SPEC_PATH, 'affinity'] as const;

/** The diff table is quadratic; a real affinity is tens of lines, a hostile one is not diffed. */
const MAX_DIFF_CELLS = 4_000_000;

function affinityLines(object: unknown): string[] {
  const affinity = valueAt(object, AFFINITY_PATH);
  if (affinity === undefined || affinity === null) return [];
  return stringify(affinity, { indent: 2 }).trimEnd().split('\n');
}

/** Longest common subsequence line diff; affinity blocks are a few dozen lines at most. */
function diffLines(before: string[], after: string[]): string[] {
  // common[i][j]: length of the longest common subsequence of before[i..] and after[j..].
  const common = Array.from({ length: before.length + 1 }, () => new Array<number>(after.length + 1).fill(0));
  for (let i = before.length - 1; i >= 0; i--) {
    for (let j = after.length - 1; j >= 0; j--) {
      common[i][j] = before[i] === after[j] ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    if (i < before.length && j < after.length && before[i] === after[j]) {
      out.push(`  ${before[i]}`);
      i++;
      j++;
    } else if (j < after.length && (i === before.length || common[i][j + 1] >= common[i + 1][j])) {
      out.push(`+ ${after[j]}`);
      j++;
    } else {
      out.push(`- ${before[i]}`);
      i++;
    }
  }
  return out;
}

/**
 * `spec.template.spec.affinity` before and after the patch as one YAML diff (`+`/`-` prefixed lines),
 * or a one-line note when the patch is empty. The object itself is not modified.
 */
export function describePatch(object: KubernetesObject, patch: Operation[]): string {
  const header = AFFINITY_PATH.join('.');
  if (patch.length === 0) return `${header}: unchanged`;
  const patched = jsonPatch.applyPatch(jsonPatch.deepClone(object) as KubernetesObject, patch, true, false).newDocument;
  const before = affinityLines(object);
  const after = affinityLines(patched);
  if (before.length * after.length > MAX_DIFF_CELLS) {
    return `${header}: ${before.length} → ${after.length} lines, too large for a readable diff (see the JSON Patch)`;
  }
  return [`${header}:${before.length === 0 ? ' (none before)' : ''}`, ...diffLines(before, after)].join('\n');
}
