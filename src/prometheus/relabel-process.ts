// relabel.Process: applying relabel rules to a label set, as promtool does to static targets.
// Regexes run anchored through their RelabelRegexp matcher (regex.ts); `$1`/`${name}` expansion
// follows Go's regexp.Expand.
import { createHash } from 'node:crypto';
import type { DecodedStruct } from './schema/decoder.js';
import type { RegexMatcher, RelabelRegexp } from './regex.js';
import { isValidLabelName } from './model/labels.js';

export type LabelSet = Map<string, string>;

/** A rule promgate does not run (its regex is past the compile budget): the label set's fate is
 *  unknown, so whatever promtool would check after relabelling cannot be checked. */
export class RelabelNotRun extends Error {
  /** The warning for `owner`, whose relabel_configs hold the rule. */
  warningFor(owner: DecodedStruct): string {
    return `${owner.pathOf('relabel_configs')}: ${this.message}: its static targets were not relabelled and checked as promtool checks them`;
  }
}

function matcherOf(regex: RelabelRegexp): RegexMatcher {
  const matcher = regex.matcher();
  if ('cannotRun' in matcher) throw new RelabelNotRun(matcher.cannotRun);
  return matcher;
}

/** Go's regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`; unknown groups expand to "". */
export function expandTemplate(template: string, matcher: RegexMatcher, groups: string[]): string {
  const names = matcher.groupNames;
  return template.replace(/\$(?:\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (whole, braced?: string, bare?: string) => {
    if (whole === '$$') return '$';
    const name = braced ?? bare ?? '';
    const index = /^[0-9]+$/.test(name) ? Number(name) : names[name];
    return index === undefined ? '' : (groups[index] ?? '');
  });
}

/** relabel's hashmod: md5 of the value, last 8 bytes as a big-endian uint64, modulo. */
function hashMod(value: string, modulus: number): string {
  const digest = createHash('md5').update(value).digest();
  return (digest.readBigUInt64BE(8) % BigInt(modulus)).toString();
}

export interface RelabelOptions {
  /** Before 2.43 relabelling walked a sorted label set; since, a labels.Builder in insertion order.
   *  It decides which label wins when labelmap maps several names onto one. Pass
   *  `!ctx.atLeast('2.43')`. */
  sortedIteration?: boolean;
}

/** Apply one rule; false when the target is dropped. */
function applyRule(
  labels: LabelSet,
  rule: DecodedStruct,
  defaultRegex: RelabelRegexp,
  options: RelabelOptions,
): boolean {
  const action = rule.get<string>('action') ?? 'replace';
  const regex = rule.get<RelabelRegexp>('regex') ?? defaultRegex;
  // Only the actions that match run the regex (keepequal and the like must not need it).
  const submatches = (value: string) => matcherOf(regex).submatches(value);
  const sourceLabels = (rule.get<(string | undefined)[]>('source_labels') ?? []).map(
    (name) => labels.get(name ?? '') ?? '',
  );
  const value = sourceLabels.join(rule.get<string>('separator') ?? ';');
  const targetLabel = rule.get<string>('target_label') ?? '';
  const replacement = rule.get<string>('replacement') ?? '$1';
  switch (action) {
    case 'drop':
      return submatches(value) === undefined;
    case 'keep':
      return submatches(value) !== undefined;
    case 'dropequal':
      return (labels.get(targetLabel) ?? '') !== value;
    case 'keepequal':
      return (labels.get(targetLabel) ?? '') === value;
    case 'replace': {
      const matcher = matcherOf(regex);
      const groups = matcher.submatches(value);
      if (groups === undefined) return true;
      const target = expandTemplate(targetLabel, matcher, groups);
      if (!isValidLabelName(target)) return true;
      const result = expandTemplate(replacement, matcher, groups);
      if (result === '') labels.delete(target);
      else labels.set(target, result);
      return true;
    }
    case 'lowercase':
      labels.set(targetLabel, value.toLowerCase());
      return true;
    case 'uppercase':
      labels.set(targetLabel, value.toUpperCase());
      return true;
    case 'hashmod':
      labels.set(targetLabel, hashMod(value, rule.get<number>('modulus') ?? 1));
      return true;
    case 'labelmap': {
      const matcher = matcherOf(regex);
      const entries =
        options.sortedIteration === true ? [...labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : [...labels];
      for (const [name, labelValue] of entries) {
        const groups = matcher.submatches(name);
        if (groups !== undefined) labels.set(expandTemplate(replacement, matcher, groups), labelValue);
      }
      return true;
    }
    case 'labeldrop':
    case 'labelkeep':
      for (const name of [...labels.keys()]) {
        const matches = submatches(name) !== undefined;
        if (matches === (action === 'labeldrop')) labels.delete(name);
      }
      return true;
    default:
      return true;
  }
}

/** relabel.Process: false when a rule dropped the label set. Throws RelabelNotRun for a rule whose
 *  regex promgate does not run. */
export function processRelabelRules(
  labels: LabelSet,
  rules: DecodedStruct[],
  defaultRegex: RelabelRegexp,
  options: RelabelOptions = {},
): boolean {
  return rules.every((rule) => applyRule(labels, rule, defaultRegex, options));
}
