// Builds promgate's own certificate authority and the serving certificate the API server checks
// when it calls the webhook. Node's crypto generates the RSA keys (native, ~50x faster than
// node-forge's pure-JS prime search); node-forge builds and signs the X.509 certificates, which
// Node's crypto cannot do.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

export const DEFAULT_DNS_NAMES: readonly string[] = [
  'localhost',
  'promgate',
  'promgate.promgate-system',
  'promgate.promgate-system.svc',
  'promgate.promgate-system.svc.cluster.local',
];
export const DEFAULT_IP_ADDRESSES: readonly string[] = ['127.0.0.1'];
export const DEFAULT_VALIDITY_DAYS = 365;
const RSA_KEY_BITS = 2048;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Back-date `notBefore` so a node whose clock runs a little behind still accepts a fresh cert. */
const CLOCK_SKEW_ALLOWANCE_MS = 5 * 60 * 1000;

const DNS_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * What is wrong with a subjectAltName DNS name, if anything: dot-separated labels of letters,
 * digits and '-' (at most 63 each, 253 in all), the first label may be the wildcard `*`. A TLS
 * client (the API server among them) never matches anything else, so such a certificate is useless.
 */
export function dnsNameProblem(name: string): string | undefined {
  if (name.length > 253) return 'longer than 253 characters';
  const labels = name.split('.');
  const checked = labels[0] === '*' && labels.length > 1 ? labels.slice(1) : labels;
  if (checked.every((label) => DNS_LABEL.test(label))) return undefined;
  return "not a DNS name (dot-separated labels of letters, digits and '-', at most 63 each; \"*.\" may lead)";
}

/** PEM strings of a CA and of the serving certificate it signed: the four files of `promgate certs`. */
export interface CertificateSet {
  caCert: string;
  caKey: string;
  tlsCert: string;
  tlsKey: string;
}

export interface CertificateAuthority {
  caCert: string;
  caKey: string;
}

export interface ServingCertificateOptions {
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  validityDays?: number;
  /** Defaults to the current time; tests pass a past date to produce near-expiry certificates. */
  notBefore?: Date;
}

export interface CertificateAuthorityOptions {
  commonName?: string;
  validityDays?: number;
  notBefore?: Date;
}

function generateRsaKeyPair(): forge.pki.rsa.KeyPair {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: RSA_KEY_BITS,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const forgeKey = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.rsa.setPublicKey(forgeKey.n, forgeKey.e) };
}

function randomSerialNumber(): string {
  // RFC 5280: positive, at most 20 octets. Clearing the top bit keeps the DER integer positive.
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

function setValidity(cert: forge.pki.Certificate, notBefore: Date | undefined, validityDays: number): void {
  const start = notBefore ?? new Date(Date.now() - CLOCK_SKEW_ALLOWANCE_MS);
  cert.validity.notBefore = start;
  cert.validity.notAfter = new Date(start.getTime() + validityDays * DAY_MS);
}

function checkValidityDays(validityDays: number): void {
  if (!Number.isInteger(validityDays) || validityDays < 1) {
    throw new RangeError(`validity must be a whole number of days >= 1, got ${validityDays}`);
  }
}

export function generateCertificateAuthority(options: CertificateAuthorityOptions = {}): CertificateAuthority {
  const validityDays = options.validityDays ?? DEFAULT_VALIDITY_DAYS;
  checkValidityDays(validityDays);
  const keys = generateRsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerialNumber();
  setValidity(cert, options.notBefore, validityDays);
  const subject = [{ name: 'commonName', value: options.commonName ?? 'promgate-ca' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { caCert: forge.pki.certificateToPem(cert), caKey: forge.pki.privateKeyToPem(keys.privateKey) };
}

/** Signs a fresh serving key with `ca`. Reused on renewal, so the CA (and every caBundle) stays. */
export function issueServingCertificate(
  ca: CertificateAuthority,
  options: ServingCertificateOptions = {},
): { tlsCert: string; tlsKey: string } {
  const dnsNames = options.dnsNames ?? DEFAULT_DNS_NAMES;
  const ipAddresses = options.ipAddresses ?? DEFAULT_IP_ADDRESSES;
  const validityDays = options.validityDays ?? DEFAULT_VALIDITY_DAYS;
  checkValidityDays(validityDays);
  if (dnsNames.length === 0 && ipAddresses.length === 0) {
    throw new RangeError('a serving certificate needs at least one DNS name or IP address');
  }
  for (const ip of ipAddresses) {
    if (isIP(ip) === 0) throw new RangeError(`not an IP address: ${JSON.stringify(ip)}`);
  }
  for (const name of dnsNames) {
    const problem = dnsNameProblem(name);
    if (problem) throw new RangeError(`${JSON.stringify(name)}: ${problem}`);
  }
  const caCert = forge.pki.certificateFromPem(ca.caCert);
  const caKey = forge.pki.privateKeyFromPem(ca.caKey);
  const keys = generateRsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerialNumber();
  setValidity(cert, options.notBefore, validityDays);
  // The CN is informational only: Go's TLS stack (the API server) matches SANs exclusively.
  cert.setSubject([{ name: 'commonName', value: dnsNames[0] ?? ipAddresses[0]! }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        ...dnsNames.map((value) => ({ type: 2, value })),
        ...ipAddresses.map((ip) => ({ type: 7, ip })),
      ],
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caSubjectKeyIdentifier(caCert) },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { tlsCert: forge.pki.certificateToPem(cert), tlsKey: forge.pki.privateKeyToPem(keys.privateKey) };
}

function caSubjectKeyIdentifier(caCert: forge.pki.Certificate): string {
  const extension = caCert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | undefined;
  // forge exposes the stored SKI as hex; recompute it for a CA made elsewhere without one.
  const hex = extension?.subjectKeyIdentifier ?? caCert.generateSubjectKeyIdentifier().toHex();
  return forge.util.hexToBytes(hex);
}

export function generateCertificateSet(
  options: ServingCertificateOptions & { caValidityDays?: number } = {},
): CertificateSet {
  const ca = generateCertificateAuthority({
    validityDays: options.caValidityDays ?? options.validityDays ?? DEFAULT_VALIDITY_DAYS,
    ...(options.notBefore ? { notBefore: options.notBefore } : {}),
  });
  return { ...ca, ...issueServingCertificate(ca, options) };
}
