import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { reconcileCertificates, serviceDnsNames } from '../../src/kube/certificate-bootstrap.js';
import { KubeApiError } from '../../src/kube/errors.js';
import {
  NAMESPACE,
  DAY_MS,
  cluster,
  options,
  storedSecret,
  secretPem,
  caBundles,
  secretFor,
  verbs,
  validServingSet,
  servingSetDueForRenewal,
} from './bootstrap-fixtures.js';

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
  const nearExpiry = servingSetDueForRenewal();
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
