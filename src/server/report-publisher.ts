// The background audit's policy reports: written after each round when `reports.enabled`. A cluster
// without a report CRD, or credentials without the reports component's RBAC, is a normal state:
// it is logged once (again only when it changes) and counted in promgate_reports_unwritten_total,
// and admission and the rest of the audit carry on. Other failures are logged every round.
import type { Logger } from '../common/logger.js';
import type { AuditFinding } from '../kube/audit.js';
import { isStatus } from '../kube/errors.js';
import { writeReports, type ReportStore } from '../reports/cluster.js';
import type { Metrics } from './metrics.js';

export type UnwrittenReason = 'no-crd' | 'forbidden' | 'failed';

const HOW_TO_INSTALL = 'install manifests/components/reports (Helm: reports.enabled=true)';

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
          logger.info(
            { audit: true },
            `no policy report CRD (openreports.io/v1alpha1 or wgpolicyk8s.io/v1alpha2) is installed: audit findings are not written as reports; ${HOW_TO_INSTALL}`,
          );
        }
      } else if (firstRound || lastProblem) {
        // Once, and again after a problem: each round's counts are in the reports' own summaries.
        const { api, applied, deleted } = outcome;
        logger.info({ audit: true, api: `${api.group}/${api.version}`, applied, deleted }, 'policy reports written');
      }
    } catch (err) {
      problem = isStatus(err, 403) ? 'forbidden' : 'failed';
      if (problem === 'failed' || lastProblem !== problem) {
        const advice = problem === 'forbidden' ? `promgate may not write policy reports: ${HOW_TO_INSTALL}` : '';
        logger.warn({ audit: true, err }, `could not write policy reports${advice ? `; ${advice}` : ''}`);
      }
    }
    if (problem) metrics.reportsUnwritten.inc({ reason: problem });
    lastProblem = problem;
    firstRound = false;
  };
}
