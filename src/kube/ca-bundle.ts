// Keeps the `caBundle` of promgate's two webhook configurations equal to the CA that signed the
// serving certificate: without it the API server cannot trust promgate and, per failurePolicy,
// either rejects or lets through everything promgate should judge.
import { AdmissionregistrationV1Api, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
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

function clients(kc: KubeConfig): Record<WebhookConfigurationKind, ConfigurationClient> {
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

/**
 * The JSON patch setting `caBundle` on every webhook entry that lacks it. Each change is guarded
 * by a `test` of the entry's name, so a list reordered in between fails instead of patching the
 * wrong entry. Entries already right are not touched: no patch at all when everything matches.
 */
export function caBundlePatch(configuration: WebhookConfiguration, caBundle: string): JsonPatchOperation[] {
  const operations: JsonPatchOperation[] = [];
  (configuration.webhooks ?? []).forEach((webhook, index) => {
    if (webhook.clientConfig?.caBundle === caBundle) return;
    operations.push(
      { op: 'test', path: `/webhooks/${index}/name`, value: webhook.name },
      // `add` on an object member replaces an existing value, so it covers a missing bundle too.
      { op: 'add', path: `/webhooks/${index}/clientConfig/caBundle`, value: caBundle },
    );
  });
  return operations;
}

/** Sets `caBundle` (base64 of the CA PEM) on both configurations named `name`. */
export async function syncCaBundles(kc: KubeConfig, name: string, caCertPem: string): Promise<CaBundleSync[]> {
  const caBundle = Buffer.from(caCertPem).toString('base64');
  const byKind = clients(kc);
  const results: CaBundleSync[] = [];
  for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'] as const) {
    results.push(await syncOne(kc, byKind[kind], kind, name, caBundle));
  }
  return results;
}

async function syncOne(
  kc: KubeConfig,
  client: ConfigurationClient,
  kind: WebhookConfigurationKind,
  name: string,
  caBundle: string,
): Promise<CaBundleSync> {
  const resource = `${kind.toLowerCase()}s "${name}"`;
  for (let attempt = 1; ; attempt++) {
    let configuration: WebhookConfiguration;
    try {
      configuration = await client.read(name);
    } catch (err) {
      const error = toKubeApiError(err, `get ${resource}`, apiServerUrl(kc));
      if (isStatus(error, 404)) return { kind, name, status: 'missing', webhooksPatched: 0 };
      throw error;
    }
    const operations = caBundlePatch(configuration, caBundle);
    if (operations.length === 0) return { kind, name, status: 'unchanged', webhooksPatched: 0 };
    try {
      await client.patch(name, operations);
      return { kind, name, status: 'patched', webhooksPatched: operations.length / 2 };
    } catch (err) {
      const error = toKubeApiError(err, `patch caBundle of ${resource}`, apiServerUrl(kc));
      // 422: a `test` failed because the webhook list changed since the read; read it again.
      if (!isStatus(error, 422) || attempt >= PATCH_ATTEMPTS) throw error;
    }
  }
}
