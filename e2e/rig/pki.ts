// The certificates a kube-apiserver needs, made the way kubeadm lays them out: one CA that signs
// the API server's serving certificate and the admin's client certificate (O=system:masters), and
// a separate RSA key pair that signs ServiceAccount tokens.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { generateCertificateAuthority, issueServingCertificate } from '../../src/certs/generate.js';

export interface ClusterPki {
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  adminCert: string;
  adminKey: string;
  serviceAccountPublicKey: string;
  serviceAccountPrivateKey: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function rsaKeyPair(): { publicKey: string; privateKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/** A client certificate: the API server takes the user from CN and the groups from O. */
function issueClientCertificate(
  ca: { caCert: string; caKey: string },
  user: string,
  groups: readonly string[],
): { cert: string; key: string } {
  const caCert = forge.pki.certificateFromPem(ca.caCert);
  const caKey = forge.pki.privateKeyFromPem(ca.caKey);
  const keys = rsaKeyPair();
  const privateKey = forge.pki.privateKeyFromPem(keys.privateKey) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.rsa.setPublicKey(privateKey.n, privateKey.e);
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + DAY_MS);
  cert.setSubject([
    { name: 'commonName', value: user },
    ...groups.map((group) => ({ name: 'organizationName', value: group })),
  ]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: keys.privateKey };
}

export function generateClusterPki(): ClusterPki {
  const ca = generateCertificateAuthority({ commonName: 'e2e-kubernetes-ca', validityDays: 1 });
  const serving = issueServingCertificate(ca, {
    dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'],
    ipAddresses: ['127.0.0.1'],
    validityDays: 1,
  });
  const admin = issueClientCertificate(ca, 'e2e-admin', ['system:masters']);
  const serviceAccount = rsaKeyPair();
  return {
    ...ca,
    servingCert: serving.tlsCert,
    servingKey: serving.tlsKey,
    adminCert: admin.cert,
    adminKey: admin.key,
    serviceAccountPublicKey: serviceAccount.publicKey,
    serviceAccountPrivateKey: serviceAccount.privateKey,
  };
}
