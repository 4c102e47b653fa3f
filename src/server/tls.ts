// Serving certificates from files that may change under a running server: a Kubernetes Secret
// volume swaps a symlink, cert-manager renews in place, promgate's bootstrap rewrites its own.
// A new pair is installed with setSecureContext, so open connections keep going and new
// handshakes get the new certificate.
import { watch, readFileSync, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { createSecureContext } from 'node:tls';
import { certificateNotAfter } from '../certs/inspect.js';
import { systemErrorText } from '../common/errors.js';

export interface CertificatePaths {
  certFile: string;
  keyFile: string;
}

export const TLS_MIN_VERSION = 'TLSv1.2';

/**
 * The suites Go's crypto/tls servers (the API server's own among them) negotiate: TLS 1.3, and
 * TLS 1.2 only with forward-secret AEAD suites, ECDHE key exchange with AES-GCM or
 * ChaCha20-Poly1305. Node's default list also offers RSA key exchange, finite-field DHE and CBC
 * suites (some with SHA-1 MACs), which scanners flag and no API server needs. OpenSSL takes the
 * TLS 1.3 suites (`TLS_…`) from the same list.
 */
export const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

export interface LoadedCertificate {
  /** Everything a secure context needs: a reload replaces all of it, the suites included. */
  options: { cert: Buffer; key: Buffer; minVersion: typeof TLS_MIN_VERSION; ciphers: string };
  notAfter: Date;
}

/** The serving certificate or key cannot be used; the message names the file and what is wrong. */
export class CertificateError extends Error {
  override readonly name = 'CertificateError';
}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new CertificateError(`cannot read ${what} ${file}: ${systemErrorText(err)}`, { cause: err });
  }
}

/** OpenSSL's words for a key it cannot use, as an admin would say them. */
function pairProblem(paths: CertificatePaths, err: NodeJS.ErrnoException): string {
  if (err.code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH') {
    return `${paths.keyFile} is not the private key of the certificate in ${paths.certFile}`;
  }
  if (err.code === 'ERR_OSSL_UNSUPPORTED') return `${paths.keyFile}: not a PEM private key`;
  return `${paths.certFile} / ${paths.keyFile}: unusable pair: ${err.message}`;
}

/** Reads and checks a certificate/key pair; throws a CertificateError naming the file when they are unusable. */
export function loadCertificate(paths: CertificatePaths): LoadedCertificate {
  const cert = readPem(paths.certFile, 'certificate');
  const key = readPem(paths.keyFile, 'private key');
  let notAfter: Date;
  try {
    notAfter = certificateNotAfter(cert.toString('utf8'));
  } catch (err) {
    throw new CertificateError(`${paths.certFile}: not a PEM certificate: ${(err as Error).message}`, { cause: err });
  }
  const options = { cert, key, minVersion: TLS_MIN_VERSION, ciphers: TLS_CIPHERS } as const;
  try {
    createSecureContext(options);
  } catch (err) {
    throw new CertificateError(pairProblem(paths, err as NodeJS.ErrnoException), { cause: err });
  }
  return { options, notAfter };
}

export interface CertificateWatcherEvents {
  onReload(loaded: LoadedCertificate): void;
  onError(err: Error): void;
}

/**
 * Watches the folders holding the pair and reloads after changes settle. Returns a stop function.
 * A half-written pair fails to load and is retried on the next change; the old pair stays in use.
 */
export function watchCertificate(
  paths: CertificatePaths,
  initial: LoadedCertificate,
  events: CertificateWatcherEvents,
  settleMs = 200,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let { cert: lastCert, key: lastKey } = initial.options;
  const reload = (): void => {
    timer = undefined;
    try {
      const loaded = loadCertificate(paths);
      const { cert, key } = loaded.options;
      if (lastCert.equals(cert) && lastKey.equals(key)) return;
      lastCert = cert;
      lastKey = key;
      events.onReload(loaded);
    } catch (err) {
      events.onError(err as Error);
    }
  };
  const schedule = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(reload, settleMs);
  };
  const watchers: FSWatcher[] = [...new Set([dirname(paths.certFile), dirname(paths.keyFile)])].map((dir) =>
    watch(dir, { persistent: false }, schedule),
  );
  return () => {
    if (timer) clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
  };
}
