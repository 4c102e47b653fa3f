// Which TLS versions and cipher suites promgate's HTTPS listener negotiates, asked the way a
// scanner asks: a real client offering one suite at a time. Every suite is also offered to a
// permissive server holding the same key, so a refusal is promgate's choice and not a suite the
// client cannot offer or the key cannot sign for. Expected: what Go's servers accept (the API
// server's own): TLS 1.3, and TLS 1.2 only with ECDHE key exchange and an AEAD cipher.
import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, renameSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { connect, getCiphers, type ConnectionOptions } from 'node:tls';
import { CERTIFICATE_FILES } from '../../src/certs/files.js';
import { startTestServer } from '../support/server.js';

/** Every TLS 1.2 and 1.3 suite this Node's OpenSSL can offer, in OpenSSL's names (PSK and SRP need secrets a server has not got). */
const OFFERABLE = getCiphers()
  .map((name) => name.toUpperCase())
  .filter((name) => !/PSK|SRP/.test(name));

/** Go's crypto/tls rule, written independently of promgate's list. */
function goServerAccepts(suite: string): boolean {
  if (suite.startsWith('TLS_'))
    return /^TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)$/.test(suite);
  return suite.startsWith('ECDHE-') && /-(AES128-GCM-SHA256|AES256-GCM-SHA384|CHACHA20-POLY1305)$/.test(suite);
}

/** "TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256", or "refused" when the handshake fails. */
function negotiate(port: number, options: ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    // What is asked is which suite is negotiated, not whether the certificate is trusted (tested elsewhere).
    const socket = connect(
      { host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false, ...options },
      () => {
        resolve(`${socket.getProtocol() ?? '?'} ${socket.getCipher().name}`);
        socket.end();
      },
    );
    socket.on('error', () => resolve('refused'));
  });
}

/** One suite offered alone; SECLEVEL=0 lets the client offer even what OpenSSL deems weak. */
function offering(suite: string): ConnectionOptions {
  return suite.startsWith('TLS_')
    ? { ciphers: suite, minVersion: 'TLSv1.3' }
    : { ciphers: `${suite}:@SECLEVEL=0`, maxVersion: 'TLSv1.2' };
}

/** A server that accepts every suite and version its OpenSSL has, holding the key promgate holds. */
async function permissiveServer(t: Test, cert: Buffer, key: Buffer): Promise<number> {
  const everyTls13Suite = OFFERABLE.filter((suite) => suite.startsWith('TLS_')).join(':');
  const server = createServer({
    cert,
    key,
    minVersion: 'TLSv1',
    dhparam: 'auto',
    ciphers: `${everyTls13Suite}:ALL:@SECLEVEL=0`,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

/** Offers each suite to both servers; returns the suites the key could negotiate at all. */
async function compareSuites(t: Test, promgatePort: number, permissivePort: number): Promise<string[]> {
  const applicable: string[] = [];
  for (const suite of OFFERABLE) {
    const permissive = await negotiate(permissivePort, offering(suite));
    if (permissive === 'refused') continue; // another key type's suite (ECDSA with an RSA key)
    applicable.push(suite);
    const expected = goServerAccepts(suite) ? permissive : 'refused';
    t.equal(await negotiate(promgatePort, offering(suite)), expected, suite);
  }
  return applicable;
}

t.test('RSA serving key: TLS 1.3, and TLS 1.2 with ECDHE and AEAD only', async (t) => {
  const harness = await startTestServer();
  t.teardown(() => harness.stop());
  const permissivePort = await permissiveServer(
    t,
    Buffer.from(harness.certs.tlsCert),
    Buffer.from(harness.certs.tlsKey),
  );
  const applicable = await compareSuites(t, harness.server.port, permissivePort);
  for (const weak of [
    'AES128-GCM-SHA256',
    'AES256-SHA256',
    'AES128-SHA',
    'ECDHE-RSA-AES128-SHA',
    'ECDHE-RSA-AES256-SHA384',
    'DHE-RSA-AES128-GCM-SHA256',
  ]) {
    t.ok(applicable.includes(weak), `${weak} (RSA key exchange, CBC, SHA-1 or finite-field DHE) was really offered`);
  }
  t.same(
    applicable.filter(goServerAccepts).sort(),
    [
      'ECDHE-RSA-AES128-GCM-SHA256',
      'ECDHE-RSA-AES256-GCM-SHA384',
      'ECDHE-RSA-CHACHA20-POLY1305',
      'TLS_AES_128_GCM_SHA256',
      'TLS_AES_256_GCM_SHA384',
      'TLS_CHACHA20_POLY1305_SHA256',
    ],
    'the suites an RSA key serves',
  );
  for (const version of ['TLSv1', 'TLSv1.1'] as const) {
    const legacy = { minVersion: version, maxVersion: version, ciphers: 'ALL:@SECLEVEL=0' };
    t.not(await negotiate(permissivePort, legacy), 'refused', `${version} can be offered`);
    t.equal(await negotiate(harness.server.port, legacy), 'refused', `${version} is refused`);
  }
  t.match(await negotiate(harness.server.port, {}), /^TLSv1\.3 /, 'a default client gets TLS 1.3');
  const refused = applicable.filter((suite) => !goServerAccepts(suite)).length + 2;
  const { values } = await harness.metrics.clientErrors.get();
  t.equal(
    values.find((value) => value.labels.reason === 'tls_handshake')?.value,
    refused,
    `each of the ${refused} refused handshakes is counted in promgate_client_errors_total{reason="tls_handshake"}`,
  );
});

function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

t.test(
  'ECDSA serving key, installed by a certificate reload: the same rule',
  { skip: opensslAvailable() ? false : 'needs the openssl command to make an ECDSA certificate' },
  async (t) => {
    const harness = await startTestServer();
    t.teardown(() => harness.stop());
    const [certFile, keyFile] = [join(harness.certDir, 'ec.crt'), join(harness.certDir, 'ec.key')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: 'ignore' },
    );
    const [cert, key] = [readFileSync(certFile), readFileSync(keyFile)];
    // The key first: a reload triggered in between finds a pair that does not match, and waits.
    renameSync(keyFile, join(harness.certDir, CERTIFICATE_FILES.tlsKey));
    renameSync(certFile, join(harness.certDir, CERTIFICATE_FILES.tlsCert));
    const ecdsaSerial = new X509Certificate(cert).serialNumber;
    const servedSerial = (): Promise<string> =>
      new Promise((resolve) => {
        const socket = connect({ host: '127.0.0.1', port: harness.server.port, rejectUnauthorized: false }, () => {
          resolve(socket.getPeerX509Certificate()?.serialNumber ?? '');
          socket.end();
        });
        socket.on('error', () => resolve(''));
      });
    while ((await servedSerial()) !== ecdsaSerial) await new Promise((resolve) => setTimeout(resolve, 100));

    const applicable = await compareSuites(t, harness.server.port, await permissiveServer(t, cert, key));
    t.same(
      applicable.filter(goServerAccepts).sort(),
      [
        'ECDHE-ECDSA-AES128-GCM-SHA256',
        'ECDHE-ECDSA-AES256-GCM-SHA384',
        'ECDHE-ECDSA-CHACHA20-POLY1305',
        'TLS_AES_128_GCM_SHA256',
        'TLS_AES_256_GCM_SHA384',
        'TLS_CHACHA20_POLY1305_SHA256',
      ],
      'the suites an ECDSA key serves',
    );
    t.ok(applicable.includes('ECDHE-ECDSA-AES128-SHA'), 'a CBC suite with SHA-1 was really offered');
  },
);
