// Certificate hot reload, probes on both ports, and graceful shutdown.
import t from 'tap';
import { X509Certificate } from 'node:crypto';
import { Agent, request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { writeCertificateFiles } from '../../src/certs/files.js';
import { generateCertificateSet } from '../../src/certs/generate.js';
import type { Decider } from '../../src/admission/handler.js';
import { callWebhook } from '../../fixtures/apiserver.js';
import { startTestServer } from '../support/server.js';

/** The serving certificate's serial as seen by the client, and the client's port (which connection). */
function handshake(port: number, ca: string, agent?: Agent): Promise<{ serial: string; localPort: number }> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      {
        host: '127.0.0.1',
        servername: 'localhost',
        port,
        path: '/healthz',
        ca,
        ...(agent ? { agent } : { agent: false }),
      },
      (response) => {
        const socket = response.socket as TLSSocket;
        const serial = socket.getPeerX509Certificate()?.serialNumber ?? '';
        response.resume();
        response.on('end', () => resolve({ serial, localPort: socket.localPort ?? 0 }));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

t.test('a changed certificate is served to new connections; open ones keep working', async (t) => {
  const harness = await startTestServer();
  t.teardown(() => harness.stop());
  const oldSerial = new X509Certificate(harness.certs.tlsCert).serialNumber;
  const keptAlive = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => keptAlive.destroy());
  const first = await handshake(harness.server.port, harness.certs.caCert, keptAlive);
  t.equal(first.serial, oldSerial, 'serves the first certificate');

  const renewed = generateCertificateSet();
  await writeCertificateFiles(harness.certDir, renewed);
  const newSerial = new X509Certificate(renewed.tlsCert).serialNumber;
  let served = '';
  for (let attempt = 0; attempt < 50 && served !== newSerial; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    served = await handshake(harness.server.port, renewed.caCert).then(
      (seen) => seen.serial,
      () => '',
    );
  }
  t.equal(served, newSerial, 'new handshakes get the renewed certificate');
  const again = await handshake(harness.server.port, harness.certs.caCert, keptAlive);
  t.equal(again.localPort, first.localPort, 'the open keep-alive connection is still in use and answers');
  const metrics = await (await fetch(`http://127.0.0.1:${harness.server.metricsPort}/metrics`)).text();
  const expiry = new Date(new X509Certificate(renewed.tlsCert).validTo).getTime() / 1000;
  t.match(metrics, `promgate_certificate_expiry_timestamp_seconds{certificate="serving"} ${expiry}`);
});

t.test('probes answer on both ports', async (t) => {
  const harness = await startTestServer();
  t.teardown(() => harness.stop());
  for (const path of ['/healthz', '/readyz', '/metrics']) {
    const plain = await fetch(`http://127.0.0.1:${harness.server.metricsPort}${path}`);
    t.equal(plain.status, 200, `plain HTTP ${path}`);
    const secure = await new Promise<number>((resolve, reject) => {
      httpsRequest(
        { host: '127.0.0.1', servername: 'localhost', port: harness.server.port, path, ca: harness.certs.caCert },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      )
        .on('error', reject)
        .end();
    });
    t.equal(secure, 200, `HTTPS ${path}`);
  }
  const metrics = await (await fetch(`http://127.0.0.1:${harness.server.metricsPort}/metrics`)).text();
  t.match(metrics, /promgate_process_cpu_seconds_total/, 'process metrics are exported');
});

t.test('shutdown: readiness turns false, the in-flight review is answered, then the listener closes', async (t) => {
  let release: () => void = () => undefined;
  let reachedDecider: () => void = () => undefined;
  const deciding = new Promise<void>((resolve) => (reachedDecider = resolve));
  const slow: Decider = () =>
    new Promise((resolve) => {
      release = () => resolve({ allowed: true, patch: [], warnings: ['answered'] });
      reachedDecider();
    });
  const harness = await startTestServer({ decider: slow, shutdownDelayMs: 300 });
  const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'y' } };
  const inFlight = callWebhook(harness.server.port, 'validate', { object }, { ca: harness.certs.caCert });
  await deciding;
  const shutdown = harness.stop();
  const readyz = await fetch(`http://127.0.0.1:${harness.server.metricsPort}/readyz`);
  t.equal(readyz.status, 503, 'not ready once shutdown starts');
  t.match(await readyz.json(), { reasons: ['shutting down'] });
  release();
  const answer = await inFlight;
  t.same(answer.warnings, ['answered'], 'the in-flight review completed');
  await shutdown;
  await t.rejects(fetch(`http://127.0.0.1:${harness.server.metricsPort}/healthz`), 'listeners are closed');
});
