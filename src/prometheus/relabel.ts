// model/relabel Config: relabel_configs, metric_relabel_configs, alert_relabel_configs,
// write_relabel_configs… Per-action rules follow relabel.Config.Validate of the judged release:
// 2.50 split the target_label rule (lowercase/uppercase/keepequal/dropequal no longer take `$1`);
// 3.0 checks label names as UTF-8, 3.2 also templated targets and labelmap replacements; from 3.7
// the rules are no longer checked while a rule is decoded but by its owner, with the owner's
// `metric_name_validation_scheme` (a scrape job's own or the global one; `validateRelabelRules`).
import type { DecodeContext, DecodedStruct, StructSpec } from './schema/decoder.js';
import { integer, list, parsedString, string } from './schema/types.js';
import type { NameValidationScheme } from './model/labels.js';
import { isValidLabelName, labelName, releaseNameScheme } from './model/labels.js';
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

/** `$1`, `${name}` and legacy label-name characters: what a templated target label may look like
 *  (relabelTarget; relabelTargetLegacy from 3.2). */
const RELABEL_TARGET = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;

/** 3.2 lets a templated target (and a labelmap replacement) be any UTF-8 name under UTF-8 rules. */
const UTF8_TEMPLATES_SINCE = '3.2';

/** From 3.7 the owner of a rule validates it, with its name validation scheme. */
export const RELABEL_VALIDATED_BY_OWNER_SINCE = '3.7';

function isValidTemplate(template: string, scheme: NameValidationScheme, ctx: DecodeContext): boolean {
  return scheme === 'utf8' && ctx.atLeast(UTF8_TEMPLATES_SINCE)
    ? isValidLabelName(template, scheme)
    : RELABEL_TARGET.test(template);
}

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
function firstViolation(
  value: DecodedStruct,
  scheme: NameValidationScheme,
  ctx: DecodeContext,
): [string, string | undefined] | undefined {
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
    const templated = targetLabel.includes('$');
    if (act === 'replace' && !templated && !isValidLabelName(targetLabel, scheme)) return invalidTarget();
    if (act === 'replace' && templated && !isValidTemplate(targetLabel, scheme, ctx)) return invalidTarget();
    if (caseOrEqual && !isValidLabelName(targetLabel, scheme)) return invalidTarget();
  } else if ((act === 'replace' || caseOrEqual) && !RELABEL_TARGET.test(targetLabel)) {
    return invalidTarget();
  }
  if (caseOrEqual && replacement !== DEFAULT_REPLACEMENT)
    return [`'replacement' can not be set for ${act} action`, 'replacement'];
  if (act === 'labelmap' && !isValidTemplate(replacement, scheme, ctx)) {
    return [`${goQuote(replacement)} is invalid 'replacement' for ${act} action`, 'replacement'];
  }
  if (act === 'hashmod' && !isValidLabelName(targetLabel, scheme)) return invalidTarget();
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

function validateRelabel(value: DecodedStruct, scheme: NameValidationScheme, ctx: DecodeContext): void {
  const violation = firstViolation(value, scheme, ctx);
  if (violation) value.error(ctx, violation[0], violation[1]);
}

/** relabel.Config.UnmarshalYAML validated the rule itself up to 3.6, with the release's scheme. */
function validateWhileDecoding(value: DecodedStruct, ctx: DecodeContext): void {
  if (!ctx.atLeast(RELABEL_VALIDATED_BY_OWNER_SINCE)) validateRelabel(value, releaseNameScheme(ctx), ctx);
}

/** From 3.7 the owner's Validate checks its rules with its scheme; rules that did not decode
 *  cleanly were reported already. */
export function validateRelabelRules(
  rules: (DecodedStruct | undefined)[] | undefined,
  scheme: NameValidationScheme,
  ctx: DecodeContext,
): void {
  if (!ctx.atLeast(RELABEL_VALIDATED_BY_OWNER_SINCE)) return;
  for (const rule of rules ?? []) if (rule?.decodedCleanly === true) validateRelabel(rule, scheme, ctx);
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
  validate: [emptyRegexForNull, validateWhileDecoding],
};
