// The audit that `serve` runs every --audit-interval: the same checks as `promgate audit`,
// exported as the promgate_audit_violations gauge and logged, so that what slipped past
// admission (a fail-open, objects older than promgate, a policy in audit mode) is seen.
import type { KubeConfig } from '@kubernetes/client-node';
import { repeatEvery } from '../common/periodic.js';
import type { PromgateConfig } from '../config/schema.js';
import { ClusterAuditSource } from '../kube/audit-source.js';
import { runAudit, type AuditReport } from '../kube/audit.js';
import { decide } from '../policies/engine.js';
import { namespacedName } from '../policies/policy.js';
import { registeredPolicies } from '../policies/registry.js';
import type { Metrics } from './metrics.js';
import type { Logger } from './policy-decider.js';

export interface BackgroundAuditOptions {
  kubeConfig: KubeConfig;
  config: PromgateConfig;
  metrics: Metrics;
  logger: Logger;
  intervalMs: number;
}

function publish(report: AuditReport, metrics: Metrics, logger: Logger): void {
  for (const [policy, totals] of Object.entries(report.byPolicy)) {
    metrics.auditViolations.set({ policy }, totals.violations);
  }
  for (const finding of report.findings) {
    if (finding.violations.length === 0 || finding.skipped) continue;
    logger.warn(
      {
        audit: true,
        policy: finding.policy,
        mode: finding.mode,
        object: `${finding.kind} ${namespacedName(finding.namespace, finding.name)}`,
        violations: finding.violations,
      },
      'audit found a violation',
    );
  }
  logger.info({ audit: true, objectsScanned: report.objectsScanned, totals: report.totals }, 'audit finished');
}

/** Runs an audit now and then every `intervalMs`; returns a function that stops the loop. */
export function startBackgroundAudit(options: BackgroundAuditOptions): () => Promise<void> {
  const { metrics, logger } = options;
  const policyNames = registeredPolicies().map(({ policy }) => policy.name);
  return repeatEvery(
    () =>
      runAudit(ClusterAuditSource.forConfig(options.kubeConfig, options.config), options.config, decide, {
        policyNames,
      })
        .then((report) => publish(report, metrics, logger))
        .catch((err: unknown) => logger.warn({ audit: true, err }, 'audit failed; the gauge keeps its last values')),
    { intervalMs: options.intervalMs, immediately: true },
  );
}
