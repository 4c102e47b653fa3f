// `serve --bootstrap-certs`: promgate certifies itself in a cluster. One Secret holds the CA and
// the serving certificate; every replica converges on that Secret, so however many replicas start
// at once there is exactly one CA, and the webhook configurations trust it.
//
// Concurrency rests on the API server alone: create fails with 409 AlreadyExists for all but one
// replica, an update carrying a stale resourceVersion fails with 409 Conflict; the loser re-reads
// and adopts what the winner wrote. No leader election, no locks.
import { CoreV1Api, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { writeCertificateFiles } from '../certs/files.js';
import { type CertificateSet, generateCertificateAuthority, issueServingCertificate } from '../certs/generate.js';
import { renewalReason, renewalTime } from '../certs/inspect.js';
import { syncCaBundles, type CaBundleSync } from './ca-bundle.js';
import { apiServerUrl } from './client.js';
import { isStatus, toKubeApiError } from './errors.js';
import { repeatEvery } from '../common/periodic.js';

export const DEFAULT_SECRET_NAME = 'promgate-tls';
export const DEFAULT_SERVICE_NAME = 'promgate';
export const DEFAULT_WEBHOOK_CONFIGURATION_NAME = 'promgate';
export const DEFAULT_CERT_DIR = '/var/run/promgate/certs';
export const DEFAULT_SERVING_VALIDITY_DAYS = 365;
export const DEFAULT_CA_VALIDITY_DAYS = 3650;
export const DEFAULT_RENEWAL_INTERVAL_MS = 60 * 60 * 1000;

/** The Secret's data keys: kubernetes.io/tls's own, plus the CA. */
const SECRET_KEYS = {
  tlsCert: 'tls.crt',
  tlsKey: 'tls.key',
  caCert: 'ca.crt',
  caKey: 'ca.key',
} as const satisfies Record<keyof CertificateSet, string>;

/** Rounds of read → write before giving up; each lost race costs one. */
const RECONCILE_ATTEMPTS = 5;

/** Pino-compatible (fastify's `log`), so the server can pass its own logger. */
export interface BootstrapLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

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
  logger?: BootstrapLogger;
  now?: () => Date;
}

export type SecretAction = 'created' | 'adopted' | 'renewed-serving' | 'replaced-ca';

export interface ReconcileResult {
  secret: SecretAction;
  /** Why the Secret was rewritten, when it was. */
  reason?: string;
  /** Local files that changed (the server reloads them). */
  filesChanged: string[];
  caBundles: CaBundleSync[];
  /** When the serving certificate should next be renewed. */
  renewAt: Date;
  certificates: CertificateSet;
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

function secretToSet(secret: V1Secret): CertificateSet | undefined {
  const data = secret.data ?? {};
  const set: Partial<CertificateSet> = {};
  for (const [field, key] of Object.entries(SECRET_KEYS) as Array<[keyof CertificateSet, string]>) {
    const value = data[key];
    if (value === undefined) return undefined;
    set[field] = Buffer.from(value, 'base64').toString('utf8');
  }
  return set as CertificateSet;
}

function setToSecretData(set: CertificateSet): Record<string, string> {
  const data: Record<string, string> = {};
  for (const [field, key] of Object.entries(SECRET_KEYS) as Array<[keyof CertificateSet, string]>) {
    data[key] = Buffer.from(set[field]).toString('base64');
  }
  return data;
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
  async create(set: CertificateSet): Promise<boolean> {
    const body: V1Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: { 'app.kubernetes.io/name': 'promgate', 'app.kubernetes.io/managed-by': 'promgate' },
      },
      type: 'kubernetes.io/tls',
      data: setToSecretData(set),
    };
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
  async update(current: V1Secret, set: CertificateSet): Promise<boolean> {
    // Keeping metadata.resourceVersion makes the update conditional on nobody having written since.
    const body: V1Secret = { ...current, data: { ...current.data, ...setToSecretData(set) } };
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
 * Makes the Secret hold a valid CA and serving certificate (creating, adopting or renewing it),
 * writes them to `certDir`, and points both webhook configurations' caBundle at the CA. Safe to
 * run concurrently from any number of replicas, and idempotent: the renewal loop calls it again.
 */
export async function reconcileCertificates(options: CertificateBootstrapOptions): Promise<ReconcileResult> {
  const secretName = options.secretName ?? DEFAULT_SECRET_NAME;
  const serviceName = options.serviceName ?? DEFAULT_SERVICE_NAME;
  const now = options.now ?? (() => new Date());
  const dnsNames = serviceDnsNames(serviceName, options.namespace);
  const store = new SecretStore(options.kubeConfig, options.namespace, secretName);
  const servingOptions = {
    dnsNames,
    ipAddresses: [],
    validityDays: options.servingValidityDays ?? DEFAULT_SERVING_VALIDITY_DAYS,
  };
  const newCertificateAuthority = () =>
    generateCertificateAuthority({ validityDays: options.caValidityDays ?? DEFAULT_CA_VALIDITY_DAYS });
  const log = { secret: secretName, namespace: options.namespace };

  let outcome: { set: CertificateSet; action: SecretAction; reason?: string } | undefined;
  for (let attempt = 1; attempt <= RECONCILE_ATTEMPTS && !outcome; attempt++) {
    const current = await store.read();
    if (!current) {
      const ca = newCertificateAuthority();
      const set = { ...ca, ...issueServingCertificate(ca, servingOptions) };
      if (await store.create(set)) outcome = { set, action: 'created' };
      else options.logger?.info({ ...log, attempt }, 'certificate Secret created by another replica; adopting it');
      continue;
    }
    const existing = secretToSet(current);
    const problem = existing
      ? renewalReason(existing, { dnsNames, now: now() })
      : { scope: 'ca' as const, reason: `Secret lacks one of ${Object.values(SECRET_KEYS).join(', ')}` };
    if (!problem) {
      outcome = { set: existing!, action: 'adopted' };
      continue;
    }
    // A serving certificate is renewed under the same CA, so no caBundle changes and no replica
    // serving the old certificate becomes untrusted in between.
    const ca =
      problem.scope === 'serving' ? { caCert: existing!.caCert, caKey: existing!.caKey } : newCertificateAuthority();
    const set = { ...ca, ...issueServingCertificate(ca, servingOptions) };
    if (await store.update(current, set)) {
      outcome = {
        set,
        action: problem.scope === 'serving' ? 'renewed-serving' : 'replaced-ca',
        reason: problem.reason,
      };
      options.logger?.info({ ...log, reason: problem.reason }, 'certificate Secret renewed');
    } else {
      options.logger?.info({ ...log, attempt }, 'certificate Secret changed by another replica; re-reading it');
    }
  }
  if (!outcome) {
    throw new Error(`could not settle secret "${secretName}" after ${RECONCILE_ATTEMPTS} attempts: it keeps changing`);
  }

  const filesChanged = await writeCertificateFiles(options.certDir, outcome.set);
  const caBundles = await syncCaBundles(
    options.kubeConfig,
    options.webhookConfigurationName ?? DEFAULT_WEBHOOK_CONFIGURATION_NAME,
    outcome.set.caCert,
  );
  for (const missing of caBundles.filter((c) => c.status === 'missing')) {
    options.logger?.warn(
      { kind: missing.kind, name: missing.name },
      'webhook configuration not found; caBundle not set',
    );
  }
  return {
    secret: outcome.action,
    ...(outcome.reason ? { reason: outcome.reason } : {}),
    filesChanged,
    caBundles,
    renewAt: renewalTime(outcome.set.tlsCert),
    certificates: outcome.set,
  };
}

export interface CertificateRenewalOptions extends CertificateBootstrapOptions {
  /** How often to reconcile; also how soon a certificate renewed by another replica is picked up. */
  intervalMs?: number;
  onReconciled?: (result: ReconcileResult) => void;
  /** A failed round is reported here and retried on the next tick; the loop never stops by itself. */
  onError?: (error: unknown) => void;
}

/**
 * Re-runs `reconcileCertificates` every `intervalMs` (the first run after one interval: the caller
 * awaits the initial reconcile itself, before it starts serving). Renewal happens once less than
 * a third of the serving certificate's life is left, far ahead of expiry at an hourly interval.
 * Returns a function that stops the loop and waits for a round in progress.
 */
export function startCertificateRenewal(options: CertificateRenewalOptions): () => Promise<void> {
  return repeatEvery(
    () =>
      reconcileCertificates(options)
        .then((result) => options.onReconciled?.(result))
        .catch((err: unknown) => options.onError?.(err)),
    { intervalMs: options.intervalMs ?? DEFAULT_RENEWAL_INTERVAL_MS },
  );
}
