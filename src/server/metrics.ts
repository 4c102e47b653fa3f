// promgate's own metrics, one registry per server so tests and several servers never share state.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  admissionRequests: Counter<'webhook' | 'kind' | 'operation' | 'decision'>;
  admissionDuration: Histogram<'webhook' | 'kind'>;
  policyViolations: Counter<'policy' | 'mode'>;
  policyErrors: Counter<'policy'>;
  optOuts: Counter<'policy' | 'result'>;
  malformedRequests: Counter<'webhook' | 'reason'>;
  clientErrors: Counter<'reason'>;
  auditViolations: Gauge<'policy'>;
  eventsDropped: Counter<'reason'>;
  reportsUnwritten: Counter<'reason'>;
  registrationMismatches: Gauge;
  certificateExpiry: Gauge<'certificate'>;
  /** Reports the worker pool's queue and running tasks as `promgate_worker_pool_tasks{state}`. */
  observePool(load: () => { queued: number; running: number }): void;
  /** The `kind` label for an object kind: itself, or `other` past the bound (see MAX_KIND_LABELS). */
  kindLabel(kind: string): string;
}

/**
 * Distinct `kind` label values kept; later ones are counted as `other`. The kind comes from the
 * request, so a client that can reach the webhook could otherwise add series at will, while the
 * API server sends the handful of kinds the webhook configurations select.
 */
export const MAX_KIND_LABELS = 32;
const KUBERNETES_KIND = /^[A-Z][A-Za-z0-9]{0,62}$/;

function boundedKindLabel(): (kind: string) => string {
  const seen = new Set<string>();
  return (kind) => {
    if (seen.has(kind)) return kind;
    if (seen.size >= MAX_KIND_LABELS || !KUBERNETES_KIND.test(kind)) return 'other';
    seen.add(kind);
    return kind;
  };
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'promgate_' });
  return {
    registry,
    admissionRequests: new Counter({
      name: 'promgate_admission_requests_total',
      help: 'AdmissionReviews answered, by webhook, object kind, operation and decision (allowed, patched, warned, denied).',
      labelNames: ['webhook', 'kind', 'operation', 'decision'],
      registers: [registry],
    }),
    admissionDuration: new Histogram({
      name: 'promgate_admission_duration_seconds',
      help: 'Time from receiving an AdmissionReview to answering it.',
      labelNames: ['webhook', 'kind'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    policyViolations: new Counter({
      name: 'promgate_policy_violations_total',
      help: 'Objects found violating a policy at admission, by policy and enforcement mode.',
      labelNames: ['policy', 'mode'],
      registers: [registry],
    }),
    policyErrors: new Counter({
      name: 'promgate_policy_errors_total',
      help: 'Objects a policy could not judge, by an internal error or because the worker pool refused them in time (answered by the policy failure mode).',
      labelNames: ['policy'],
      registers: [registry],
    }),
    optOuts: new Counter({
      name: 'promgate_opt_outs_total',
      help: 'Objects carrying the skip annotation at /validate, by policy and result: honoured (not enforced), refused (added by someone optOut does not name), ignored (opt-out switched off).',
      labelNames: ['policy', 'result'],
      registers: [registry],
    }),
    malformedRequests: new Counter({
      name: 'promgate_malformed_requests_total',
      help: 'Requests answered with an HTTP error instead of an AdmissionReview, by reason.',
      labelNames: ['webhook', 'reason'],
      registers: [registry],
    }),
    clientErrors: new Counter({
      name: 'promgate_client_errors_total',
      help:
        'Connections promgate closed without an answer, by reason: request_timeout (the request did not arrive ' +
        'whole within the request timeout: a slow client, or one starved of CPU), header_overflow, bad_request ' +
        '(not HTTP), tls_handshake (no TLS version or cipher suite in common, or a broken handshake).',
      labelNames: ['reason'],
      registers: [registry],
    }),
    auditViolations: new Gauge({
      name: 'promgate_audit_violations',
      help: 'Violations found by the last background audit of the cluster, by policy.',
      labelNames: ['policy'],
      registers: [registry],
    }),
    eventsDropped: new Counter({
      name: 'promgate_events_dropped_total',
      help: 'Kubernetes Events not written: rate-limited (per object, as client-go does) or failed.',
      labelNames: ['reason'],
      registers: [registry],
    }),
    reportsUnwritten: new Counter({
      name: 'promgate_reports_unwritten_total',
      help: 'Background audit rounds whose findings were not written as policy reports, by reason: no-crd (neither openreports.io nor wgpolicyk8s.io reports are installed), forbidden (RBAC), failed.',
      labelNames: ['reason'],
      registers: [registry],
    }),
    registrationMismatches: new Gauge({
      name: 'promgate_webhook_registration_mismatches',
      help: "Ways promgate's webhook configurations and its configuration disagree (objects judged but never sent, or sent but never judged), as last read; promgate check-install names them.",
      registers: [registry],
    }),
    certificateExpiry: new Gauge({
      name: 'promgate_certificate_expiry_timestamp_seconds',
      help: 'When the serving certificate in use expires (Unix time).',
      labelNames: ['certificate'],
      registers: [registry],
    }),
    observePool(load) {
      new Gauge({
        name: 'promgate_worker_pool_tasks',
        help: 'Large objects waiting for a worker thread (queued) or being judged in one (running).',
        labelNames: ['state'],
        registers: [registry],
        collect() {
          const { queued, running } = load();
          this.set({ state: 'queued' }, queued);
          this.set({ state: 'running' }, running);
        },
      });
    },
    kindLabel: boundedKindLabel(),
  };
}
