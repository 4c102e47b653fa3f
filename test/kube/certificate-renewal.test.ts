import { X509Certificate } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { mock } from 'node:test';
import t from 'tap';
import { generateCertificateAuthority, issueServingCertificate } from '../../src/certs/generate.js';
import { syncCaBundles } from '../../src/kube/ca-bundle.js';
import {
  reconcileCertificates,
  serviceDnsNames,
  startCertificateRenewal,
  type ReconcileResult,
} from '../../src/kube/certificate-bootstrap.js';
import { KubeApiError } from '../../src/kube/errors.js';
import { deferred } from '../support/deferred.js';
import type { StoredObject } from '../support/fake-apiserver.js';
import {
  NAMESPACE,
  DAY_MS,
  cluster,
  options,
  storedSecret,
  secretPem,
  caBundles,
  secretFor,
  validServingSet,
  servingSetDueForRenewal,
  isSecretRead,
  verbs,
} from './bootstrap-fixtures.js';

t.test('near expiry: the serving certificate is renewed under the same CA', async (t) => {
  const server = await cluster(t);
  const existing = servingSetDueForRenewal();
  server.put(secretFor(existing));
  await syncCaBundles(server.kubeConfig(), 'promgate', [existing.caCert]);
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

t.test(
  'a Secret lacking its serving key gets a new CA at once; the published CA stays trusted meanwhile',
  async (t) => {
    const server = await cluster(t);
    // Issued a day ago: notBefore has one-second precision, and the bundle is ordered by it.
    const ca = generateCertificateAuthority({ validityDays: 3650, notBefore: new Date(Date.now() - DAY_MS) });
    const existing = {
      ...ca,
      ...issueServingCertificate(ca, { dnsNames: serviceDnsNames('promgate', NAMESPACE), ipAddresses: [] }),
    };
    await syncCaBundles(server.kubeConfig(), 'promgate', [existing.caCert]);
    const broken = secretFor(existing);
    delete (broken['data'] as Record<string, string>)['tls.key'];
    server.put(broken);
    const result = await reconcileCertificates(await options(t, server));
    t.equal(result.secret, 'replaced-ca');
    t.equal(result.reason, 'Secret lacks tls.key');
    t.not(result.certificates.caCert, existing.caCert);
    t.same(result.state.previous, [existing.caCert], 'replicas still serving the old files stay trusted');
    t.ok(result.state.switchedAt, 'and are dropped one overlap later');
    t.same(
      new Set(caBundles(server)),
      new Set([Buffer.from(result.certificates.caCert + existing.caCert).toString('base64')]),
      'new CA first, then the old one',
    );
  },
);

t.test('startCertificateRenewal re-reconciles until stopped', async (t) => {
  const server = await cluster(t);
  const opts = await options(t, server);
  await reconcileCertificates(opts);
  // The loop's timer is driven by hand, and a round is counted the moment it starts (it reads the
  // clock first, synchronously): whether a round runs is then a fact, not a matter of waiting.
  mock.timers.enable({ apis: ['setTimeout'] });
  t.teardown(() => mock.timers.reset());
  const intervalMs = 60_000;
  let roundsStarted = 0;
  const rounds: ReconcileResult[] = [];
  const errors: unknown[] = [];
  let roundFinished = (): void => undefined;
  const stop = startCertificateRenewal({
    ...opts,
    intervalMs,
    now: () => {
      roundsStarted++;
      return new Date();
    },
    onReconciled: (result) => {
      rounds.push(result);
      roundFinished();
    },
    onError: (err) => {
      errors.push(err);
      roundFinished();
    },
  });
  for (let round = 1; round <= 2; round++) {
    const finished = new Promise<void>((resolve) => (roundFinished = resolve));
    mock.timers.tick(intervalMs - 1);
    t.equal(roundsStarted, round - 1, `round ${round} waits for the interval`);
    mock.timers.tick(1);
    t.equal(roundsStarted, round, `round ${round} starts when it has passed`);
    await finished;
    // The next round is scheduled once this one has settled: let its promise chain run out.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await stop();
  t.same(
    rounds.map((r) => r.secret),
    ['adopted', 'adopted'],
  );
  t.same(errors, []);
  mock.timers.tick(10 * intervalMs);
  t.equal(roundsStarted, 2, 'no round after stop');
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

t.test('an aborted reconcile takes no step after the call in flight', async (t) => {
  const server = await cluster(t);
  const opts = await options(t, server);
  const shutdown = new AbortController();
  // The abort arrives while the Secret is being read: that read completes, nothing follows it.
  server.beforeHandle = (request) => {
    if (isSecretRead(request)) shutdown.abort(new Error('shutting down'));
  };
  await t.rejects(reconcileCertificates({ ...opts, signal: shutdown.signal }), { message: 'shutting down' });
  t.same(verbs(server, 'secrets'), ['get'], 'no Secret created');
  t.same(caBundles(server), ['', '', ''], 'no caBundle written');
  t.same(await readdir(opts.certDir), [], 'no certificate files written');
});

t.test('stopping the renewal loop abandons a round whose API call never returns', async (t) => {
  const server = await cluster(t);
  const opts = await options(t, server);
  await reconcileCertificates(opts);
  const arrived = deferred();
  const released = deferred();
  t.teardown(() => released.resolve());
  server.beforeHandle = async (request) => {
    if (!isSecretRead(request)) return;
    arrived.resolve();
    await released.promise;
  };
  const reported: unknown[] = [];
  const stop = startCertificateRenewal({
    ...opts,
    intervalMs: 1,
    stopGraceMs: 10,
    onReconciled: (result) => reported.push(result),
    onError: (err) => reported.push(err),
  });
  await arrived.promise;
  const writesBefore = server.requests.filter((r) => r.verb !== 'get').length;
  await stop();
  t.same(reported, [], 'a round cut short by shutdown is neither a result nor a failure');
  t.equal(server.requests.filter((r) => r.verb !== 'get').length, writesBefore, 'nothing written after the stop');
});
