// config.OTLPConfig (`otlp`, 2.55): how the OTLP receiver turns resource attributes into labels and
// OTel names into Prometheus names. OTLPConfig.UnmarshalYAML checks the attribute lists (2.55:
// promoted ones; 3.5: promote-all with an ignore list); config.Load checks the translation strategy
// (3.0) against the global metric name validation scheme.
import type { ConfigSection, DecodeContext, DecodedStruct, StructSpec } from './schema/decoder.js';
import { struct } from './schema/decoder.js';
import { bool, list, renamedStringType, string } from './schema/types.js';
import { goQuote } from './model/go-string.js';

export const OTLP_SINCE = '2.55';
const PROMOTE_ALL_SINCE = '3.5';

/** Each translation strategy and the release that added it. */
const TRANSLATION_STRATEGIES: ReadonlyArray<[string, string, { needsUtf8: boolean }]> = [
  ['UnderscoreEscapingWithSuffixes', '3.0', { needsUtf8: false }],
  ['NoUTF8EscapingWithSuffixes', '3.0', { needsUtf8: true }],
  ['NoTranslation', '3.4', { needsUtf8: true }],
  ['UnderscoreEscapingWithoutSuffixes', '3.6', { needsUtf8: false }],
];

const translationStrategy = renamedStringType([
  ['3.0', 'config.translationStrategyOption'],
  ['3.7', 'otlptranslator.TranslationStrategyOption'],
]);

/** sanitizeAttributes: every attribute non-blank and listed once (after trimming); Go joins all
 *  problems into one error, each is reported here at its item. */
function validateAttributes(
  otlp: DecodedStruct,
  ctx: DecodeContext,
  field: string,
  adjective: 'promoted' | 'ignored',
  prefix: string,
): void {
  const node = otlp.nodeOf(field);
  const seen = new Set<string>();
  (otlp.get<(string | undefined)[]>(field) ?? []).forEach((attribute, index) => {
    const trimmed = (attribute ?? '').trim();
    const at = node.kind === 'seq' ? (node.items[index] ?? node) : node;
    const path = `${otlp.pathOf(field)}[${index}]`;
    if (trimmed === '') ctx.error(at, path, `${prefix}empty ${adjective} OTel resource attribute`);
    else if (seen.has(trimmed))
      ctx.error(at, path, `${prefix}duplicated ${adjective} OTel resource attribute ${goQuote(trimmed)}`);
    seen.add(trimmed);
  });
}

function validateOtlp(otlp: DecodedStruct, ctx: DecodeContext): void {
  if (!ctx.atLeast(PROMOTE_ALL_SINCE)) {
    validateAttributes(otlp, ctx, 'promote_resource_attributes', 'promoted', '');
    return;
  }
  const promoted = otlp.get<unknown[]>('promote_resource_attributes') ?? [];
  const ignored = otlp.get<unknown[]>('ignore_resource_attributes') ?? [];
  if (otlp.get<boolean>('promote_all_resource_attributes') === true) {
    if (promoted.length > 0) {
      otlp.error(
        ctx,
        "'promote_all_resource_attributes' and 'promote_resource_attributes' cannot be configured simultaneously",
        'promote_resource_attributes',
      );
      return;
    }
    validateAttributes(otlp, ctx, 'ignore_resource_attributes', 'ignored', "invalid 'ignore_resource_attributes': ");
  } else if (ignored.length > 0) {
    otlp.error(
      ctx,
      "'ignore_resource_attributes' cannot be configured unless 'promote_all_resource_attributes' is true",
      'ignore_resource_attributes',
    );
  } else {
    validateAttributes(otlp, ctx, 'promote_resource_attributes', 'promoted', "invalid 'promote_resource_attributes': ");
  }
}

export const otlpConfigSpec: StructSpec = {
  goType: 'config.plain',
  fields: {
    promote_resource_attributes: { type: list(string) },
    translation_strategy: { type: translationStrategy, since: '3.0' },
    keep_identifying_resource_attributes: { type: bool, since: '3.1' },
    convert_histograms_to_nhcb: { type: bool, since: '3.4' },
    promote_all_resource_attributes: { type: bool, since: PROMOTE_ALL_SINCE },
    ignore_resource_attributes: { type: list(string), since: PROMOTE_ALL_SINCE },
    promote_scope_metadata: { type: bool, since: '3.6' },
    label_name_underscore_sanitization: { type: bool, since: '3.8' },
    label_name_preserve_multiple_underscores: { type: bool, since: '3.8' },
  },
  validate: [validateOtlp],
};

/** config.Load's check of the translation strategy: known to the release, and the ones that keep
 *  UTF-8 names only when the global validation scheme is not legacy. */
function validateTranslationStrategy(config: DecodedStruct, ctx: DecodeContext): void {
  const otlp = config.get<DecodedStruct>('otlp');
  const strategy = otlp?.get<string>('translation_strategy') ?? '';
  if (otlp === undefined || strategy === '') return;
  const known = TRANSLATION_STRATEGIES.find(([name, since]) => name === strategy && ctx.atLeast(since));
  if (known === undefined) {
    otlp.error(ctx, `unsupported OTLP translation strategy ${goQuote(strategy)}`, 'translation_strategy');
    return;
  }
  const legacy = config.get<DecodedStruct>('global')?.get<string>('metric_name_validation_scheme') === 'legacy';
  if (known[2].needsUtf8 && legacy) {
    const named = ctx.atLeast('3.4') ? goQuote(strategy) : strategy;
    otlp.error(ctx, `OTLP translation strategy ${named} is not allowed when UTF8 is disabled`, 'translation_strategy');
  }
}

export const otlpSection: ConfigSection = {
  fields: { otlp: { type: struct(otlpConfigSpec), since: OTLP_SINCE } },
  validate: [validateTranslationStrategy],
};
