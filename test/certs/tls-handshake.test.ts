// The generated certificates must pass a real TLS handshake with full verification (chain, SAN,
// key usage), the way the API server's client checks the webhook.
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { generateCertificateSet } from '../../src/certs/generate.js';

const set = generateCertificateSet({ validityDays: 2 });
const server = createServer({ cert: set.tlsCert, key: set.tlsKey, minVersion: 'TLSv1.2' }, (_req, res) => {
  res.end('ok');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));

function get(options: { ca: string; servername?: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/', ca: options.ca, agent: false, ...(options.servername ? { servername: options.servername } : {}) },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(body));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

t.test('trusted through the CA under every default name', async (t) => {
  for (const servername of ['promgate.promgate-system.svc', 'localhost', undefined]) {
    t.equal(await get({ ca: set.caCert, ...(servername ? { servername } : {}) }), 'ok', servername ?? 'IP 127.0.0.1');
  }
});

t.test('refused under a name it does not carry, or with another CA', async (t) => {
  await t.rejects(get({ ca: set.caCert, servername: 'promgate.other.svc' }), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  const other = generateCertificateSet({ validityDays: 2 });
  await t.rejects(get({ ca: other.caCert, servername: 'localhost' }), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
});
