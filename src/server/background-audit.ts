// The audit that `serve` runs every --audit-interval: the same checks as `promgate audit`,
// exported as the promgate_audit_violations gauge and logged, so that what slipped past
// admission (a fail-open, objects older than promgate, a policy in audit mode) is seen.
import type { KubeConfig } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { unlessAborted } from '../common/abort.js';
import { repeatEvery } from '../common/periodic.js';
import type { PromgateConfig } from '../config/schema.js';
import { ClusterAuditSource } from '../kube/audit-source.js';
import { runAudit, type AuditFinding, type AuditReport, type DecideFunction } from '../kube/audit.js';
import type { Decision } from '../policies/engine.js';
import { namespacedName } from '../policies/policy.js';
import { registeredPolicies } from '../policies/registry.js';
import { asError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { EventSink } from '../kube/events.js';
import { failedDecision, type Judge } from './judge.js';
import type { Metrics } from './metrics.js';
import { checkRegistrations } from './registration-check.js';
import { PoolRejection } from './worker-pool.js';

export interface BackgroundAuditOptions {
  kubeConfig: KubeConfig;
  config: PromgateConfig;
  metrics: Metrics;
  logger: Logger;
  intervalMs: number;
  /** The webhooks' judge, so that large objects are audited in the worker pool too. */
  judge: Judge;
  /** Where each violating object's Event goes, when Events are on. */
  events?: EventSink;
  /** Keeps each round's findings as policy reports, when reports are on (never rejects). */
  reports?: (findings: readonly AuditFinding[]) => Promise<void>;
}

/** An audited object has no API server waiting on it; this only bounds a worker stuck on one. */
export const AUDIT_OBJECT_DEADLINE_MS = 30_000;
/** While admission keeps the pool full, the audit waits its turn (it has no deadline of its own)… */
export const AUDIT_BUSY_RETRY_MS = 500;
/** …but not forever: then this round fails and the gauge keeps its last values. */
export const AUDIT_BUSY_ATTEMPTS = 20;

export interface AuditDecideOptions {
  /** Ends a wait for the pool, or a judgement in progress, when `serve` shuts down. */
  signal?: AbortSignal;
  retryMs?: number;
}

/**
 * The audit's way of judging: through the webhooks' judge, yielding to admission when the pool is
 * full. An object the pool cannot judge at all is reported as the policy's internal error, as
 * admission would answer it.
 */
export function auditDecide(
  judge: Judge,
  { signal, retryMs = AUDIT_BUSY_RETRY_MS }: AuditDecideOptions = {},
): (...args: Parameters<DecideFunction>) => Promise<Decision> {
  return async (object, config, context, stage) => {
    for (let attempt = 1; ; attempt++) {
      try {
        const judging = Promise.resolve(judge(object, context, stage, Date.now() + AUDIT_OBJECT_DEADLINE_MS));
        return await unlessAborted(judging, signal);
      } catch (err) {
        if (signal?.aborted) throw err;
        const busy = err instanceof PoolRejection && err.reason === 'overloaded';
        if (busy && attempt < AUDIT_BUSY_ATTEMPTS) {
          await sleep(retryMs, undefined, signal ? { signal } : {});
          continue;
        }
        if (busy || (err instanceof PoolRejection && err.reason === 'closed')) throw err;
        return failedDecision(object, config, context, stage, asError(err));
      }
    }
  };
}

function publish(report: AuditReport, metrics: Metrics, logger: Logger, events?: EventSink): void {
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
        ...(finding.notAdmitted ? { notAdmitted: finding.notAdmitted } : {}),
      },
      'audit found a violation',
    );
    events?.emit({
      regarding: {
        apiVersion: finding.apiVersion,
        kind: finding.kind,
        ...(finding.namespace ? { namespace: finding.namespace } : {}),
        name: finding.name,
      },
      action: 'Audit',
      note: finding.violations.map((violation) => `${finding.policy}: ${violation.message}`).join('\n'),
    });
  }
  logger.info({ audit: true, objectsScanned: report.objectsScanned, totals: report.totals }, 'audit finished');
}

/** Runs an audit now and then every `intervalMs`; returns a function that stops the loop. */
export function startBackgroundAudit(options: BackgroundAuditOptions): () => Promise<void> {
  const { metrics, logger } = options;
  const policyNames = registeredPolicies().map(({ policy }) => policy.name);
  return repeatEvery(
    (signal) =>
      // A list call the API server never answers must not hold shutdown: the round ends on abort.
      unlessAborted(checkRegistrations(options), signal)
        .then(() =>
          unlessAborted(
            runAudit(
              ClusterAuditSource.forConfig(options.kubeConfig, options.config),
              options.config,
              auditDecide(options.judge, { signal }),
              { policyNames, signal },
            ),
            signal,
          ),
        )
        .then(async (report) => {
          publish(report, metrics, logger, options.events);
          if (options.reports) await unlessAborted(options.reports(report.findings), signal);
        })
        .catch((err: unknown) => {
          // Cut short by shutdown: nothing failed, and a partial round publishes nothing.
          if (signal.aborted) return;
          logger.warn({ audit: true, err }, 'audit failed; the gauge keeps its last values');
        }),
    { intervalMs: options.intervalMs, immediately: true },
  );
}
