// What CI formats report, gathered from check's and check-config's results: one case per object
// and policy (per file for check-config), each with its findings and where they are in the file.
import type { FilePosition } from '../file-positions.js';

export type FindingLevel = 'error' | 'warning' | 'note';

export interface CiFinding {
  level: FindingLevel;
  /** The policy (`prometheus-config`, `dcgm-exporter-placement`): SARIF's rule id. */
  rule: string;
  message: string;
  /** Where in the file: exact, or only a line with why (`position.note`). */
  position?: FilePosition;
}

export interface CiCase {
  /** The file as named on the command line; `-` is standard input. */
  file: string;
  /** What was judged: `ConfigMap arms-prom/arms-prom-prometheus-yaml (document 1)`, or the file. */
  subject: string;
  /** The policy, or what judged the file. */
  name: string;
  /** Where the subject starts in the file. */
  position?: FilePosition;
  outcome: 'passed' | 'failed' | 'skipped';
  /** Why nothing was judged (`skipped`). */
  skipReason?: string;
  findings: CiFinding[];
}

export interface CiReport {
  /** `promgate check` or `promgate check-config`. */
  command: string;
  cases: CiCase[];
  /** The type of a failure: what a failed case is (`denied` objects, `invalid` files). */
  failureType: string;
  /** The closing line of the text output, for formats that print one. */
  summary: string;
}

/** The rules the report's findings belong to, first seen first, each with what it judges. */
export interface RuleDescription {
  id: string;
  description: string;
}
