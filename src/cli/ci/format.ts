// The CI formats by their -o names.
import { formatGithub } from './github.js';
import { formatJunit } from './junit.js';
import type { CiReport, RuleDescription } from './report.js';
import { formatSarif } from './sarif.js';

export type CiFormat = 'sarif' | 'junit' | 'github';

export function isCiFormat(format: string): format is CiFormat {
  return format === 'sarif' || format === 'junit' || format === 'github';
}

/** The report in `format`; SARIF also names the rules and promgate's release. */
export function formatCiReport(format: CiFormat, report: CiReport, rules: RuleDescription[], version: string): string {
  if (format === 'sarif') return formatSarif(report, rules, version);
  return format === 'junit' ? formatJunit(report) : formatGithub(report);
}
