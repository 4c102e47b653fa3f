// Serving certificates from files that may change under a running server: a Kubernetes Secret
// volume swaps a symlink, cert-manager renews in place, promgate's bootstrap rewrites its own.
// A new pair is installed with setSecureContext, so open connections keep going and new
// handshakes get the new certificate.
import { X509Certificate } from 'node:crypto';
import { watch, readFileSync, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { createSecureContext, type SecureContextOptions } from 'node:tls';

export interface CertificatePaths {
  certFile: string;
  keyFile: string;
}

export const TLS_MIN_VERSION = 'TLSv1.2';

export interface LoadedCertificate {
  options: SecureContextOptions & { minVersion: typeof TLS_MIN_VERSION };
  notAfter: Date;
}

/** Reads and checks a certificate/key pair; throws with the file named when they are unusable. */
export function loadCertificate(paths: CertificatePaths): LoadedCertificate {
  const cert = readFileSync(paths.certFile);
  const key = readFileSync(paths.keyFile);
  let notAfter: Date;
  try {
    notAfter = new Date(new X509Certificate(cert).validTo);
  } catch (err) {
    throw new Error(`${paths.certFile}: not a PEM certificate: ${(err as Error).message}`, { cause: err });
  }
  const options = { cert, key, minVersion: TLS_MIN_VERSION } as const;
  try {
    createSecureContext(options);
  } catch (err) {
    throw new Error(`${paths.certFile} / ${paths.keyFile}: unusable pair: ${(err as Error).message}`, { cause: err });
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
  events: CertificateWatcherEvents,
  settleMs = 200,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let lastCert: Buffer | undefined;
  let lastKey: Buffer | undefined;
  const reload = (): void => {
    timer = undefined;
    try {
      const loaded = loadCertificate(paths);
      const { cert, key } = loaded.options as { cert: Buffer; key: Buffer };
      if (lastCert?.equals(cert) && lastKey?.equals(key)) return;
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
  try {
    const initial = loadCertificate(paths).options as { cert: Buffer; key: Buffer };
    lastCert = initial.cert;
    lastKey = initial.key;
  } catch {
    // The caller loaded the pair already; a failure here only means the next change reloads.
  }
  const watchers: FSWatcher[] = [...new Set([dirname(paths.certFile), dirname(paths.keyFile)])].map((dir) =>
    watch(dir, { persistent: false }, schedule),
  );
  return () => {
    if (timer) clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
  };
}
