// The serving certificate and key as files: what is wrong with them is said in an admin's words,
// naming the file (`serve` prints it as its one line when it cannot start).
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCertificateSet } from '../../src/certs/files.js';
import { loadCertificate } from '../../src/server/tls.js';

const dir = mkdtempSync(join(tmpdir(), 'promgate-tls-files-'));
const [one, other] = [join(dir, 'one'), join(dir, 'other')];
await writeCertificateSet(one);
await writeCertificateSet(other);

t.test('a usable pair loads', async (t) => {
  const loaded = loadCertificate({ certFile: join(one, 'tls.crt'), keyFile: join(one, 'tls.key') });
  t.ok(loaded.notAfter.getTime() > Date.now(), 'with its expiry');
});

t.test('each unusable pair is a CertificateError naming the file and the problem', async (t) => {
  const cases: Array<[string, string, string, RegExp]> = [
    [
      'missing certificate',
      join(dir, 'none.crt'),
      join(one, 'tls.key'),
      /^cannot read certificate .*none\.crt: no such file or directory \(ENOENT\)$/,
    ],
    [
      'missing key',
      join(one, 'tls.crt'),
      join(dir, 'none.key'),
      /^cannot read private key .*none\.key: no such file or directory \(ENOENT\)$/,
    ],
    [
      'a folder as certificate',
      one,
      join(one, 'tls.key'),
      /^cannot read certificate .*one: illegal operation on a directory \(EISDIR\)$/,
    ],
    ['a key as certificate', join(one, 'tls.key'), join(one, 'tls.key'), /^.*one\/tls\.key: not a PEM certificate/],
    ['a certificate as key', join(one, 'tls.crt'), join(one, 'tls.crt'), /^.*one\/tls\.crt: not a PEM private key$/],
    [
      'the key of another certificate',
      join(one, 'tls.crt'),
      join(other, 'tls.key'),
      /^.*other\/tls\.key is not the private key of the certificate in .*one\/tls\.crt$/,
    ],
  ];
  for (const [what, certFile, keyFile, message] of cases) {
    t.throws(() => loadCertificate({ certFile, keyFile }), { name: 'CertificateError', message }, what);
  }
});
