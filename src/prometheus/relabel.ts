// model/relabel Config: relabel_configs, metric_relabel_configs, alert_relabel_configs,
// write_relabel_configs… Per-action rules follow relabel.Config.Validate of the judged release
// (2.50 split the target_label rule: lowercase/uppercase/keepequal/dropequal no longer take `$1`).
import type { DecodeContext, DecodedStruct, StructSpec } from './schema/decoder.js';
import { integer, list, parsedString, string } from './schema/types.js';
import { labelName, isValidLabelName } from './model/labels.js';
import { goQuote } from './model/go-string.js';
import { parseRelabelRegexp, regexp, type RelabelRegexp } from './regex.js';

export const RELABEL_ACTIONS = [
  'replace',
  'keep',
  'drop',
  'hashmod',
  'labelmap',
  'labeldrop',
  'labelkeep',
  'lowercase',
  'uppercase',
  'keepequal',
  'dropequal',
] as const;
export type RelabelAction = (typeof RELABEL_ACTIONS)[number];

/** relabel.Action: case-insensitive, stored lower-case. */
const action = parsedString<string>('relabel.Action', '', (text) => {
  const lower = text.toLowerCase();
  return (RELABEL_ACTIONS as readonly string[]).includes(lower)
    ? lower
    : { error: `unknown relabel action ${goQuote(text)}` };
});

/** `$1`, `${name}` and label-name characters: what a templated target label may look like. */
const RELABEL_TARGET = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;

const DEFAULT_SEPARATOR = ';';
const DEFAULT_REPLACEMENT = '$1';

const ACTIONS_NEEDING_TARGET: ReadonlySet<string> = new Set([
  'replace',
  'hashmod',
  'lowercase',
  'uppercase',
  'keepequal',
  'dropequal',
]);
const CASE_OR_EQUAL_ACTIONS: ReadonlySet<string> = new Set(['lowercase', 'uppercase', 'keepequal', 'dropequal']);

/** The first violated rule of relabel.Config.Validate, as [message, field at fault]. */
function firstViolation(value: DecodedStruct, ctx: DecodeContext): [string, string | undefined] | undefined {
  const act = value.get<string>('action') ?? '';
  const targetLabel = value.get<string>('target_label') ?? '';
  const replacement = value.get<string>('replacement') ?? '';
  const separator = value.get<string>('separator') ?? '';
  const modulus = value.get<number>('modulus') ?? 0;
  // Built only when reported: every rule of every job passes through here.
  const invalidTarget = (): [string, string] => [
    `${goQuote(targetLabel)} is invalid 'target_label' for ${act} action`,
    'target_label',
  ];
  const needsTarget = ACTIONS_NEEDING_TARGET.has(act);
  const caseOrEqual = CASE_OR_EQUAL_ACTIONS.has(act);

  if (act === '') return ['relabel action cannot be empty', 'action'];
  if (modulus === 0 && act === 'hashmod')
    return ['relabel configuration for hashmod requires non-zero modulus', 'modulus'];
  if (needsTarget && targetLabel === '')
    return [`relabel configuration for ${act} action requires 'target_label' value`, undefined];
  if (ctx.atLeast('2.50')) {
    if (act === 'replace' && !targetLabel.includes('$') && !isValidLabelName(targetLabel)) return invalidTarget();
    if (act === 'replace' && targetLabel.includes('$') && !RELABEL_TARGET.test(targetLabel)) return invalidTarget();
    if (caseOrEqual && !isValidLabelName(targetLabel)) return invalidTarget();
  } else if ((act === 'replace' || caseOrEqual) && !RELABEL_TARGET.test(targetLabel)) {
    return invalidTarget();
  }
  if (caseOrEqual && replacement !== DEFAULT_REPLACEMENT)
    return [`'replacement' can not be set for ${act} action`, 'replacement'];
  if (act === 'labelmap' && !RELABEL_TARGET.test(replacement)) {
    return [`${goQuote(replacement)} is invalid 'replacement' for ${act} action`, 'replacement'];
  }
  if (act === 'hashmod' && !isValidLabelName(targetLabel)) return invalidTarget();
  if (act === 'keepequal' || act === 'dropequal') {
    // Go compares the Regexp pointer with the default's: any `regex` key (even null) counts as set.
    if (
      value.isSet('regex') ||
      modulus !== 0 ||
      separator !== DEFAULT_SEPARATOR ||
      replacement !== DEFAULT_REPLACEMENT
    ) {
      return [`${act} action requires only 'source_labels' and \`target_label\`, and no other fields`, undefined];
    }
  }
  if (act === 'labeldrop' || act === 'labelkeep') {
    if (
      value.isSetNonNull('source_labels') ||
      targetLabel !== '' ||
      modulus !== 0 ||
      separator !== DEFAULT_SEPARATOR ||
      replacement !== DEFAULT_REPLACEMENT
    ) {
      return [`${act} action requires only 'regex', and no other fields`, undefined];
    }
  }
  return undefined;
}

/** relabel.Config.UnmarshalYAML: a `regex` written as null leaves Go's Regexp nil, which becomes
 *  the empty regex (matching only ""), not the default `(.*)`. */
function emptyRegexForNull(value: DecodedStruct, ctx: DecodeContext): void {
  if (value.isSet('regex') && value.get('regex') === undefined)
    value.set('regex', parseRelabelRegexp('', ctx) as RelabelRegexp);
}

function validateRelabel(value: DecodedStruct, ctx: DecodeContext): void {
  const violation = firstViolation(value, ctx);
  if (violation) value.error(ctx, violation[0], violation[1]);
}

export const relabelConfigSpec: StructSpec = {
  goType: 'relabel.plain',
  fields: {
    source_labels: { type: { ...list(labelName), goName: 'model.LabelNames' } },
    separator: { type: string, default: DEFAULT_SEPARATOR },
    regex: { type: regexp },
    modulus: { type: integer('uint64') },
    target_label: { type: string },
    replacement: { type: string, default: DEFAULT_REPLACEMENT },
    action: { type: action, default: 'replace' },
  },
  validate: [emptyRegexForNull, validateRelabel],
};
