// Shared runner for the per-mechanism service-discovery tests: each case is the body of one
// `<mechanism>_sd_configs` item, judged inside a scrape job at a Prometheus version.
import type { Test } from 'tap';
import { checkPrometheusConfig } from '../../../src/prometheus/index.js';

export interface SdCase {
  name: string;
  /** YAML of the SD item's fields, as written after `- ` (later lines unindented). */
  sd: string;
  /** Expected messages, in order (substrings); empty = valid. */
  errors: string[];
  version?: string;
  /** Where the first error must point: line, column (1-based) and path. */
  at?: { line: number; col: number; path: string };
}

/** The config a case stands for: the SD item's first field is on line 4, column 9. */
export function sdConfig(mechanism: string, sd: string): string {
  const body = sd.replace(/\n/g, '\n        ');
  return `scrape_configs:\n  - job_name: j\n    ${mechanism}_sd_configs:\n      - ${body}\n`;
}

export function judgeSd(t: Test, mechanism: string, cases: SdCase[]): void {
  for (const c of cases) {
    const version = c.version ?? '2.53';
    const label = `${mechanism}: ${c.name} (${version})`;
    const { errors } = checkPrometheusConfig(sdConfig(mechanism, c.sd), { prometheusVersion: version });
    const messages = errors.map((error) => `${error.line}:${error.col}: ${error.path}: ${error.message}`);
    if (c.errors.length === 0) {
      t.same(messages, [], `${label}: valid`);
      continue;
    }
    t.equal(errors.length, c.errors.length, `${label}: ${c.errors.length} error(s)`, { messages });
    c.errors.forEach((expected, index) =>
      t.match(errors[index]?.message ?? '', expected, `${label}: ${expected}`, { messages }),
    );
    if (c.at) {
      const first = errors[0];
      t.same(first && { line: first.line, col: first.col, path: first.path }, c.at, `${label}: position`);
    }
  }
}
