// Go's time.Duration text (`10s`, `1m30s`, `1.5h`, `500ms`, `0`): what the API server writes in a
// webhook's `?timeout=` and what Go tools' duration flags accept. Prometheus durations are a
// different grammar (`1d`, `1w`, no fractions) and live in src/prometheus/model/duration.ts.

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const COMPONENT = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** Milliseconds, or undefined when `text` is not a non-negative Go duration. */
export function parseGoDurationMs(text: string): number | undefined {
  if (text === '0') return 0;
  if (text === '') return undefined;
  let totalMs = 0;
  for (let offset = 0; offset < text.length; offset = COMPONENT.lastIndex) {
    COMPONENT.lastIndex = offset;
    const match = COMPONENT.exec(text);
    if (!match) return undefined;
    totalMs += Number(match[1]) * (UNIT_MS[match[2] as string] ?? Number.NaN);
  }
  return totalMs;
}
