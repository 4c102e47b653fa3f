// Reads certificates back (through Node's own X.509 parser, the same one the TLS stack uses) and
// decides when a certificate set must be renewed. Shared by the bootstrap in a cluster and by the
// development certificates of `npm start`.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import type { CertificateSet } from './generate.js';

export interface CertificateValidity {
  notBefore: Date;
  notAfter: Date;
}

export function certificateValidity(pem: string): CertificateValidity {
  const cert = new X509Certificate(pem);
  return { notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) };
}

export function certificateNotAfter(pem: string): Date {
  return certificateValidity(pem).notAfter;
}

/** Renew once less than this fraction of a certificate's lifetime is left (cert-manager uses 1/3 too). */
export const RENEW_WHEN_REMAINING_FRACTION = 1 / 3;

/** The moment from which `pem` should be replaced. */
export function renewalTime(pem: string): Date {
  const { notBefore, notAfter } = certificateValidity(pem);
  const lifetimeMs = notAfter.getTime() - notBefore.getTime();
  return new Date(notAfter.getTime() - lifetimeMs * RENEW_WHEN_REMAINING_FRACTION);
}

export interface RenewalCheck {
  /** Names the serving certificate must cover, e.g. the webhook Service's DNS names. */
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  now?: Date;
}

/**
 * Why `set` cannot be kept as it is, or undefined when it is fine. `ca` means the CA itself must be
 * replaced (and with it every caBundle); `serving` means a new serving certificate from the same
 * CA is enough.
 */
export function renewalReason(
  set: CertificateSet,
  check: RenewalCheck = {},
): { scope: 'ca' | 'serving'; reason: string } | undefined {
  const now = check.now ?? new Date();
  let ca: X509Certificate;
  let serving: X509Certificate;
  let caKey: KeyObject;
  let tlsKey: KeyObject;
  try {
    ca = new X509Certificate(set.caCert);
    serving = new X509Certificate(set.tlsCert);
    caKey = createPrivateKey(set.caKey);
    tlsKey = createPrivateKey(set.tlsKey);
  } catch (err) {
    return { scope: 'ca', reason: `unreadable certificate or key: ${(err as Error).message}` };
  }
  if (!ca.checkPrivateKey(caKey)) {
    return { scope: 'ca', reason: 'ca.key does not belong to ca.crt' };
  }
  if (now >= renewalTime(set.caCert)) {
    return { scope: 'ca', reason: `CA expires ${new Date(ca.validTo).toISOString()}` };
  }
  if (!serving.verify(ca.publicKey)) return { scope: 'serving', reason: 'tls.crt is not signed by ca.crt' };
  if (!serving.checkPrivateKey(tlsKey)) {
    return { scope: 'serving', reason: 'tls.key does not belong to tls.crt' };
  }
  if (now >= renewalTime(set.tlsCert)) {
    return { scope: 'serving', reason: `serving certificate expires ${new Date(serving.validTo).toISOString()}` };
  }
  // X509Certificate.checkHost also honours wildcards and the CN fallback; promgate issues exact SANs,
  // so the exact list is what must be compared.
  const covered = subjectAltNames(set.tlsCert);
  const missing = [
    ...(check.dnsNames ?? []).filter((name) => !covered.dnsNames.includes(name.toLowerCase())),
    ...(check.ipAddresses ?? []).filter((ip) => !covered.ipAddresses.includes(ip)),
  ];
  if (missing.length > 0) return { scope: 'serving', reason: `serving certificate does not cover ${missing.join(', ')}` };
  return undefined;
}

export function subjectAltNames(pem: string): { dnsNames: string[]; ipAddresses: string[] } {
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  // Node renders SANs as `DNS:a, DNS:b, IP Address:127.0.0.1`; promgate's names never contain commas.
  for (const entry of (new X509Certificate(pem).subjectAltName ?? '').split(', ')) {
    if (entry.startsWith('DNS:')) dnsNames.push(entry.slice('DNS:'.length).toLowerCase());
    else if (entry.startsWith('IP Address:')) ipAddresses.push(entry.slice('IP Address:'.length));
  }
  return { dnsNames, ipAddresses };
}
