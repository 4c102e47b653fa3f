// A webhook's `caBundle` as a set of CA certificates: split it, and merge what a replica knows it
// must trust into what is published, such that no replica can remove a CA that another replica's
// serving certificate may still depend on (docs/adr/070-ca-rotation-overlap.md).
import { X509Certificate } from 'node:crypto';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\r?\n?/g;

interface ParsedCa {
  /** The PEM block exactly as it was given, so a single-CA bundle stays byte-for-byte `ca.crt`. */
  pem: string;
  fingerprint: string;
  notBeforeMs: number;
  notAfterMs: number;
}

/** The certificate blocks of a PEM concatenation, each ending with a line break. */
export function splitPemCertificates(pem: string): string[] {
  return (pem.match(PEM_CERTIFICATE) ?? []).map((block) => (block.endsWith('\n') ? block : `${block}\n`));
}

function parse(pem: string): ParsedCa | undefined {
  try {
    const cert = new X509Certificate(pem);
    return {
      pem: pem.endsWith('\n') ? pem : `${pem}\n`,
      fingerprint: cert.fingerprint256,
      notBeforeMs: new Date(cert.validFrom).getTime(),
      notAfterMs: new Date(cert.validTo).getTime(),
    };
  } catch {
    return undefined;
  }
}

/** True when `bundle` (PEM) holds every certificate of `required`. */
export function bundleContains(bundle: readonly string[], required: readonly string[]): boolean {
  const present = new Set(bundle.map((pem) => parse(pem)?.fingerprint));
  return required.every((pem) => present.has(parse(pem)?.fingerprint));
}

/** Certificates of `pems` that are readable and not expired at `now`, duplicates removed. */
export function unexpiredCertificates(pems: readonly string[], now: Date): string[] {
  return unexpired(pems, now).map((ca) => ca.pem);
}

function unexpired(pems: readonly string[], now: Date): ParsedCa[] {
  const seen = new Set<string>();
  const result: ParsedCa[] = [];
  for (const pem of pems) {
    const ca = parse(pem);
    if (!ca || now.getTime() >= ca.notAfterMs || seen.has(ca.fingerprint)) continue;
    seen.add(ca.fingerprint);
    result.push(ca);
  }
  return result;
}

/**
 * The bundle to publish, given what is published now (`currentPem`) and the CAs this replica's
 * view of the Secret says must be trusted (`trusted`):
 *
 * - every trusted CA, and no expired CA at all;
 * - a published CA this replica does not know is kept when it is newer than every CA it knows:
 *   it can only come from a rotation step this replica has not read yet, and removing it could
 *   leave a replica serving from that CA untrusted. Older unknown CAs are dropped: the Secret that
 *   made them obsolete is the one this replica read.
 *
 * Newest first (by notBefore), so a reader sees the CA that signs new certificates at the top.
 */
export function mergeCaBundle(currentPem: string, trusted: readonly string[], now: Date): string {
  const known = unexpired(trusted, now);
  const newestKnownMs = Math.max(...known.map((ca) => ca.notBeforeMs));
  const knownFingerprints = new Set(known.map((ca) => ca.fingerprint));
  const newerUnknown = unexpired(splitPemCertificates(currentPem), now).filter(
    (ca) => !knownFingerprints.has(ca.fingerprint) && ca.notBeforeMs > newestKnownMs,
  );
  return [...known, ...newerUnknown]
    .sort((a, b) => b.notBeforeMs - a.notBeforeMs || a.fingerprint.localeCompare(b.fingerprint))
    .map((ca) => ca.pem)
    .join('');
}
