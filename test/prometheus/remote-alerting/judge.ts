// Shared by the remote/alerting section tests: judge YAML at a Prometheus release and compare the
// messages (substrings, in document order) with the expected ones; no expected message = valid.
import type { Test } from 'tap';
import { checkPrometheusConfig } from '../../../src/prometheus/index.js';

export interface Case {
  name: string;
  yaml: string;
  /** Expected messages (substrings), one per error; empty = valid. */
  errors: string[];
  /** `major.minor`; 2.53 when absent. */
  version?: string;
}

export function judge(t: Test, cases: Case[]): void {
  for (const c of cases) {
    const version = c.version ?? '2.53';
    const { errors } = checkPrometheusConfig(c.yaml, { prometheusVersion: version });
    const messages = errors.map((error) => `${error.line}:${error.col} ${error.path}: ${error.message}`);
    if (c.errors.length === 0) {
      t.same(messages, [], `${c.name} @${version}: valid`);
      continue;
    }
    t.equal(errors.length, c.errors.length, `${c.name} @${version}: ${c.errors.length} error(s)`, { messages });
    c.errors.forEach((expected, index) =>
      t.ok((errors[index]?.message ?? '').includes(expected), `${c.name} @${version}: ${expected}`, { messages }),
    );
  }
}

/** Indent a block under a list item of `section`, e.g. `item('remote_write', 'url: x')`. */
export function item(section: string, body: string): string {
  const [first, ...rest] = body.split('\n');
  return `${section}:\n  - ${first}\n${rest.map((line) => `    ${line}`).join('\n')}\n`;
}
