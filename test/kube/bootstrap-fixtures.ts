// Shared set-up for the certificate bootstrap tests: a fake cluster holding promgate's two webhook
// configurations, Secrets built from certificate sets, and a barrier that forces replicas to race.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import {
  generateCertificateAuthority,
  issueServingCertificate,
  type CertificateSet,
} from '../../src/certs/generate.js';
import { serviceDnsNames, type CertificateBootstrapOptions } from '../../src/kube/certificate-bootstrap.js';
import { FakeApiServer, type ApiRequest, type StoredObject } from '../support/fake-apiserver.js';

export const NAMESPACE = 'promgate-system';
export const DAY_MS = 24 * 60 * 60 * 1000;

export function webhookConfiguration(
  kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration',
  webhooks: string[],
): StoredObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind,
    metadata: { name: 'promgate' },
    webhooks: webhooks.map((name) => ({
      name,
      admissionReviewVersions: ['v1'],
      sideEffects: 'None',
      clientConfig: {
        service: { name: 'promgate', namespace: NAMESPACE, path: kind.startsWith('M') ? '/mutate' : '/validate' },
      },
    })),
  };
}

export async function cluster(t: Test, options: { webhooks?: boolean } = {}): Promise<FakeApiServer> {
  const server = await FakeApiServer.start();
  t.teardown(() => server.close());
  if (options.webhooks ?? true) {
    server.put(
      webhookConfiguration('MutatingWebhookConfiguration', ['dcgm-exporter.promgate.io']),
      webhookConfiguration('ValidatingWebhookConfiguration', [
        'dcgm-exporter.promgate.io',
        'prometheus-config.promgate.io',
      ]),
    );
  }
  return server;
}

async function certDir(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'promgate-bootstrap-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export async function options(
  t: Test,
  server: FakeApiServer,
  extra: Partial<CertificateBootstrapOptions> = {},
): Promise<CertificateBootstrapOptions> {
  return { kubeConfig: server.kubeConfig(), namespace: NAMESPACE, certDir: await certDir(t), ...extra };
}

export function storedSecret(server: FakeApiServer): StoredObject | undefined {
  return server.get('v1', 'Secret', 'promgate-tls', NAMESPACE);
}

export function secretPem(secret: StoredObject | undefined, key: string): string {
  return Buffer.from((secret?.['data'] as Record<string, string>)[key]!, 'base64').toString('utf8');
}

export function caBundles(server: FakeApiServer): string[] {
  return ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'].flatMap((kind) =>
    (
      server.get('admissionregistration.k8s.io/v1', kind, 'promgate')?.['webhooks'] as Array<{
        clientConfig: { caBundle?: string };
      }>
    ).map((w) => w.clientConfig.caBundle ?? ''),
  );
}

export function secretFor(set: CertificateSet): StoredObject {
  const data = { 'tls.crt': set.tlsCert, 'tls.key': set.tlsKey, 'ca.crt': set.caCert, 'ca.key': set.caKey };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'promgate-tls', namespace: NAMESPACE },
    type: 'kubernetes.io/tls',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}

/** Holds matching requests until `count` of them have arrived: forces replicas to interleave. */
export function barrier(
  count: number,
  matches: (request: ApiRequest) => boolean,
): (request: ApiRequest) => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return async (request) => {
    if (!matches(request)) return;
    arrived++;
    if (arrived >= count) release();
    await gate;
  };
}

export const isSecretRead = (r: ApiRequest) => r.verb === 'get' && r.resource.plural === 'secrets';
export const verbs = (server: FakeApiServer, plural: string) =>
  server.requests.filter((r) => r.resource.plural === plural).map((r) => r.verb);
export const validServingSet = (
  dnsNames: string[],
  servingOptions: { validityDays?: number; notBefore?: Date } = {},
) => {
  const ca = generateCertificateAuthority({ validityDays: 3650 });
  return { ...ca, ...issueServingCertificate(ca, { dnsNames, ipAddresses: [], ...servingOptions }) };
};

/** promgate's serving set with most of its serving certificate's life used: the next reconcile renews it. */
export const servingSetDueForRenewal = () =>
  validServingSet(serviceDnsNames('promgate', NAMESPACE), {
    validityDays: 3,
    notBefore: new Date(Date.now() - 2.5 * DAY_MS),
  });

/** Each webhook entry's caBundle, decoded to its PEM text. */
export function caBundlePems(server: FakeApiServer): string[] {
  return caBundles(server).map((bundle) => Buffer.from(bundle, 'base64').toString('utf8'));
}

/** A clock the test moves by hand, for `CertificateBootstrapOptions.now`. */
export function manualClock(start: Date = new Date()): { now: () => Date; advance: (ms: number) => void } {
  let current = start.getTime();
  return { now: () => new Date(current), advance: (ms) => (current += ms) };
}
