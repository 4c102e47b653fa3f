import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import {
  generateCertificateAuthority,
  issueServingCertificate,
  type CertificateSet,
} from '../../src/certs/generate.js';
import { caBundlePatch, syncCaBundles } from '../../src/kube/ca-bundle.js';
import {
  reconcileCertificates,
  serviceDnsNames,
  startCertificateRenewal,
  type CertificateBootstrapOptions,
  type ReconcileResult,
} from '../../src/kube/certificate-bootstrap.js';
import { KubeApiError } from '../../src/kube/errors.js';
import { FakeApiServer, type ApiRequest, type StoredObject } from '../support/fake-apiserver.js';

const NAMESPACE = 'promgate-system';
const DAY_MS = 24 * 60 * 60 * 1000;

function webhookConfiguration(
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

async function cluster(t: Test, options: { webhooks?: boolean } = {}): Promise<FakeApiServer> {
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

async function options(
  t: Test,
  server: FakeApiServer,
  extra: Partial<CertificateBootstrapOptions> = {},
): Promise<CertificateBootstrapOptions> {
  return { kubeConfig: server.kubeConfig(), namespace: NAMESPACE, certDir: await certDir(t), ...extra };
}

function storedSecret(server: FakeApiServer): StoredObject | undefined {
  return server.get('v1', 'Secret', 'promgate-tls', NAMESPACE);
}

function secretPem(secret: StoredObject | undefined, key: string): string {
  return Buffer.from((secret?.['data'] as Record<string, string>)[key]!, 'base64').toString('utf8');
}

function caBundles(server: FakeApiServer): string[] {
  return ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'].flatMap((kind) =>
    (
      server.get('admissionregistration.k8s.io/v1', kind, 'promgate')?.['webhooks'] as Array<{
        clientConfig: { caBundle?: string };
      }>
    ).map((w) => w.clientConfig.caBundle ?? ''),
  );
}

function secretFor(set: CertificateSet): StoredObject {
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
function barrier(count: number, matches: (request: ApiRequest) => boolean): (request: ApiRequest) => Promise<void> {
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

const isSecretRead = (r: ApiRequest) => r.verb === 'get' && r.resource.plural === 'secrets';
const verbs = (server: FakeApiServer, plural: string) =>
  server.requests.filter((r) => r.resource.plural === plural).map((r) => r.verb);
const validServingSet = (dnsNames: string[], servingOptions: { validityDays?: number; notBefore?: Date } = {}) => {
  const ca = generateCertificateAuthority({ validityDays: 3650 });
  return { ...ca, ...issueServingCertificate(ca, { dnsNames, ipAddresses: [], ...servingOptions }) };
};

t.test('fresh cluster: creates the Secret, writes the files, sets every caBundle', async (t) => {
  const server = await cluster(t);
  const opts = await options(t, server);
  const result = await reconcileCertificates(opts);
  t.equal(result.secret, 'created');
  const secret = storedSecret(server);
  t.equal(secret?.['type'], 'kubernetes.io/tls');
  t.same(Object.keys(secret?.['data'] as object).sort(), ['ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
  t.match(secret?.metadata['labels'], { 'app.kubernetes.io/managed-by': 'promgate' });
  for (const [file, key] of [
    ['tls.crt', 'tls.crt'],
    ['tls.key', 'tls.key'],
    ['ca.crt', 'ca.crt'],
  ] as const) {
    t.equal(
      await readFile(join(opts.certDir, file), 'utf8'),
      secretPem(secret, key),
      `${file} on disk equals the Secret`,
    );
  }
  const serving = new X509Certificate(result.certificates.tlsCert);
  t.ok(serving.verify(new X509Certificate(result.certificates.caCert).publicKey));
  for (const name of serviceDnsNames('promgate', NAMESPACE))
    t.equal(serving.checkHost(name, { subject: 'never' }), name);
  t.same(
    caBundles(server),
    Array(3).fill(Buffer.from(result.certificates.caCert).toString('base64')),
    'all three webhooks',
  );
  t.same(
    result.caBundles.map((c) => [c.kind, c.status, c.webhooksPatched]),
    [
      ['MutatingWebhookConfiguration', 'patched', 1],
      ['ValidatingWebhookConfiguration', 'patched', 2],
    ],
  );
  const patches = server.requests.filter((r) => r.verb === 'patch');
  t.ok(
    patches.every((r) => r.contentType === 'application/json-patch+json'),
    'JSON patch content type',
  );
  t.ok(result.renewAt > new Date(Date.now() + 200 * DAY_MS), 'renewal far in the future');
});

t.test('second run adopts: nothing written, caBundle not re-patched', async (t) => {
  const server = await cluster(t);
  const opts = await options(t, server);
  const first = await reconcileCertificates(opts);
  server.requests.length = 0;
  const second = await reconcileCertificates(opts);
  t.equal(second.secret, 'adopted');
  t.same(second.filesChanged, [], 'files already current');
  t.same(second.certificates, first.certificates);
  t.same(
    second.caBundles.map((c) => c.status),
    ['unchanged', 'unchanged'],
  );
  t.same(verbs(server, 'secrets'), ['get'], 'only read the Secret');
  t.equal(server.requests.filter((r) => r.verb === 'patch').length, 0, 'no patch when the bundle is equal');
});

t.test('adopts a Secret made elsewhere, keeping its CA', async (t) => {
  const server = await cluster(t);
  const existing = validServingSet(serviceDnsNames('promgate', NAMESPACE));
  server.put(secretFor(existing));
  const opts = await options(t, server);
  const result = await reconcileCertificates(opts);
  t.equal(result.secret, 'adopted');
  t.equal(result.certificates.caCert, existing.caCert);
  t.equal(await readFile(join(opts.certDir, 'tls.crt'), 'utf8'), existing.tlsCert);
  t.same(caBundles(server), Array(3).fill(Buffer.from(existing.caCert).toString('base64')));
});

t.test('two replicas racing on a fresh cluster end with one CA', async (t) => {
  const server = await cluster(t);
  // Both reads are answered only once both have arrived: both see 404 and both try to create.
  server.beforeHandle = barrier(2, isSecretRead);
  const [a, b] = await Promise.all([
    reconcileCertificates(await options(t, server)),
    reconcileCertificates(await options(t, server)),
  ]);
  const results = [a, b] as ReconcileResult[];
  t.same(results.map((r) => r.secret).sort(), ['adopted', 'created'], 'one created, the other adopted');
  t.equal(
    server.requests.filter((r) => r.verb === 'create').length,
    2,
    'both tried to create; one got 409 AlreadyExists',
  );
  t.equal(server.list('v1', 'Secret').length, 1);
  const ca = secretPem(storedSecret(server), 'ca.crt');
  t.equal(a.certificates.caCert, ca);
  t.equal(b.certificates.caCert, ca);
  t.equal(a.certificates.tlsCert, b.certificates.tlsCert, 'the same serving certificate too');
  t.same(new Set(caBundles(server)), new Set([Buffer.from(ca).toString('base64')]), 'caBundle is that one CA');
});

t.test('three replicas racing', async (t) => {
  const server = await cluster(t);
  server.beforeHandle = barrier(3, isSecretRead);
  const dirs = await Promise.all([1, 2, 3].map(() => options(t, server)));
  const results = await Promise.all(dirs.map((o) => reconcileCertificates(o)));
  t.equal(results.filter((r) => r.secret === 'created').length, 1);
  const onDisk = await Promise.all(dirs.map((o) => readFile(join(o.certDir, 'ca.crt'), 'utf8')));
  t.equal(new Set(onDisk).size, 1, 'every local dir holds the same CA');
  t.equal(onDisk[0], secretPem(storedSecret(server), 'ca.crt'));
});

t.test('near expiry: the serving certificate is renewed under the same CA', async (t) => {
  const server = await cluster(t);
  const existing = validServingSet(serviceDnsNames('promgate', NAMESPACE), {
    validityDays: 3,
    notBefore: new Date(Date.now() - 2.5 * DAY_MS),
  });
  server.put(secretFor(existing));
  await syncCaBundles(server.kubeConfig(), 'promgate', existing.caCert);
  server.requests.length = 0;
  const opts = await options(t, server);
  const result = await reconcileCertificates(opts);
  t.equal(result.secret, 'renewed-serving');
  t.match(result.reason, /serving certificate expires/);
  t.equal(result.certificates.caCert, existing.caCert, 'CA kept');
  t.not(result.certificates.tlsCert, existing.tlsCert);
  t.equal(secretPem(storedSecret(server), 'tls.crt'), result.certificates.tlsCert);
  const update = server.requests.find((r) => r.verb === 'update');
  t.ok((update?.body as StoredObject).metadata.resourceVersion, 'the update carries the resourceVersion it read');
  t.equal(server.requests.filter((r) => r.verb === 'patch').length, 0, 'CA unchanged, so caBundle untouched');
  t.ok(new X509Certificate(result.certificates.tlsCert).verify(new X509Certificate(existing.caCert).publicKey));
});

t.test('a certificate not covering the Service is reissued', async (t) => {
  const server = await cluster(t);
  server.put(secretFor(validServingSet(serviceDnsNames('promgate', 'elsewhere'))));
  const result = await reconcileCertificates(await options(t, server));
  t.equal(result.secret, 'renewed-serving');
  t.match(result.reason, /does not cover promgate\.promgate-system/);
  t.equal(
    new X509Certificate(result.certificates.tlsCert).checkHost('promgate.promgate-system.svc'),
    'promgate.promgate-system.svc',
  );
});

t.test('a CA near expiry or a broken Secret is replaced, and the caBundle follows', async (t) => {
  const server = await cluster(t);
  const oldCa = generateCertificateAuthority({ validityDays: 3, notBefore: new Date(Date.now() - 2.5 * DAY_MS) });
  server.put(
    secretFor({
      ...oldCa,
      ...issueServingCertificate(oldCa, { dnsNames: serviceDnsNames('promgate', NAMESPACE), ipAddresses: [] }),
    }),
  );
  const result = await reconcileCertificates(await options(t, server));
  t.equal(result.secret, 'replaced-ca');
  t.not(result.certificates.caCert, oldCa.caCert);
  t.same(new Set(caBundles(server)), new Set([Buffer.from(result.certificates.caCert).toString('base64')]));

  const broken = secretFor(result.certificates);
  delete (broken['data'] as Record<string, string>)['ca.key'];
  const brokenServer = await cluster(t);
  brokenServer.put(broken);
  const repaired = await reconcileCertificates(await options(t, brokenServer));
  t.equal(repaired.secret, 'replaced-ca');
  t.match(repaired.reason, /lacks one of/);
});

t.test('two replicas renewing at once: one Conflict, one result', async (t) => {
  const server = await cluster(t);
  server.put(
    secretFor(
      validServingSet(serviceDnsNames('promgate', NAMESPACE), {
        validityDays: 3,
        notBefore: new Date(Date.now() - 2.5 * DAY_MS),
      }),
    ),
  );
  server.beforeHandle = barrier(2, isSecretRead);
  server.requests.length = 0;
  const [a, b] = await Promise.all([
    reconcileCertificates(await options(t, server)),
    reconcileCertificates(await options(t, server)),
  ]);
  t.same([a.secret, b.secret].sort(), ['adopted', 'renewed-serving']);
  t.equal(server.requests.filter((r) => r.verb === 'update').length, 2, 'both tried; the second got 409 Conflict');
  t.equal(a.certificates.tlsCert, b.certificates.tlsCert);
  t.equal(a.certificates.tlsCert, secretPem(storedSecret(server), 'tls.crt'));
});

t.test('needs no more than the RBAC in manifests/base/rbac-bootstrap.yaml grants', async (t) => {
  const server = await cluster(t);
  server.authorize = (r) => {
    if (r.resource.plural === 'secrets') {
      return (
        r.namespace === NAMESPACE &&
        (r.verb === 'create' || (['get', 'update'].includes(r.verb) && r.name === 'promgate-tls'))
      );
    }
    if (r.resource.plural.endsWith('webhookconfigurations'))
      return r.name === 'promgate' && ['get', 'patch'].includes(r.verb);
    return false;
  };
  const created = await reconcileCertificates(await options(t, server));
  t.equal(created.secret, 'created');
  const nearExpiry = validServingSet(serviceDnsNames('promgate', NAMESPACE), {
    validityDays: 3,
    notBefore: new Date(Date.now() - 2.5 * DAY_MS),
  });
  server.put({ ...secretFor(nearExpiry), metadata: storedSecret(server)!.metadata });
  const renewed = await reconcileCertificates(await options(t, server));
  t.equal(renewed.secret, 'renewed-serving', 'update allowed');
  t.same(new Set(caBundles(server)), new Set([Buffer.from(nearExpiry.caCert).toString('base64')]), 'patch allowed');
});

t.test('webhook configurations not yet applied: reported, not fatal', async (t) => {
  const server = await cluster(t, { webhooks: false });
  const warnings: string[] = [];
  const result = await reconcileCertificates(
    await options(t, server, { logger: { info: () => {}, warn: (_details, message) => warnings.push(message) } }),
  );
  t.same(
    result.caBundles.map((c) => c.status),
    ['missing', 'missing'],
  );
  t.equal(warnings.length, 2);
});

t.test('RBAC refusal is a clear error', async (t) => {
  const server = await cluster(t);
  server.authorize = (r) => r.resource.plural !== 'secrets';
  const error = await reconcileCertificates(await options(t, server)).catch((e: unknown) => e);
  t.type(error, KubeApiError);
  t.equal(
    (error as Error).message,
    'cannot get secret "promgate-tls" in namespace "promgate-system": 403 Forbidden: secrets "promgate-tls" is forbidden: User "test-user" cannot get resource "secrets" in API group "" in the namespace "promgate-system"',
  );
});

t.test('caBundlePatch: guarded by name, only entries that differ', async (t) => {
  t.same(
    caBundlePatch(
      {
        webhooks: [
          { name: 'a', clientConfig: { caBundle: 'NEW' } },
          { name: 'b/c~d', clientConfig: {} },
        ],
      },
      'NEW',
    ),
    [
      { op: 'test', path: '/webhooks/1/name', value: 'b/c~d' },
      { op: 'add', path: '/webhooks/1/clientConfig/caBundle', value: 'NEW' },
    ],
  );
  t.same(caBundlePatch({ webhooks: [] }, 'X'), []);
  t.same(caBundlePatch({}, 'X'), []);
});

t.test('a reordered webhook list fails the test op and is re-read', async (t) => {
  const server = await cluster(t);
  let reordered = false;
  server.beforeHandle = (r) => {
    // Between the read and the patch, someone swaps the validating webhooks.
    if (r.verb === 'patch' && r.resource.plural === 'validatingwebhookconfigurations' && !reordered) {
      reordered = true;
      const current = server.get('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'promgate')!;
      (current['webhooks'] as unknown[]).reverse();
      (current['webhooks'] as Array<{ clientConfig: { caBundle?: string } }>)[0]!.clientConfig.caBundle =
        Buffer.from('stale').toString('base64');
      server.put(current);
    }
  };
  const { caCert } = generateCertificateAuthority();
  const results = await syncCaBundles(server.kubeConfig(), 'promgate', caCert);
  t.same(
    results.map((r) => r.status),
    ['patched', 'patched'],
  );
  t.same(new Set(caBundles(server)), new Set([Buffer.from(caCert).toString('base64')]));
  t.equal(
    server.requests.filter((r) => r.resource.plural === 'validatingwebhookconfigurations' && r.verb === 'patch').length,
    2,
  );
});

t.test('startCertificateRenewal re-reconciles until stopped', async (t) => {
  const server = await cluster(t);
  const opts = await options(t, server);
  await reconcileCertificates(opts);
  const rounds: ReconcileResult[] = [];
  const errors: unknown[] = [];
  let stop!: () => Promise<void>;
  await new Promise<void>((resolve) => {
    stop = startCertificateRenewal({
      ...opts,
      intervalMs: 5,
      onReconciled: (result) => {
        rounds.push(result);
        if (rounds.length === 2) resolve();
      },
      onError: (err) => errors.push(err),
    });
  });
  await stop();
  const count = rounds.length;
  t.same(
    rounds.map((r) => r.secret),
    Array(count).fill('adopted'),
  );
  t.same(errors, []);
  await new Promise((resolve) => setTimeout(resolve, 30));
  t.equal(rounds.length, count, 'no round after stop');
});

t.test('the renewal loop reports errors and keeps going', async (t) => {
  const server = await cluster(t);
  const opts = await options(t, server);
  let denied = true;
  server.authorize = () => !denied;
  const errors: unknown[] = [];
  const recovered = new Promise<ReconcileResult>((resolve) => {
    const stop = startCertificateRenewal({
      ...opts,
      intervalMs: 5,
      onError: (err) => {
        errors.push(err);
        denied = false;
      },
      onReconciled: (result) => {
        void stop().then(() => resolve(result));
      },
    });
  });
  const result = await recovered;
  t.type(errors[0], KubeApiError);
  t.equal(result.secret, 'created');
});
