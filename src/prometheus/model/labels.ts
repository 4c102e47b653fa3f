// Label names and values (prometheus/common model). A label name is checked by one of two schemes:
// legacy `[a-zA-Z_][a-zA-Z0-9_]*`, or UTF-8 (any non-empty valid UTF-8). Which one applies depends
// on the release and, from 3.7, on `metric_name_validation_scheme`. Values must be UTF-8.
import type { DecodeContext, FieldType } from '../schema/decoder.js';
import { parsedString, stringType } from '../schema/types.js';
import { goQuote, isValidUtf8 } from './go-string.js';

export type NameValidationScheme = 'legacy' | 'utf8';

/** promtool 3.x sets model.NameValidationScheme to UTF-8 at start; 2.x keeps the legacy default. */
export const UTF8_NAMES_SINCE = '3.0';

/** The scheme of model.LabelName (source_labels, target group labels, required_matchers) and, up to
 *  3.6, of every other label name check. */
export function releaseNameScheme(ctx: DecodeContext): NameValidationScheme {
  return ctx.atLeast(UTF8_NAMES_SINCE) ? 'utf8' : 'legacy';
}

/** A regex: V8 runs it about four times faster than a loop over character codes on names of
 *  typical length, and every label name of a config is checked. */
const LEGACY_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isValidLabelName(name: string, scheme: NameValidationScheme): boolean {
  return scheme === 'utf8' ? name !== '' && isValidUtf8(name) : LEGACY_LABEL_NAME.test(name);
}

export function isValidLabelValue(value: string): boolean {
  return isValidUtf8(value);
}

export function invalidLabelName(name: string): string {
  return `${goQuote(name)} is not a valid label name`;
}

export function invalidLabelValue(value: string): string {
  return `${goQuote(value)} is not a valid label value`;
}

/** model.LabelName: its UnmarshalYAML rejects invalid names. */
export const labelName: FieldType<string> = parsedString('model.LabelName', '', (text, ctx) =>
  isValidLabelName(text, releaseNameScheme(ctx)) ? text : { error: invalidLabelName(text) },
);

/** model.LabelValue: a plain string type (validity is checked where Prometheus checks it). */
export const labelValue: FieldType<string> = stringType('model.LabelValue');
