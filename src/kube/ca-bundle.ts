// Keeps the `caBundle` of promgate's two webhook configurations carrying every CA a replica may be
// serving from: without it the API server cannot trust promgate and, per failurePolicy, either
// rejects or lets through everything promgate should judge. During a CA rotation that is two CAs
// (docs/adr/070-ca-rotation-overlap.md); `mergeCaBundle` decides the content.
import { AdmissionregistrationV1Api, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { mergeCaBundle, splitPemCertificates } from '../certs/trust-bundle.js';
import { apiServerUrl } from './client.js';
import { isStatus, toKubeApiError } from './errors.js';

export type WebhookConfigurationKind = 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration';

export interface CaBundleSync {
  kind: WebhookConfigurationKind;
  name: string;
  /** `missing`: the configuration does not exist (yet): nothing to patch, retried on the next reconcile. */
  status: 'patched' | 'unchanged' | 'missing';
  /** How many webhook entries got the new bundle. */
  webhooksPatched: number;
}

interface WebhookConfiguration {
  webhooks?: Array<{ name: string; clientConfig: { caBundle?: string } }>;
}

type JsonPatchOperation = { op: 'test'; path: string; value: string } | { op: 'add'; path: string; value: string };

const JSON_PATCH = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
/** A JSON patch whose `test` failed (the webhook list changed under us) is retried this often. */
const PATCH_ATTEMPTS = 3;

interface ConfigurationClient {
  read(name: string): Promise<WebhookConfiguration>;
  patch(name: string, body: JsonPatchOperation[]): Promise<unknown>;
}

export function clients(kc: KubeConfig): Record<WebhookConfigurationKind, ConfigurationClient> {
  const api = kc.makeApiClient(AdmissionregistrationV1Api);
  return {
    MutatingWebhookConfiguration: {
      read: (name) => api.readMutatingWebhookConfiguration({ name }),
      patch: (name, body) => api.patchMutatingWebhookConfiguration({ name, body }, JSON_PATCH),
    },
    ValidatingWebhookConfiguration: {
      read: (name) => api.readValidatingWebhookConfiguration({ name }),
      patch: (name, body) => api.patchValidatingWebhookConfiguration({ name, body }, JSON_PATCH),
    },
  };
}

const fromBase64 = (value: string | undefined): string => Buffer.from(value ?? '', 'base64').toString('utf8');

/**
 * The JSON patch giving every webhook entry the bundle `desired` computes from the entry's current
 * one (PEM in, PEM out). Each change is guarded by a `test` of the entry's name, so a list
 * reordered in between fails instead of patching the wrong entry. Entries already right are not
 * touched: no patch at all when everything matches.
 */
export function caBundlePatch(
  configuration: WebhookConfiguration,
  desired: (currentPem: string) => string,
): JsonPatchOperation[] {
  const operations: JsonPatchOperation[] = [];
  (configuration.webhooks ?? []).forEach((webhook, index) => {
    const caBundle = Buffer.from(desired(fromBase64(webhook.clientConfig?.caBundle))).toString('base64');
    if (webhook.clientConfig?.caBundle === caBundle) return;
    operations.push(
      { op: 'test', path: `/webhooks/${index}/name`, value: webhook.name },
      // `add` on an object member replaces an existing value, so it covers a missing bundle too.
      { op: 'add', path: `/webhooks/${index}/clientConfig/caBundle`, value: caBundle },
    );
  });
  return operations;
}

const KINDS = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'] as const;

/** A webhook configuration as the API server holds it, or undefined when it does not exist. */
export async function readConfiguration(
  kc: KubeConfig,
  client: ConfigurationClient,
  kind: WebhookConfigurationKind,
  name: string,
): Promise<WebhookConfiguration | undefined> {
  try {
    return await client.read(name);
  } catch (err) {
    const error = toKubeApiError(err, `get ${kind.toLowerCase()}s "${name}"`, apiServerUrl(kc));
    if (isStatus(error, 404)) return undefined;
    throw error;
  }
}

/**
 * The CA certificates (PEM) in each webhook entry's caBundle, one list per entry of both
 * configurations named `name`; a configuration that does not exist contributes nothing.
 */
export async function readCaBundles(kc: KubeConfig, name: string): Promise<string[][]> {
  const byKind = clients(kc);
  const bundles: string[][] = [];
  for (const kind of KINDS) {
    const configuration = await readConfiguration(kc, byKind[kind], kind, name);
    for (const webhook of configuration?.webhooks ?? []) {
      bundles.push(splitPemCertificates(fromBase64(webhook.clientConfig?.caBundle)));
    }
  }
  return bundles;
}

/**
 * Makes the caBundle (base64 of a PEM concatenation) of every entry of both configurations named
 * `name` carry the `trusted` CAs, merged with what is published as `mergeCaBundle` explains.
 */
export async function syncCaBundles(
  kc: KubeConfig,
  name: string,
  trusted: readonly string[],
  now: Date = new Date(),
): Promise<CaBundleSync[]> {
  const byKind = clients(kc);
  const desired = (currentPem: string): string => mergeCaBundle(currentPem, trusted, now);
  const results: CaBundleSync[] = [];
  for (const kind of KINDS) {
    results.push(await syncOne(kc, byKind[kind], kind, name, desired));
  }
  return results;
}

async function syncOne(
  kc: KubeConfig,
  client: ConfigurationClient,
  kind: WebhookConfigurationKind,
  name: string,
  desired: (currentPem: string) => string,
): Promise<CaBundleSync> {
  for (let attempt = 1; ; attempt++) {
    const configuration = await readConfiguration(kc, client, kind, name);
    if (!configuration) return { kind, name, status: 'missing', webhooksPatched: 0 };
    const operations = caBundlePatch(configuration, desired);
    if (operations.length === 0) return { kind, name, status: 'unchanged', webhooksPatched: 0 };
    try {
      await client.patch(name, operations);
      return { kind, name, status: 'patched', webhooksPatched: operations.length / 2 };
    } catch (err) {
      const error = toKubeApiError(err, `patch caBundle of ${kind.toLowerCase()}s "${name}"`, apiServerUrl(kc));
      // 422: a `test` failed because the webhook list changed since the read; read it again.
      if (!isStatus(error, 422) || attempt >= PATCH_ATTEMPTS) throw error;
    }
  }
}
