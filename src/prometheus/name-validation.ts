// `metric_name_validation_scheme` (2.55) and `metric_name_escaping_scheme` (3.4), global and per
// scrape job: how each release decodes them and judges them in ScrapeConfig.Validate. The values
// are checked once per scrape job, so a config without jobs passes with any of them (before 3.6,
// which refuses an unknown validation scheme while decoding).
//
// - 2.55: only the global validation scheme is judged; `utf8` needs a feature flag promtool lacks.
// - 3.0–3.3: UTF-8 is the default; the global scheme must be empty, `legacy` or `utf8`.
// - 3.4–3.5: both schemes, global and per job; an empty escaping scheme follows the global
//   validation scheme (`underscores` for legacy, `allow-utf-8` otherwise), and `allow-utf-8` needs
//   UTF-8 validation. Two messages print the validation scheme where they mean the escaping one.
// - 3.6: the validation scheme is a model.ValidationScheme, refused while decoding when unknown; the
//   messages print the escaping scheme.
// - 3.7: a job that sets only its validation scheme derives its escaping scheme from it.
import type { DecodeContext, DecodedStruct, FieldType } from './schema/decoder.js';
import { scalarText } from './schema/types.js';
import { goQuote } from './model/go-string.js';
import type { NameValidationScheme } from './model/labels.js';

export const VALIDATION_SCHEME_SINCE = '2.55';
export const ESCAPING_SCHEME_SINCE = '3.4';
const VALIDATION_SCHEME_TYPE_SINCE = '3.6';
const ESCAPING_FROM_LOCAL_SCHEME_SINCE = '3.7';

const VALIDATION_SCHEMES = ['legacy', 'utf8'];
const ESCAPING_SCHEMES = ['allow-utf-8', 'underscores', 'dots', 'values'];

/** `metric_name_validation_scheme`: a string up to 3.5, model.ValidationScheme (whose UnmarshalYAML
 *  takes "", legacy or utf8) from 3.6. */
export const validationScheme: FieldType<string> = {
  goName: 'string',
  zero: '',
  decode(node, path, ctx) {
    const text = scalarText(node, path, ctx);
    if (text === undefined) return undefined;
    if (ctx.atLeast(VALIDATION_SCHEME_TYPE_SINCE) && text !== '' && !VALIDATION_SCHEMES.includes(text)) {
      ctx.error(node, path, `unrecognized ValidationScheme: ${goQuote(text)}`);
      return undefined;
    }
    return text;
  },
};

/** The two settings as written ("" when absent). */
export interface NameSchemes {
  validation: string;
  escaping: string;
}

/** The two settings of the global section or of a scrape job. */
export function nameSchemesOf(section: DecodedStruct | undefined): NameSchemes {
  return {
    validation: section?.get<string>('metric_name_validation_scheme') ?? '',
    escaping: section?.get<string>('metric_name_escaping_scheme') ?? '',
  };
}

/** The scheme label names are checked with where only the global setting applies (external labels
 *  and the rules of alerting and remote write, from 3.7): legacy only when asked for. */
export function globalNameScheme(global: NameSchemes): NameValidationScheme {
  return global.validation === 'legacy' ? 'legacy' : 'utf8';
}

/** A scrape job's scheme: its own when set, else the global one. */
export function scrapeNameScheme(local: NameSchemes, global: NameSchemes): NameValidationScheme {
  return local.validation === 'legacy' || (local.validation === '' && global.validation === 'legacy')
    ? 'legacy'
    : 'utf8';
}

function unknownEscaping(which: 'global' | 'scrape config', got: string): string {
  const choices = ESCAPING_SCHEMES.map((scheme) => `'${scheme}'`);
  return `unknown ${which} name escaping method specified, must be one of ${choices.slice(0, -1).join(', ')}, or ${choices.at(-1)}, got ${got}`;
}

/** The first problem ScrapeConfig.Validate of the judged release finds in the two settings. */
export function nameSchemesProblem(local: NameSchemes, global: NameSchemes, ctx: DecodeContext): string | undefined {
  if (!ctx.atLeast(VALIDATION_SCHEME_SINCE)) return undefined;
  if (!ctx.atLeast('3.0')) {
    if (global.validation === 'utf8')
      return 'utf8 name validation requested but feature not enabled via --enable-feature=utf8-names';
    if (global.validation !== '' && global.validation !== 'legacy')
      return `unknown name validation method specified, must be either 'legacy' or 'utf8', got ${global.validation}`;
    return undefined;
  }
  if (!ctx.atLeast(ESCAPING_SCHEME_SINCE)) {
    if (global.validation !== '' && !VALIDATION_SCHEMES.includes(global.validation))
      return `unknown name validation method specified, must be either 'legacy' or 'utf8', got ${global.validation}`;
    return undefined;
  }
  // From 3.6 an unknown validation scheme never gets this far (see validationScheme).
  if (global.validation !== '' && !VALIDATION_SCHEMES.includes(global.validation))
    return `unknown global name validation method specified, must be either 'legacy' or 'utf8', got ${global.validation}`;
  const globalValidation = global.validation === '' ? 'utf8' : global.validation;
  const localUnset = local.validation === '';
  if (!localUnset && !VALIDATION_SCHEMES.includes(local.validation))
    return `unknown scrape config name validation method specified, must be either 'legacy' or 'utf8', got ${local.validation}`;
  const localValidation = localUnset ? globalValidation : local.validation;
  const printsEscaping = ctx.atLeast(VALIDATION_SCHEME_TYPE_SINCE);

  let globalEscaping = global.escaping;
  if (globalEscaping === '') globalEscaping = globalValidation === 'legacy' ? 'underscores' : 'allow-utf-8';
  else if (!ESCAPING_SCHEMES.includes(globalEscaping))
    return unknownEscaping('global', printsEscaping ? goQuote(globalEscaping) : globalValidation);

  let localEscaping = local.escaping;
  if (localEscaping === '') {
    localEscaping =
      localUnset || !ctx.atLeast(ESCAPING_FROM_LOCAL_SCHEME_SINCE)
        ? globalEscaping
        : localValidation === 'legacy'
          ? 'underscores'
          : 'allow-utf-8';
  }
  if (localEscaping === 'allow-utf-8') {
    if (localValidation !== 'utf8') return 'utf8 metric names requested but validation scheme is not set to UTF8';
  } else if (!ESCAPING_SCHEMES.includes(localEscaping)) {
    return unknownEscaping('scrape config', printsEscaping ? goQuote(localEscaping) : localValidation);
  }
  return undefined;
}
