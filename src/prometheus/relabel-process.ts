// relabel.Process: applying relabel rules to a label set, as promtool does to static targets.
// Regexes are the compiled, anchored RE2 ones from regex.ts; `$1`/`${name}` expansion follows Go's
// regexp.Expand.
import { createHash } from 'node:crypto';
import type { DecodedStruct } from './schema/decoder.js';
import type { CompiledRegex } from './regex.js';
import { isValidLabelName } from './model/labels.js';

export type LabelSet = Map<string, string>;

/** The submatches of an anchored regex on `value`, or undefined when it does not match. */
function submatches(regex: CompiledRegex, value: string): string[] | undefined {
  const matcher = regex.compiled.matcher(value);
  if (!matcher.matches()) return undefined;
  const groups: string[] = [];
  for (let i = 0; i <= matcher.groupCount(); i++) groups.push(matcher.group(i) ?? '');
  return groups;
}

/** Go's regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`; unknown groups expand to "". */
export function expandTemplate(template: string, regex: CompiledRegex, groups: string[]): string {
  const names = regex.compiled.namedGroups() as Record<string, number>;
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
  defaultRegex: CompiledRegex,
  options: RelabelOptions,
): boolean {
  const action = rule.get<string>('action') ?? 'replace';
  const regex = rule.get<CompiledRegex>('regex') ?? defaultRegex;
  const sourceLabels = (rule.get<(string | undefined)[]>('source_labels') ?? []).map(
    (name) => labels.get(name ?? '') ?? '',
  );
  const value = sourceLabels.join(rule.get<string>('separator') ?? ';');
  const targetLabel = rule.get<string>('target_label') ?? '';
  const replacement = rule.get<string>('replacement') ?? '$1';
  switch (action) {
    case 'drop':
      return submatches(regex, value) === undefined;
    case 'keep':
      return submatches(regex, value) !== undefined;
    case 'dropequal':
      return (labels.get(targetLabel) ?? '') !== value;
    case 'keepequal':
      return (labels.get(targetLabel) ?? '') === value;
    case 'replace': {
      const groups = submatches(regex, value);
      if (groups === undefined) return true;
      const target = expandTemplate(targetLabel, regex, groups);
      if (!isValidLabelName(target)) return true;
      const result = expandTemplate(replacement, regex, groups);
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
      const entries =
        options.sortedIteration === true ? [...labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : [...labels];
      for (const [name, labelValue] of entries) {
        const groups = submatches(regex, name);
        if (groups !== undefined) labels.set(expandTemplate(replacement, regex, groups), labelValue);
      }
      return true;
    }
    case 'labeldrop':
    case 'labelkeep':
      for (const name of [...labels.keys()]) {
        const matches = submatches(regex, name) !== undefined;
        if (matches === (action === 'labeldrop')) labels.delete(name);
      }
      return true;
    default:
      return true;
  }
}

/** relabel.Process: false when a rule dropped the label set. */
export function processRelabelRules(
  labels: LabelSet,
  rules: DecodedStruct[],
  defaultRegex: CompiledRegex,
  options: RelabelOptions = {},
): boolean {
  return rules.every((rule) => applyRule(labels, rule, defaultRegex, options));
}
