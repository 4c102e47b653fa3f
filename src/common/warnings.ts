// How long an admission warning may be. The limit is kubectl's (it prints each warning on one line
// and the API server truncates long ones); the protocol layer (src/admission/review.ts) applies it
// to every warning it sends. `promgate check` and `audit` print warnings as the engine returns them,
// not shortened: some carry what their reader must act on past 120 characters (a Prometheus config
// warning names the header files Prometheus will read; a warn-mode violation is a full error).
// The dcgm-exporter-placement policy writes its own warnings to fit, so they read the same everywhere.

export const MAX_WARNING_CHARS = 120;

/** One line, at most MAX_WARNING_CHARS characters, an ellipsis where it was cut. */
export function shortenWarning(warning: string): string {
  const oneLine = warning.replace(/\s+/g, ' ').trim();
  return oneLine.length <= MAX_WARNING_CHARS ? oneLine : `${oneLine.slice(0, MAX_WARNING_CHARS - 1)}…`;
}
