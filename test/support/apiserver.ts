// An emulation of how kube-apiserver calls a webhook (k8s.io/apiserver's webhook dispatcher):
// the AdmissionReview it builds, the HTTPS POST with `?timeout=`, and the checks it applies to the
// answer before it uses it. Tests use it to drive promgate exactly as a cluster would.
import { randomUUID } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import type { Agent } from 'node:https';
import fastJsonPatch, { type Operation } from 'fast-json-patch';

export interface ReviewInput {
  object: Record<string, unknown> | null;
  oldObject?: Record<string, unknown> | null;
  operation?: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  dryRun?: boolean;
  apiVersion?: 'admission.k8s.io/v1' | 'admission.k8s.io/v1beta1';
}

const RESOURCES: Record<string, { group: string; version: string; resource: string }> = {
  DaemonSet: { group: 'apps', version: 'v1', resource: 'daemonsets' },
  ConfigMap: { group: '', version: 'v1', resource: 'configmaps' },
  Deployment: { group: 'apps', version: 'v1', resource: 'deployments' },
  Secret: { group: '', version: 'v1', resource: 'secrets' },
};

/** Drops nulls and empty lists/maps the way the API server's decoding and defaulting leave objects. */
export function asServed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asServed);
  if (typeof value !== 'object' || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (child === null) continue;
    result[key] = asServed(child);
  }
  return result;
}

export function buildReview(input: ReviewInput): { uid: string; review: Record<string, unknown> } {
  const source = input.object ?? input.oldObject ?? {};
  const kindName = String(source.kind ?? 'ConfigMap');
  const [groupPart, versionPart] = String(source.apiVersion ?? 'v1').includes('/')
    ? String(source.apiVersion).split('/')
    : ['', String(source.apiVersion ?? 'v1')];
  const resource = RESOURCES[kindName] ?? {
    group: groupPart ?? '',
    version: versionPart ?? 'v1',
    resource: `${kindName.toLowerCase()}s`,
  };
  const metadata = (source.metadata ?? {}) as { name?: string; namespace?: string };
  const uid = randomUUID();
  const kind = { group: resource.group, version: resource.version, kind: kindName };
  const operation = input.operation ?? 'CREATE';
  const request = {
    uid,
    kind,
    resource: { group: resource.group, version: resource.version, resource: resource.resource },
    requestKind: kind,
    requestResource: { group: resource.group, version: resource.version, resource: resource.resource },
    name: metadata.name ?? '',
    namespace: metadata.namespace ?? '',
    operation,
    userInfo: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
    object: input.object === null ? null : asServed(input.object),
    oldObject: input.oldObject ? asServed(input.oldObject) : null,
    dryRun: input.dryRun ?? false,
    options: {
      apiVersion: 'meta.k8s.io/v1',
      kind: operation === 'UPDATE' ? 'UpdateOptions' : operation === 'DELETE' ? 'DeleteOptions' : 'CreateOptions',
      fieldManager: 'kubectl-client-side-apply',
    },
  };
  return { uid, review: { apiVersion: input.apiVersion ?? 'admission.k8s.io/v1', kind: 'AdmissionReview', request } };
}

export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function post(
  port: number,
  path: string,
  body: string | Buffer,
  options: { ca: string; agent?: Agent; contentType?: string; host?: string },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      {
        host: '127.0.0.1',
        servername: options.host ?? 'localhost',
        port,
        path,
        method: 'POST',
        ca: options.ca,
        ...(options.agent ? { agent: options.agent } : {}),
        headers: {
          'content-type': options.contentType ?? 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            statusCode: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

export interface WebhookResult {
  allowed: boolean;
  patch: Operation[];
  warnings: string[];
  status?: {
    code?: number;
    reason?: string;
    message?: string;
    details?: { causes?: Array<{ field?: string; message?: string }> };
  };
  /** The object after the API server applied the patch (mutating webhooks). */
  patched: Record<string, unknown> | null;
}

/**
 * The API server's own checks on a webhook's answer (webhook/mutating/dispatcher.go and
 * validating): HTTP 200, an AdmissionReview of the version it sent, the uid echoed, patchType
 * JSONPatch whenever a patch is present, and the patch applicable to the object.
 */
export function verifyAnswer(sent: Record<string, unknown>, answer: HttpAnswer): WebhookResult {
  if (answer.statusCode !== 200) throw new Error(`webhook returned HTTP ${answer.statusCode}: ${answer.body}`);
  const review = JSON.parse(answer.body) as Record<string, unknown>;
  if (review.apiVersion !== sent.apiVersion)
    throw new Error(`expected apiVersion ${String(sent.apiVersion)}, got ${String(review.apiVersion)}`);
  if (review.kind !== 'AdmissionReview') throw new Error(`expected kind AdmissionReview, got ${String(review.kind)}`);
  const response = review.response as Record<string, unknown> | undefined;
  if (!response) throw new Error('webhook response was absent');
  const request = sent.request as { uid: string; object: Record<string, unknown> | null };
  if (response.uid !== request.uid)
    throw new Error(`expected response.uid="${request.uid}", got "${String(response.uid)}"`);
  if (typeof response.allowed !== 'boolean') throw new Error('response.allowed must be a boolean');
  const allowedKeys = new Set(['uid', 'allowed', 'status', 'patch', 'patchType', 'auditAnnotations', 'warnings']);
  for (const key of Object.keys(response)) if (!allowedKeys.has(key)) throw new Error(`unknown response field ${key}`);
  let patch: Operation[] = [];
  if (response.patch !== undefined) {
    if (response.patchType !== 'JSONPatch')
      throw new Error(`expected patchType JSONPatch with a patch, got ${String(response.patchType)}`);
    patch = JSON.parse(Buffer.from(String(response.patch), 'base64').toString('utf8')) as Operation[];
  } else if (response.patchType !== undefined) {
    throw new Error('patchType set without a patch');
  }
  let patched: Record<string, unknown> | null = request.object;
  if (patch.length > 0 && request.object) {
    const errors = fastJsonPatch.validate(patch, structuredClone(request.object));
    if (errors) throw new Error(`patch does not apply: ${errors.message}`);
    patched = fastJsonPatch.applyPatch(structuredClone(request.object), patch, true, false).newDocument;
  }
  const warnings = (response.warnings as string[] | undefined) ?? [];
  const result: WebhookResult = { allowed: response.allowed, patch, warnings, patched };
  if (response.status !== undefined) result.status = response.status as NonNullable<WebhookResult['status']>;
  return result;
}

/** Sends a review the way the API server does and returns the checked answer. */
export async function callWebhook(
  port: number,
  webhook: 'mutate' | 'validate',
  input: ReviewInput,
  tls: { ca: string; agent?: Agent },
): Promise<WebhookResult & { uid: string }> {
  const { uid, review } = buildReview(input);
  const answer = await post(port, `/${webhook}?timeout=10s`, JSON.stringify(review), tls);
  return { ...verifyAnswer(review, answer), uid };
}
