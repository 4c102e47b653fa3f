// Label names and values (prometheus/common model): names are legacy-validated
// `[a-zA-Z_][a-zA-Z0-9_]*` in the 2.x releases promgate supports; values must be UTF-8.
import type { FieldType } from '../schema/decoder.js';
import { parsedString, stringType } from '../schema/types.js';
import { goQuote, isValidUtf8 } from './go-string.js';

/** A regex: V8 runs it about four times faster than a loop over character codes on names of
 *  typical length, and every label name of a config is checked. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isValidLabelName(name: string): boolean {
  return LABEL_NAME.test(name);
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
export const labelName: FieldType<string> = parsedString('model.LabelName', '', (text) =>
  isValidLabelName(text) ? text : { error: invalidLabelName(text) },
);

/** model.LabelValue: a plain string type (validity is checked where Prometheus checks it). */
export const labelValue: FieldType<string> = stringType('model.LabelValue');
