// `serve --bootstrap-certs`: promgate certifies itself in a cluster. One Secret holds the CA and
// the serving certificate; every replica converges on that Secret, so however many replicas start
// at once exactly one CA signs, and the webhook configurations trust it.
//
// Concurrency rests on the API server alone: create fails with 409 AlreadyExists for all but one
// replica, an update carrying a stale resourceVersion fails with 409 Conflict; the loser re-reads
// and adopts what the winner wrote. No leader election, no locks.
//
// A CA is replaced in steps (src/certs/rotation.ts), each one such conditional write, so that the
// caBundle carries a CA one overlap before any serving certificate from it exists, and keeps the
// old CA one overlap after the last one from it was issued (docs/adr/070-ca-rotation-overlap.md).
import { CoreV1Api, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { writeCertificateFiles } from '../certs/files.js';
import { type CertificateSet, generateCertificateAuthority, issueServingCertificate } from '../certs/generate.js';
import { renewalTime } from '../certs/inspect.js';
import {
  planNextStep,
  trustedCertificateAuthorities,
  type CertificateState,
  type RotationStep,
  type StoredCertificates,
} from '../certs/rotation.js';
import { splitPemCertificates } from '../certs/trust-bundle.js';
import { readCaBundles, syncCaBundles, type CaBundleSync } from './ca-bundle.js';
import { apiServerUrl } from './client.js';
import { KubeApiError, isStatus, toKubeApiError } from './errors.js';
import type { Logger } from '../common/logger.js';
import { unlessAborted } from '../common/abort.js';
import { repeatEvery } from '../common/periodic.js';

export const DEFAULT_SECRET_NAME = 'promgate-tls';
export const DEFAULT_SERVICE_NAME = 'promgate';
export const DEFAULT_WEBHOOK_CONFIGURATION_NAME = 'promgate';
export const DEFAULT_CERT_DIR = '/var/run/promgate/certs';
export const DEFAULT_SERVING_VALIDITY_DAYS = 365;
export const DEFAULT_CA_VALIDITY_DAYS = 3650;
export const DEFAULT_RENEWAL_INTERVAL_MS = 60 * 60 * 1000;
/**
 * How long a CA is published before it signs, and kept after it stopped signing, in renewal
 * intervals: two, so every replica has reconciled at least once in between even if one round failed.
 */
const CA_OVERLAP_INTERVALS = 2;
export const DEFAULT_CA_OVERLAP_MS = CA_OVERLAP_INTERVALS * DEFAULT_RENEWAL_INTERVAL_MS;

/** The Secret's data keys: kubernetes.io/tls's own, plus the CA. */
const SECRET_KEYS = {
  tlsCert: 'tls.crt',
  tlsKey: 'tls.key',
  caCert: 'ca.crt',
  caKey: 'ca.key',
} as const satisfies Record<keyof CertificateSet, string>;

/** A CA rotation in progress: data keys beside SECRET_KEYS, and when its phases began. */
const ROTATION_KEYS = { nextCaCert: 'ca-next.crt', nextCaKey: 'ca-next.key', previousCaCerts: 'ca-previous.crt' };
const ROTATION_ANNOTATIONS = {
  nextPublishedAt: 'promgate.io/ca-next-published-at',
  switchedAt: 'promgate.io/ca-switched-at',
};

/** Rounds of read → write before giving up; each lost race costs one. */
const RECONCILE_ATTEMPTS = 5;

export interface CertificateBootstrapOptions {
  kubeConfig: KubeConfig;
  /** promgate's own namespace (see `podNamespace()`). */
  namespace: string;
  /** Directory the server loads `tls.crt`/`tls.key` from (an emptyDir: the root FS is read-only). */
  certDir: string;
  secretName?: string;
  serviceName?: string;
  /** Name of both the MutatingWebhookConfiguration and the ValidatingWebhookConfiguration. */
  webhookConfigurationName?: string;
  servingValidityDays?: number;
  caValidityDays?: number;
  /** See DEFAULT_CA_OVERLAP_MS; `startCertificateRenewal` defaults it to two of its intervals. */
  caOverlapMs?: number;
  logger?: Pick<Logger, 'info' | 'warn'>;
  now?: () => Date;
  /**
   * Once aborted, no further step starts (the call in flight still completes). Stopping between
   * steps is safe: each is one conditional write, and the next round re-reads what was published.
   */
  signal?: AbortSignal;
}

/** `created`/`adopted`, or the rotation step this replica wrote (src/certs/rotation.ts). */
export type SecretAction = 'created' | 'adopted' | RotationStep;

export interface ReconcileResult {
  secret: SecretAction;
  /** Why the Secret was rewritten, when it was. */
  reason?: string;
  /** Local files that changed (the server reloads them). */
  filesChanged: string[];
  caBundles: CaBundleSync[];
  /** When the serving certificate should next be renewed. */
  renewAt: Date;
  /** What this replica serves from now on. */
  certificates: CertificateSet;
  /** The Secret's state after this round, CA rotation included. */
  state: CertificateState;
}

/** The names the API server uses to reach the Service: `<svc>.<ns>.svc` is the one it checks. */
export function serviceDnsNames(serviceName: string, namespace: string): string[] {
  return [
    serviceName,
    `${serviceName}.${namespace}`,
    `${serviceName}.${namespace}.svc`,
    `${serviceName}.${namespace}.svc.cluster.local`,
  ];
}

const decode = (value: string): string => Buffer.from(value, 'base64').toString('utf8');
const encode = (value: string): string => Buffer.from(value).toString('base64');

function timestamp(value: string | undefined): Date | undefined {
  const date = value === undefined ? undefined : new Date(value);
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

function secretToStored(secret: V1Secret): StoredCertificates {
  const data = secret.data ?? {};
  const annotations = secret.metadata?.annotations ?? {};
  // Without ca.key the served pair is still good: it stays in service while a new CA is rotated in.
  const missing = Object.values(SECRET_KEYS).filter((key) => key !== SECRET_KEYS.caKey && data[key] === undefined);
  const nextCaCert = data[ROTATION_KEYS.nextCaCert];
  const nextCaKey = data[ROTATION_KEYS.nextCaKey];
  const nextPublishedAt = timestamp(annotations[ROTATION_ANNOTATIONS.nextPublishedAt]);
  const switchedAt = timestamp(annotations[ROTATION_ANNOTATIONS.switchedAt]);
  return {
    ...(missing.length > 0
      ? { activeMissingReason: `Secret lacks ${missing.join(', ')}` }
      : {
          active: {
            caCert: decode(data[SECRET_KEYS.caCert]!),
            caKey: decode(data[SECRET_KEYS.caKey] ?? ''),
            tlsCert: decode(data[SECRET_KEYS.tlsCert]!),
            tlsKey: decode(data[SECRET_KEYS.tlsKey]!),
          },
        }),
    ...(nextCaCert && nextCaKey ? { next: { caCert: decode(nextCaCert), caKey: decode(nextCaKey) } } : {}),
    ...(nextPublishedAt ? { nextPublishedAt } : {}),
    previous: splitPemCertificates(decode(data[ROTATION_KEYS.previousCaCerts] ?? '')),
    ...(switchedAt ? { switchedAt } : {}),
  };
}

/** `secret` holding `state`: its other data keys and annotations are kept, the rotation's are rewritten. */
function withState(secret: V1Secret, state: CertificateState): V1Secret {
  const data: Record<string, string> = { ...secret.data };
  const annotations: Record<string, string> = { ...secret.metadata?.annotations };
  for (const key of Object.values(ROTATION_KEYS)) delete data[key];
  for (const key of Object.values(ROTATION_ANNOTATIONS)) delete annotations[key];
  for (const [field, key] of Object.entries(SECRET_KEYS) as Array<[keyof CertificateSet, string]>) {
    data[key] = encode(state.active[field]);
  }
  if (state.next) {
    data[ROTATION_KEYS.nextCaCert] = encode(state.next.caCert);
    data[ROTATION_KEYS.nextCaKey] = encode(state.next.caKey);
  }
  if (state.previous.length > 0) data[ROTATION_KEYS.previousCaCerts] = encode(state.previous.join(''));
  if (state.nextPublishedAt) annotations[ROTATION_ANNOTATIONS.nextPublishedAt] = state.nextPublishedAt.toISOString();
  if (state.switchedAt) annotations[ROTATION_ANNOTATIONS.switchedAt] = state.switchedAt.toISOString();
  const { annotations: _replaced, ...metadata } = secret.metadata ?? {};
  return {
    ...secret,
    metadata: { ...metadata, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
    data,
  };
}

class SecretStore {
  private readonly core: CoreV1Api;
  private readonly server: string | undefined;

  constructor(
    kubeConfig: KubeConfig,
    private readonly namespace: string,
    private readonly name: string,
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.server = apiServerUrl(kubeConfig);
  }

  private describe(verb: string): string {
    return `${verb} secret "${this.name}" in namespace "${this.namespace}"`;
  }

  /** The Secret, or undefined on 404. */
  async read(): Promise<V1Secret | undefined> {
    try {
      return await this.core.readNamespacedSecret({ name: this.name, namespace: this.namespace });
    } catch (err) {
      const error = toKubeApiError(err, this.describe('get'), this.server);
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /** False when another replica created it first (409 AlreadyExists). */
  async create(state: CertificateState): Promise<boolean> {
    const body = withState(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: this.name,
          namespace: this.namespace,
          labels: { 'app.kubernetes.io/name': 'promgate', 'app.kubernetes.io/managed-by': 'promgate' },
        },
        type: 'kubernetes.io/tls',
      },
      state,
    );
    try {
      await this.core.createNamespacedSecret({ namespace: this.namespace, body });
      return true;
    } catch (err) {
      const error = toKubeApiError(err, this.describe('create'), this.server);
      if (isStatus(error, 409)) return false;
      throw error;
    }
  }

  /** False when the Secret changed since `current` was read (409 Conflict). */
  async update(current: V1Secret, state: CertificateState): Promise<boolean> {
    // Keeping metadata.resourceVersion makes the update conditional on nobody having written since.
    const body = withState(current, state);
    try {
      await this.core.replaceNamespacedSecret({ name: this.name, namespace: this.namespace, body });
      return true;
    } catch (err) {
      const error = toKubeApiError(err, this.describe('update'), this.server);
      if (isStatus(error, 409)) return false;
      throw error;
    }
  }
}

/**
 * Makes the Secret hold a valid CA and serving certificate (creating, adopting, renewing it, or
 * taking the next step of a CA rotation), makes both webhook configurations' caBundle trust every
 * CA the Secret names, and only then writes the serving pair to `certDir`: a replica never serves
 * a certificate whose CA it has not seen published. Safe to run concurrently from any number of
 * replicas, and idempotent: the renewal loop calls it again.
 */
export async function reconcileCertificates(options: CertificateBootstrapOptions): Promise<ReconcileResult> {
  const secretName = options.secretName ?? DEFAULT_SECRET_NAME;
  const webhookConfigurationName = options.webhookConfigurationName ?? DEFAULT_WEBHOOK_CONFIGURATION_NAME;
  const now = (options.now ?? (() => new Date()))();
  const dnsNames = serviceDnsNames(options.serviceName ?? DEFAULT_SERVICE_NAME, options.namespace);
  const store = new SecretStore(options.kubeConfig, options.namespace, secretName);
  const servingOptions = {
    dnsNames,
    ipAddresses: [],
    validityDays: options.servingValidityDays ?? DEFAULT_SERVING_VALIDITY_DAYS,
  };
  const log = { secret: secretName, namespace: options.namespace };
  const nextStep = (): void => options.signal?.throwIfAborted();

  let outcome: { state: CertificateState; action: SecretAction; reason?: string } | undefined;
  for (let attempt = 1; attempt <= RECONCILE_ATTEMPTS && !outcome; attempt++) {
    nextStep();
    // Read before the Secret: a step may only rely on a caBundle published before it is taken.
    const publishedBundles = await readCaBundles(options.kubeConfig, webhookConfigurationName);
    const current = await store.read();
    const stored: StoredCertificates = current ? secretToStored(current) : { previous: [] };
    const planned = planNextStep(stored, {
      now,
      overlapMs: options.caOverlapMs ?? DEFAULT_CA_OVERLAP_MS,
      dnsNames,
      publishedBundles,
      newCertificateAuthority: () =>
        generateCertificateAuthority({ validityDays: options.caValidityDays ?? DEFAULT_CA_VALIDITY_DAYS }),
      issueServingCertificate: (ca) => issueServingCertificate(ca, servingOptions),
    });
    nextStep();
    if (!planned) {
      // planNextStep always plans a step for a Secret without a complete set.
      outcome = { state: { ...stored, active: stored.active! }, action: 'adopted' };
    } else if (!current) {
      if (await store.create(planned.state)) outcome = { state: planned.state, action: 'created' };
      else options.logger?.info({ ...log, attempt }, 'certificate Secret created by another replica; adopting it');
    } else if (await store.update(current, planned.state)) {
      outcome = { state: planned.state, action: planned.step, reason: planned.reason };
      options.logger?.info({ ...log, step: planned.step, reason: planned.reason }, 'certificate Secret updated');
    } else {
      options.logger?.info({ ...log, attempt }, 'certificate Secret changed by another replica; re-reading it');
    }
  }
  if (!outcome) {
    // Every attempt lost a race (409) to another writer: a cluster condition, reported like any
    // failed API call (one line, exit 2 at start-up), not a bug with a stack trace.
    throw new KubeApiError(
      `could not settle secret "${secretName}" after ${RECONCILE_ATTEMPTS} attempts: it keeps changing`,
      409,
      'Conflict',
    );
  }

  nextStep();
  const caBundles = await syncCaBundles(
    options.kubeConfig,
    webhookConfigurationName,
    trustedCertificateAuthorities(outcome.state),
    now,
  );
  for (const missing of caBundles.filter((c) => c.status === 'missing')) {
    options.logger?.warn(
      { kind: missing.kind, name: missing.name },
      'webhook configuration not found; caBundle not set',
    );
  }
  nextStep();
  const filesChanged = await writeCertificateFiles(options.certDir, outcome.state.active);
  return {
    secret: outcome.action,
    ...(outcome.reason ? { reason: outcome.reason } : {}),
    filesChanged,
    caBundles,
    renewAt: renewalTime(outcome.state.active.tlsCert),
    certificates: outcome.state.active,
    state: outcome.state,
  };
}

export interface CertificateRenewalOptions extends Omit<CertificateBootstrapOptions, 'signal'> {
  /** How often to reconcile; also how soon a certificate renewed by another replica is picked up. */
  intervalMs?: number;
  /** How long stopping waits for a round's API call in flight before abandoning it. */
  stopGraceMs?: number;
  onReconciled?: (result: ReconcileResult) => void;
  /** A failed round is reported here and retried on the next tick; the loop never stops by itself. */
  onError?: (error: unknown) => void;
}

/** A Secret write takes a fraction of a second; shutdown waits this long for one, well inside the pod's 30 s grace. */
export const DEFAULT_RENEWAL_STOP_GRACE_MS = 5_000;

/**
 * Re-runs `reconcileCertificates` every `intervalMs` (the first run after one interval: the caller
 * awaits the initial reconcile itself, before it starts serving). Renewal happens once less than
 * a third of the serving certificate's life is left, far ahead of expiry at an hourly interval.
 * Returns a function that stops the loop: a round in progress takes no further step, and its call
 * in flight is waited for at most `stopGraceMs`.
 */
export function startCertificateRenewal(options: CertificateRenewalOptions): () => Promise<void> {
  const intervalMs = options.intervalMs ?? DEFAULT_RENEWAL_INTERVAL_MS;
  const stopGraceMs = options.stopGraceMs ?? DEFAULT_RENEWAL_STOP_GRACE_MS;
  const reconcileOptions = { ...options, caOverlapMs: options.caOverlapMs ?? CA_OVERLAP_INTERVALS * intervalMs };
  return repeatEvery(
    (signal) =>
      unlessAborted(reconcileCertificates({ ...reconcileOptions, signal }), signal, stopGraceMs)
        .then((result) => options.onReconciled?.(result))
        .catch((err: unknown) => {
          // Cut short by shutdown: nothing failed, and the next start reconciles afresh.
          if (!signal.aborted) options.onError?.(err);
        }),
    { intervalMs },
  );
}
