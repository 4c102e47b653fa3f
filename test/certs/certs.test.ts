import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import forge from 'node-forge';
import {
  DEFAULT_DNS_NAMES,
  generateCertificateAuthority,
  generateCertificateSet,
  issueServingCertificate,
} from '../../src/certs/generate.js';
import {
  CERTIFICATE_FILES,
  ensureDevelopmentCertificates,
  readCertificateFiles,
  writeCertificateFiles,
  writeCertificateSet,
} from '../../src/certs/files.js';
import { certificateNotAfter, renewalReason, renewalTime, subjectAltNames } from '../../src/certs/inspect.js';

const DAY_MS = 24 * 60 * 60 * 1000;

async function temporaryDir(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'promgate-certs-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const defaultSet = generateCertificateSet({ validityDays: 30 });

t.test('the default set: SANs, chain, validity, extensions', async (t) => {
  const ca = new X509Certificate(defaultSet.caCert);
  const serving = new X509Certificate(defaultSet.tlsCert);
  t.ok(ca.ca, 'CA certificate says CA:TRUE');
  t.notOk(serving.ca, 'serving certificate is not a CA');
  t.ok(serving.verify(ca.publicKey), 'serving certificate verifies against the CA key');
  t.ok(ca.verify(ca.publicKey), 'CA is self-signed');
  t.ok(serving.checkIssued(ca), 'issuer matches the CA subject');
  for (const name of DEFAULT_DNS_NAMES) t.equal(serving.checkHost(name, { subject: 'never' }), name, `covers ${name}`);
  t.equal(serving.checkIP('127.0.0.1'), '127.0.0.1');
  t.equal(serving.checkHost('evil.example.com'), undefined);
  t.same(subjectAltNames(defaultSet.tlsCert).ipAddresses, ['127.0.0.1']);
  t.ok(serving.checkPrivateKey(createPrivateKey(defaultSet.tlsKey)), 'tls.key matches tls.crt');
  t.ok(ca.checkPrivateKey(createPrivateKey(defaultSet.caKey)), 'ca.key matches ca.crt');
  t.same(serving.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'extended key usage is serverAuth only');
  const lifetimeDays = (certificateNotAfter(defaultSet.tlsCert).getTime() - Date.parse(serving.validFrom)) / DAY_MS;
  t.equal(Math.round(lifetimeDays), 30);
  t.ok(Date.parse(serving.validFrom) <= Date.now(), 'valid from now (back-dated for clock skew)');
  t.equal((serving.publicKey.asymmetricKeyDetails ?? {}).modulusLength, 2048);
  t.not(serving.serialNumber, ca.serialNumber);
});

t.test('key identifiers link the serving certificate to its CA', async (t) => {
  // Node's X509Certificate does not expose these extensions; forge parses them.
  const caCert = forge.pki.certificateFromPem(defaultSet.caCert);
  const servingCert = forge.pki.certificateFromPem(defaultSet.tlsCert);
  const ski = (caCert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier: string }).subjectKeyIdentifier;
  const aki = servingCert.getExtension('authorityKeyIdentifier') as { value: string };
  t.ok(ski.length > 0, 'CA has a subject key identifier');
  t.ok(forge.util.bytesToHex(aki.value).includes(ski), 'serving AKI holds the CA SKI');
  t.ok(servingCert.getExtension('subjectKeyIdentifier'), 'serving certificate has its own SKI');
  const basic = caCert.getExtension('basicConstraints') as { cA: boolean; critical: boolean };
  t.ok(basic.cA && basic.critical);
  const keyUsage = servingCert.getExtension('keyUsage') as { digitalSignature: boolean; keyCertSign?: boolean };
  t.ok(keyUsage.digitalSignature);
  t.notOk(keyUsage.keyCertSign, 'a serving certificate cannot sign certificates');
  t.equal(new X509Certificate(defaultSet.caCert).keyUsage, undefined, 'the CA carries no extended key usage');
});

t.test('custom names and days; bad input is refused', async (t) => {
  const ca = generateCertificateAuthority({ validityDays: 10 });
  const { tlsCert } = issueServingCertificate(ca, {
    dnsNames: ['webhook.example.internal'],
    ipAddresses: ['10.0.0.7', '::1'],
    validityDays: 2,
  });
  const cert = new X509Certificate(tlsCert);
  t.equal(cert.checkHost('webhook.example.internal'), 'webhook.example.internal');
  t.equal(cert.checkHost('localhost'), undefined, 'defaults are replaced, not added to');
  t.equal(cert.checkIP('10.0.0.7'), '10.0.0.7');
  t.equal(cert.checkIP('::1'), '::1');
  t.ok(cert.verify(new X509Certificate(ca.caCert).publicKey));
  t.throws(() => issueServingCertificate(ca, { validityDays: 0 }), /whole number of days/);
  t.throws(() => issueServingCertificate(ca, { ipAddresses: ['not-an-ip'] }), /not an IP address/);
  t.throws(() => issueServingCertificate(ca, { dnsNames: [], ipAddresses: [] }), /at least one/);
});

t.test('renewal decisions', async (t) => {
  t.equal(renewalReason(defaultSet), undefined, 'a fresh set is kept');
  t.equal(renewalReason(defaultSet, { dnsNames: ['promgate.promgate-system.svc'] }), undefined);
  t.match(renewalReason(defaultSet, { dnsNames: ['promgate.other.svc'] }), {
    scope: 'serving',
    reason: /does not cover promgate\.other\.svc/,
  });
  const renewAt = renewalTime(defaultSet.tlsCert);
  t.equal(Math.round((certificateNotAfter(defaultSet.tlsCert).getTime() - renewAt.getTime()) / DAY_MS), 10);
  t.match(renewalReason(defaultSet, { now: new Date(renewAt.getTime() + 1000) }), { scope: 'ca' });
  const ca = { caCert: defaultSet.caCert, caKey: defaultSet.caKey };
  const shortLived = { ...ca, ...issueServingCertificate(ca, { validityDays: 3, notBefore: new Date(Date.now() - 2.5 * DAY_MS) }) };
  t.match(renewalReason(shortLived), { scope: 'serving', reason: /serving certificate expires/ });
  const foreign = generateCertificateSet({ validityDays: 30 });
  t.match(renewalReason({ ...defaultSet, tlsCert: foreign.tlsCert, tlsKey: foreign.tlsKey }), {
    scope: 'serving',
    reason: /not signed by ca\.crt/,
  });
  t.match(renewalReason({ ...defaultSet, tlsKey: foreign.tlsKey }), { reason: /tls\.key does not belong/ });
  t.match(renewalReason({ ...defaultSet, caKey: foreign.caKey }), { scope: 'ca', reason: /ca\.key does not belong/ });
  t.match(renewalReason({ ...defaultSet, caCert: 'garbage' }), { scope: 'ca', reason: /unreadable/ });
});

t.test('writeCertificateSet writes four PEM files, keys private', async (t) => {
  const dir = await temporaryDir(t);
  const set = await writeCertificateSet(dir, { validityDays: 5 });
  for (const [field, name] of Object.entries(CERTIFICATE_FILES)) {
    t.equal(await readFile(join(dir, name), 'utf8'), set[field as keyof typeof set], `${name} holds the PEM`);
  }
  t.equal((await stat(join(dir, 'ca.key'))).mode & 0o777, 0o600);
  t.equal((await stat(join(dir, 'tls.key'))).mode & 0o777, 0o600);
  t.equal((await stat(join(dir, 'tls.crt'))).mode & 0o777, 0o644);
  t.match(set.tlsKey, /^-----BEGIN RSA PRIVATE KEY-----/);
  t.same(await readCertificateFiles(dir), set);
  t.same(await writeCertificateFiles(dir, set), [], 'rewriting the same set changes nothing');
});

t.test('ensureDevelopmentCertificates creates once, then keeps', async (t) => {
  const dir = join(await temporaryDir(t), 'certs');
  const first = await ensureDevelopmentCertificates(dir);
  t.equal(first.status, 'created');
  const second = await ensureDevelopmentCertificates(dir);
  t.equal(second.status, 'existing');
  t.same(second.set, first.set, 'the same files are kept');
  await unlink(join(dir, 'tls.key'));
  const third = await ensureDevelopmentCertificates(dir);
  t.equal(third.status, 'created', 'a missing file means a new set');
  t.not(third.set.caCert, first.set.caCert);
  const afterExpiry = new Date(certificateNotAfter(third.set.tlsCert).getTime() + 1000);
  const fourth = await ensureDevelopmentCertificates(dir, afterExpiry);
  t.equal(fourth.status, 'replaced-expired');
});

t.test('readCertificateFiles reports missing files and rethrows other errors', async (t) => {
  const dir = await temporaryDir(t);
  t.equal(await readCertificateFiles(dir), undefined);
  await writeFile(join(dir, 'ca.crt'), 'x');
  t.same(await readCertificateFiles(dir, { partial: true }), { caCert: 'x' });
  await t.rejects(readCertificateFiles(join(dir, 'ca.crt')), { code: 'ENOTDIR' });
});
