import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { reconcileCertificates, type ReconcileResult } from '../../src/kube/certificate-bootstrap.js';
import { KubeApiError, isClusterAccessError } from '../../src/kube/errors.js';
import {
  cluster,
  options,
  storedSecret,
  secretPem,
  caBundles,
  secretFor,
  barrier,
  isSecretRead,
  servingSetDueForRenewal,
} from './bootstrap-fixtures.js';

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

t.test('two replicas renewing at once: one Conflict, one result', async (t) => {
  const server = await cluster(t);
  server.put(secretFor(servingSetDueForRenewal()));
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

t.test('a Secret that changes before every update ends in a KubeApiError, reported without a stack', async (t) => {
  const server = await cluster(t);
  server.put(secretFor(servingSetDueForRenewal()));
  // Another writer always gets there first: each update meets a newer resourceVersion (409 Conflict).
  server.beforeHandle = (request) => {
    if (request.verb === 'update' && request.resource.plural === 'secrets') server.put(storedSecret(server)!);
  };
  const err: unknown = await reconcileCertificates(await options(t, server)).catch((thrown: unknown) => thrown);
  t.ok(err instanceof KubeApiError, 'a cluster condition, not a bug');
  t.ok(isClusterAccessError(err), 'so serve turns it into a one-line error with exit code 2');
  t.match(err, {
    statusCode: 409,
    reason: 'Conflict',
    message: /could not settle secret "promgate-tls" after \d+ attempts/,
  });
  t.ok(server.requests.filter((r) => r.verb === 'update').length > 1, 'it did retry');
});
