// CA rotation by the certificate bootstrap: at no step may any replica serve a certificate that
// the published caBundle cannot verify (docs/adr/070-ca-rotation-overlap.md).
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, get } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { writeCertificateFiles } from '../../src/certs/files.js';
import {
  generateCertificateAuthority,
  issueServingCertificate,
  type CertificateSet,
} from '../../src/certs/generate.js';
import { splitPemCertificates } from '../../src/certs/trust-bundle.js';
import { syncCaBundles } from '../../src/kube/ca-bundle.js';
import {
  reconcileCertificates,
  serviceDnsNames,
  startCertificateRenewal,
  type CertificateBootstrapOptions,
  type ReconcileResult,
} from '../../src/kube/certificate-bootstrap.js';
import type { ApiRequest, FakeApiServer, StoredObject } from '../support/fake-apiserver.js';
import {
  DAY_MS,
  NAMESPACE,
  barrier,
  caBundlePems,
  cluster,
  isSecretRead,
  manualClock,
  options,
  secretFor,
  secretPem,
  storedSecret,
} from './bootstrap-fixtures.js';

const HOUR_MS = 60 * 60 * 1000;
const OVERLAP_MS = HOUR_MS;
const SERVICE_HOST = `promgate.${NAMESPACE}.svc`;

/** A CA that the bootstrap must replace (less than a third of its life left), with its serving pair. */
function nearExpirySet(): CertificateSet {
  const ca = generateCertificateAuthority({ validityDays: 3, notBefore: new Date(Date.now() - 2.5 * DAY_MS) });
  return {
    ...ca,
    ...issueServingCertificate(ca, { dnsNames: serviceDnsNames('promgate', NAMESPACE), ipAddresses: [] }),
  };
}

/** A cluster whose Secret and caBundles hold `set`, as a running installation would. */
async function installed(t: Test, set: CertificateSet): Promise<FakeApiServer> {
  const server = await cluster(t);
  server.put(secretFor(set));
  await syncCaBundles(server.kubeConfig(), 'promgate', [set.caCert]);
  return server;
}

const signedBy = (cert: string, ca: string): boolean =>
  new X509Certificate(cert).verify(new X509Certificate(ca).publicKey);

/** What the API server does with one webhook entry's caBundle: can any CA in it verify `tlsCert`? */
const verifiable = (bundlePem: string, tlsCert: string): boolean =>
  splitPemCertificates(bundlePem).some((ca) => signedBy(tlsCert, ca));

/** The invariant: every replica's serving certificate on disk is verifiable by every caBundle. */
async function assertEveryReplicaTrusted(t: Test, server: FakeApiServer, replicas: CertificateBootstrapOptions[]) {
  for (const [index, replica] of replicas.entries()) {
    const tlsCert = await readFile(join(replica.certDir, 'tls.crt'), 'utf8');
    t.ok(
      caBundlePems(server).every((bundle) => verifiable(bundle, tlsCert)),
      `replica ${index + 1}'s certificate is trusted by every caBundle`,
    );
  }
}

/**
 * Checks each Secret write as it reaches the API server: the serving certificate it carries must
 * already be verifiable by every published caBundle, i.e. no serving certificate from a CA exists
 * before that CA is published. Returns the number of writes checked and the ones that failed.
 */
function watchSecretWrites(server: FakeApiServer): {
  check: (request: ApiRequest) => void;
  checked: number;
  untrusted: string[];
} {
  const watch = {
    checked: 0,
    untrusted: [] as string[],
    check: (request: ApiRequest) => {
      if (request.resource.plural !== 'secrets' || !['create', 'update'].includes(request.verb)) return;
      const tlsCert = secretPem(request.body as StoredObject, 'tls.crt');
      watch.checked++;
      if (!caBundlePems(server).every((bundle) => verifiable(bundle, tlsCert))) {
        watch.untrusted.push(new X509Certificate(tlsCert).serialNumber);
      }
    },
  };
  return watch;
}

/** A real TLS handshake, as the API server would make it, against a server using `pair`. */
async function handshake(pair: { tlsCert: string; tlsKey: string }, trustedPem: string): Promise<string> {
  const server = createServer({ cert: pair.tlsCert, key: pair.tlsKey }, (_request, response) => response.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<string>((resolve) => {
      get(
        { host: '127.0.0.1', port, servername: SERVICE_HOST, ca: trustedPem, path: '/', agent: false },
        (response) => {
          response.resume();
          response.on('end', () => resolve('trusted'));
        },
      ).on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

t.test('a CA replacement walks staged → published → switched → retired, trusted at every step', async (t) => {
  const old = nearExpirySet();
  const server = await installed(t, old);
  const clock = manualClock();
  const [first, second] = [
    await options(t, server, { now: clock.now, caOverlapMs: OVERLAP_MS }),
    await options(t, server, { now: clock.now, caOverlapMs: OVERLAP_MS }),
  ] as const;
  const replicas = [first, second];
  // Both replicas run, serving what they loaded from the Secret.
  for (const replica of replicas) await writeCertificateFiles(replica.certDir, old);
  const writes = watchSecretWrites(server);
  server.beforeHandle = writes.check;
  t.equal((await reconcileCertificates(first)).secret, 'staged-ca');

  // Staged: the new CA is in every caBundle, newest first, and signs nothing yet.
  const staged = storedSecret(server);
  const nextCa = secretPem(staged, 'ca-next.crt');
  t.not(nextCa, old.caCert);
  t.equal(secretPem(staged, 'tls.crt'), old.tlsCert, 'the Secret still holds the old serving certificate');
  t.same(caBundlePems(server), Array(3).fill(nextCa + old.caCert), 'both CAs published, the new one first');
  for (const replica of replicas) {
    t.ok(signedBy(await readFile(join(replica.certDir, 'tls.crt'), 'utf8'), old.caCert), 'replicas serve the old CA');
  }
  await assertEveryReplicaTrusted(t, server, replicas);
  t.equal(await handshake(old, caBundlePems(server)[0]!), 'trusted', 'the old certificate, with both CAs published');

  // The next round (of any replica) sees the caBundle carrying both, and records when.
  clock.advance(60_000);
  const published = await reconcileCertificates(second);
  t.equal(published.secret, 'published-ca');
  t.same(published.filesChanged, [], 'nothing to reload yet');
  const publishedAt = storedSecret(server)?.metadata['annotations'] as Record<string, string>;
  t.equal(publishedAt['promgate.io/ca-next-published-at'], clock.now().toISOString());
  t.equal((await reconcileCertificates(first)).secret, 'adopted');

  // Not before one overlap since publication.
  clock.advance(OVERLAP_MS - 1);
  t.equal((await reconcileCertificates(first)).secret, 'adopted', 'overlap not over: no switch');
  t.equal(secretPem(storedSecret(server), 'tls.crt'), old.tlsCert);

  clock.advance(1);
  const switched = await reconcileCertificates(first);
  t.equal(switched.secret, 'switched-ca');
  t.equal(switched.certificates.caCert, nextCa);
  t.ok(signedBy(switched.certificates.tlsCert, nextCa), 'serving certificate from the new CA');
  t.equal(secretPem(storedSecret(server), 'ca-previous.crt'), old.caCert);
  t.same(caBundlePems(server), Array(3).fill(nextCa + old.caCert), 'the old CA stays while replicas switch');
  // The second replica has not reconciled since: it still serves the old certificate, and is trusted.
  t.ok(signedBy(await readFile(join(second.certDir, 'tls.crt'), 'utf8'), old.caCert));
  await assertEveryReplicaTrusted(t, server, replicas);

  // During the overlap a client trusting exactly the published bundle reaches old and new servers.
  const bundle = caBundlePems(server)[0]!;
  t.equal(await handshake(old, bundle), 'trusted', 'a replica with the old certificate');
  t.equal(await handshake(switched.certificates, bundle), 'trusted', 'a replica with the new certificate');

  clock.advance(HOUR_MS / 2);
  const caughtUp = await reconcileCertificates(second);
  t.equal(caughtUp.secret, 'adopted');
  t.same(caughtUp.filesChanged.sort(), ['ca.crt', 'ca.key', 'tls.crt', 'tls.key'], 'the lagging replica switches');
  await assertEveryReplicaTrusted(t, server, replicas);

  clock.advance(HOUR_MS / 2);
  const retired = await reconcileCertificates(second);
  t.equal(retired.secret, 'retired-ca');
  t.same(caBundlePems(server), Array(3).fill(nextCa), 'after the overlap only the new CA');
  const data = storedSecret(server)?.['data'] as Record<string, string>;
  t.same(Object.keys(data).sort(), ['ca.crt', 'ca.key', 'tls.crt', 'tls.key'], 'rotation keys removed');
  t.notOk(storedSecret(server)?.metadata['annotations'], 'rotation annotations removed');
  await assertEveryReplicaTrusted(t, server, replicas);

  const onlyNew = caBundlePems(server)[0]!;
  t.equal(await handshake(switched.certificates, onlyNew), 'trusted');
  t.not(await handshake(old, onlyNew), 'trusted', 'the old certificate is no longer trusted');
  t.equal((await reconcileCertificates(first)).secret, 'adopted', 'settled');
  t.equal(writes.checked, 4, 'four Secret writes: staged, published, switched, retired');
  t.same(writes.untrusted, [], 'none carried a serving certificate the published caBundles could not verify');
});

t.test('no switch while some caBundle lacks the next CA', async (t) => {
  const old = nearExpirySet();
  const server = await installed(t, old);
  const clock = manualClock();
  const replica = await options(t, server, { now: clock.now, caOverlapMs: OVERLAP_MS });
  t.equal((await reconcileCertificates(replica)).secret, 'staged-ca');
  // Someone re-applies the validating configuration from the manifests, which carry no caBundle.
  const validating = server.get('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'promgate')!;
  for (const webhook of validating['webhooks'] as Array<{ clientConfig: { caBundle?: string } }>) {
    delete webhook.clientConfig.caBundle;
  }
  server.put(validating);
  clock.advance(2 * OVERLAP_MS);
  const repaired = await reconcileCertificates(replica);
  t.equal(repaired.secret, 'adopted', 'not published yet: nothing to record');
  t.same(
    repaired.caBundles.map((c) => c.status),
    ['unchanged', 'patched'],
  );
  clock.advance(2 * OVERLAP_MS);
  t.equal((await reconcileCertificates(replica)).secret, 'published-ca', 'recorded once every entry carries it');
  clock.advance(OVERLAP_MS - 1);
  t.equal((await reconcileCertificates(replica)).secret, 'adopted', 'the overlap counts from that moment');
});

t.test('a replica with an older view never removes the newer CA', async (t) => {
  const old = nearExpirySet();
  const server = await installed(t, old);
  const replica = await options(t, server);
  await reconcileCertificates(replica);
  const published = caBundlePems(server);
  // What a replica that read the Secret before the rotation began would publish.
  const results = await syncCaBundles(server.kubeConfig(), 'promgate', [old.caCert]);
  t.same(
    results.map((r) => r.status),
    ['unchanged', 'unchanged'],
  );
  t.same(caBundlePems(server), published);
  t.equal(splitPemCertificates(published[0]!).length, 2);
});

t.test('expired CAs are dropped from the caBundle and from the Secret', async (t) => {
  const server = await cluster(t);
  const previous = nearExpirySet().caCert;
  const active = generateCertificateAuthority({ validityDays: 3650 });
  // Issued after the active CA, expired by the clock below: newer than anything the Secret knows.
  const newerUnknown = generateCertificateAuthority({ validityDays: 1, notBefore: new Date(Date.now() - 60_000) });
  const set = {
    ...active,
    ...issueServingCertificate(active, { dnsNames: serviceDnsNames('promgate', NAMESPACE), ipAddresses: [] }),
  };
  const clock = manualClock(new Date(Date.now() + 2 * DAY_MS));
  const secret = secretFor(set);
  (secret['data'] as Record<string, string>)['ca-previous.crt'] = Buffer.from(previous).toString('base64');
  const switchedAt = new Date(clock.now().getTime() - 60_000);
  secret.metadata['annotations'] = { 'promgate.io/ca-switched-at': switchedAt.toISOString() };
  server.put(secret);
  await syncCaBundles(server.kubeConfig(), 'promgate', [set.caCert, previous, newerUnknown.caCert]);
  t.equal(splitPemCertificates(caBundlePems(server)[0]!).length, 3, 'published while they were valid');

  const replica = await options(t, server, { now: clock.now, caOverlapMs: OVERLAP_MS });
  const result = await reconcileCertificates(replica);
  t.equal(result.secret, 'adopted', 'the overlap is not over');
  t.same(caBundlePems(server), Array(3).fill(set.caCert), 'the expired previous CA and the expired newer one are gone');

  clock.advance(OVERLAP_MS);
  t.equal((await reconcileCertificates(replica)).secret, 'retired-ca');
  t.notOk((storedSecret(server)?.['data'] as Record<string, string>)['ca-previous.crt']);
});

t.test('an expired CA is never carried over when the Secret is recreated', async (t) => {
  const server = await cluster(t);
  const expired = generateCertificateAuthority({ validityDays: 1, notBefore: new Date(Date.now() - 2 * DAY_MS) });
  // Issued a day ago: notBefore has one-second precision, and the bundle is ordered by it.
  const valid = generateCertificateAuthority({ validityDays: 3650, notBefore: new Date(Date.now() - DAY_MS) });
  await syncCaBundles(server.kubeConfig(), 'promgate', [valid.caCert]);
  // The Secret was deleted; the caBundle still trusts the CA that signed the replicas' files.
  const result = await reconcileCertificates(await options(t, server));
  t.equal(result.secret, 'created');
  t.same(result.state.previous, [valid.caCert], 'the published CA stays trusted for one overlap');
  t.same(caBundlePems(server), Array(3).fill(result.certificates.caCert + valid.caCert));

  const other = await cluster(t);
  await syncCaBundles(other.kubeConfig(), 'promgate', [expired.caCert], new Date(Date.now() - DAY_MS - 60_000));
  t.equal(splitPemCertificates(caBundlePems(other)[0]!).length, 1, 'published while it was valid');
  const fresh = await reconcileCertificates(await options(t, other));
  t.same(fresh.state.previous, [], 'expired: not kept');
  t.notOk(fresh.state.switchedAt);
  t.same(caBundlePems(other), Array(3).fill(fresh.certificates.caCert));
});

t.test('a CA key that is missing or does not match is rotated in steps, keeping the served pair', async (t) => {
  const good = generateCertificateAuthority({ validityDays: 3650 });
  const set = {
    ...good,
    ...issueServingCertificate(good, { dnsNames: serviceDnsNames('promgate', NAMESPACE), ipAddresses: [] }),
  };
  const mismatched = await installed(t, { ...set, caKey: generateCertificateAuthority().caKey });
  const result = await reconcileCertificates(await options(t, mismatched));
  t.equal(result.secret, 'staged-ca');
  t.match(result.reason, /ca\.key does not belong to ca\.crt/);
  t.equal(result.certificates.tlsCert, set.tlsCert);

  const withoutKey = await installed(t, set);
  const secret = storedSecret(withoutKey)!;
  delete (secret['data'] as Record<string, string>)['ca.key'];
  withoutKey.put(secret);
  const staged = await reconcileCertificates(await options(t, withoutKey));
  t.equal(staged.secret, 'staged-ca');
  t.match(staged.reason, /unreadable certificate or key/);
  t.equal(staged.certificates.tlsCert, set.tlsCert, 'the served pair stays');
  t.equal(splitPemCertificates(caBundlePems(withoutKey)[0]!).length, 2, 'the next CA is published first');
});

t.test('racing replicas converge on one next CA and one switch', async (t) => {
  const old = nearExpirySet();
  const server = await installed(t, old);
  const clock = manualClock();
  const replicas = [
    await options(t, server, { now: clock.now, caOverlapMs: OVERLAP_MS }),
    await options(t, server, { now: clock.now, caOverlapMs: OVERLAP_MS }),
  ];
  const writes = watchSecretWrites(server);
  const race = async (): Promise<ReconcileResult[]> => {
    const bothRead = barrier(2, isSecretRead);
    server.beforeHandle = async (request) => {
      writes.check(request);
      await bothRead(request);
    };
    const results = await Promise.all(replicas.map((replica) => reconcileCertificates(replica)));
    server.beforeHandle = undefined;
    return results;
  };

  const staged = await race();
  t.same(staged.map((r) => r.secret).sort(), ['adopted', 'staged-ca'], 'one staged, the other adopted');
  const nextCa = secretPem(storedSecret(server), 'ca-next.crt');
  t.same(
    staged.map((r) => r.state.next?.caCert),
    [nextCa, nextCa],
    'both hold the winner’s next CA',
  );
  t.same(caBundlePems(server), Array(3).fill(nextCa + old.caCert), 'the loser’s CA was never published');

  clock.advance(60_000);
  t.same((await race()).map((r) => r.secret).sort(), ['adopted', 'published-ca']);
  clock.advance(OVERLAP_MS);
  const switched = await race();
  t.same(switched.map((r) => r.secret).sort(), ['adopted', 'switched-ca']);
  t.equal(switched[0]!.certificates.tlsCert, switched[1]!.certificates.tlsCert, 'one serving certificate');
  t.ok(signedBy(switched[0]!.certificates.tlsCert, nextCa));
  await assertEveryReplicaTrusted(t, server, replicas);
  clock.advance(OVERLAP_MS);
  t.same((await race()).map((r) => r.secret).sort(), ['adopted', 'retired-ca']);
  t.same(caBundlePems(server), Array(3).fill(nextCa));
  t.equal(writes.checked, 8, 'both replicas tried each of the four steps');
  t.same(writes.untrusted, [], 'no write carried a serving certificate the caBundles could not verify');
});

t.test('the renewal loop derives the overlap from its interval and completes a rotation', async (t) => {
  const server = await installed(t, nearExpirySet());
  const replica = await options(t, server);
  t.equal((await reconcileCertificates(replica)).secret, 'staged-ca');
  const steps: string[] = [];
  const errors: unknown[] = [];
  await new Promise<void>((resolve) => {
    const stop = startCertificateRenewal({
      ...replica,
      intervalMs: 5,
      onReconciled: (result) => {
        steps.push(result.secret);
        // With the default two-hour overlap the rotation would not move: give up after a while.
        if (result.secret === 'retired-ca' || steps.length >= 200) void stop().then(resolve);
      },
      onError: (err) => errors.push(err),
    });
  });
  t.same(errors, []);
  t.same(
    steps.filter((step) => step !== 'adopted'),
    ['published-ca', 'switched-ca', 'retired-ca'],
  );
  t.equal(splitPemCertificates(caBundlePems(server)[0]!).length, 1, 'only the new CA left');
});
