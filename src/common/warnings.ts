// How promgate's admission warnings read. kubectl prints each on one line and the API server
// truncates long ones, so each is cut at MAX_WARNING_CHARS by the protocol layer
// (src/admission/review.ts). Every warning opens with `promgate: POLICY: ` (who speaks, and for
// which policy), then the object's own words: the field or position and the offending value
// (`data.promYaml:12:7 regex: … (?=`), explanation last, so the cut only ever drops explanation.
// `promgate check` and `audit` print warnings whole: some carry what their reader must act on past
// 120 characters (a Prometheus config warning names the header files Prometheus will read).

export const MAX_WARNING_CHARS = 120;

/** One line, at most MAX_WARNING_CHARS characters, an ellipsis where it was cut. */
export function shortenWarning(warning: string): string {
  const oneLine = warning.replace(/\s+/g, ' ').trim();
  return oneLine.length <= MAX_WARNING_CHARS ? oneLine : `${oneLine.slice(0, MAX_WARNING_CHARS - 1)}…`;
}

/** A warning of `policy` as the engine returns it; `text` leads with the object's own words. */
export function policyWarning(policy: string, text: string): string {
  return `promgate: ${policy}: ${text}`;
}
