// The background audit's policy reports: written after each round when `reports.enabled`. A cluster
// without a report CRD, or credentials without the reports component's RBAC, is a normal state:
// it is logged once (again only when it changes) and counted in promgate_reports_unwritten_total,
// and admission and the rest of the audit carry on. Other failures are logged every round.
import type { Logger } from '../common/logger.js';
import type { AuditFinding } from '../kube/audit.js';
import { isStatus } from '../kube/errors.js';
import { writeReports, type ReportStore } from '../reports/cluster.js';
import { REPORT_APIS } from '../reports/objects.js';
import type { Metrics } from './metrics.js';

export type UnwrittenReason = 'no-crd' | 'forbidden' | 'failed';

const HOW_TO_INSTALL = 'install manifests/components/reports (Helm: reports.enabled=true)';
const REPORT_API_NAMES = REPORT_APIS.map((api) => `${api.group}/${api.version}`);
export const NO_CRD_MESSAGE = 'policy reports not written: no report CRD is installed';
export const WRITTEN_MESSAGE = 'policy reports written';

export interface ReportPublisherOptions {
  store: ReportStore;
  metrics: Metrics;
  logger: Logger;
}

/** Returns what the audit calls with each round's findings; it never rejects. */
export function createReportPublisher({
  store,
  metrics,
  logger,
}: ReportPublisherOptions): (findings: readonly AuditFinding[]) => Promise<void> {
  let lastProblem: UnwrittenReason | undefined;
  let firstRound = true;
  return async (findings) => {
    let problem: UnwrittenReason | undefined;
    try {
      const outcome = await writeReports(store, findings);
      if (!outcome.written) {
        problem = 'no-crd';
        if (lastProblem !== problem) {
          logger.info({ audit: true, apis: REPORT_API_NAMES, hint: HOW_TO_INSTALL }, NO_CRD_MESSAGE);
        }
      } else if (firstRound || lastProblem) {
        // Once, and again after a problem: each round's counts are in the reports' own summaries.
        const { api, applied, deleted } = outcome;
        logger.info({ audit: true, api: `${api.group}/${api.version}`, applied, deleted }, WRITTEN_MESSAGE);
      }
    } catch (err) {
      problem = isStatus(err, 403) ? 'forbidden' : 'failed';
      if (problem === 'failed' || lastProblem !== problem) {
        logger.warn(
          { audit: true, err, ...(problem === 'forbidden' ? { hint: HOW_TO_INSTALL } : {}) },
          `policy reports not written: ${problem === 'forbidden' ? 'promgate may not write them' : 'the API call failed'}`,
        );
      }
    }
    if (problem) metrics.reportsUnwritten.inc({ reason: problem });
    lastProblem = problem;
    firstRound = false;
  };
}
