// How long an admission warning may be. The limit is kubectl's (it prints each warning on one line
// and the API server truncates long ones), but policies need it too: their warnings also reach
// `promgate check` and `audit`, which should read the same as what kubectl shows.

export const MAX_WARNING_CHARS = 120;

/** One line, at most MAX_WARNING_CHARS characters, an ellipsis where it was cut. */
export function shortenWarning(warning: string): string {
  const oneLine = warning.replace(/\s+/g, ' ').trim();
  return oneLine.length <= MAX_WARNING_CHARS ? oneLine : `${oneLine.slice(0, MAX_WARNING_CHARS - 1)}…`;
}
