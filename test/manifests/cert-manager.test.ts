// The cert-manager overlay: certificates from cert-manager, no bootstrap and none of its rights.
import { dirname, join } from 'node:path';
import t from 'tap';
import { MANIFESTS, findOne, flagValue, ofKind, render, type KubeObject } from './render.js';
import { permissionsOf, promgateContainer, selectorMismatches, webhooksOf } from './inspect.js';

interface Certificate extends KubeObject {
  spec: {
    secretName: string;
    isCA?: boolean;
    dnsNames?: string[];
    issuerRef: { kind: string; name: string };
  };
}
interface Issuer extends KubeObject {
  spec: { selfSigned?: object; ca?: { secretName: string } };
}

const objects = render(join(MANIFESTS, 'overlays', 'cert-manager'));
const base = render(MANIFESTS);

t.test('the bootstrap and its permissions are gone', async (t) => {
  t.same(
    permissionsOf(objects, { namespace: 'promgate-system', name: 'promgate' }),
    [
      'arms-prom: configmaps list',
      'arms-prom: configmaps watch',
      'cluster: apps/daemonsets list',
      'cluster: apps/daemonsets watch',
      'cluster: events.k8s.io/events create',
      'cluster: events.k8s.io/events patch',
    ],
    'reads, and Events: no Secrets, no webhook configurations',
  );
  const { container, pod } = promgateContainer(objects);
  const args = container.args ?? [];
  t.notOk(args.includes('--bootstrap-certs'));
  t.equal(flagValue(args, '--cert-dir'), undefined);
  t.notOk(
    pod.spec?.volumes?.some((volume) => volume.emptyDir !== undefined && volume.name === 'certs'),
    'no writable cert dir',
  );
  t.same(flagValue(args, '--config'), '/etc/promgate/config.yaml');
  t.same(flagValue(args, '--audit-interval'), '5m', 'everything but the certificate flags as in the base');
});

t.test('serving certificate: issued, mounted where the flags point, injected into both webhooks', async (t) => {
  const { container, pod } = promgateContainer(objects);
  const args = container.args ?? [];
  const certFile = flagValue(args, '--tls-cert');
  const keyFile = flagValue(args, '--tls-key');
  t.equal(certFile, '/etc/promgate/tls/tls.crt');
  t.equal(keyFile, '/etc/promgate/tls/tls.key');
  const mount = container.volumeMounts?.find((candidate) => candidate.mountPath === dirname(certFile ?? ''));
  t.equal(mount?.subPath, undefined, 'the whole Secret, so that renewals update the files in place');
  t.equal(mount?.readOnly, true);
  const secretName = pod.spec?.volumes?.find((volume) => volume.name === mount?.name)?.secret?.secretName;

  const serving = findOne<Certificate>(objects, 'Certificate', 'promgate-serving', 'promgate-system');
  t.equal(serving.spec.secretName, secretName, 'the mounted Secret is the one cert-manager writes');
  t.ok(serving.spec.dnsNames?.includes('promgate.promgate-system.svc'), 'the name the API server connects to');

  // The chain: serving <- CA issuer <- CA certificate <- self-signed issuer.
  const caIssuer = findOne<Issuer>(
    objects,
    serving.spec.issuerRef.kind,
    serving.spec.issuerRef.name,
    'promgate-system',
  );
  const caCertificate = ofKind<Certificate>(objects, 'Certificate').find(
    (certificate) => certificate.spec.secretName === caIssuer.spec.ca?.secretName,
  );
  t.equal(caCertificate?.spec.isCA, true);
  const root = findOne<Issuer>(
    objects,
    caCertificate?.spec.issuerRef.kind ?? '',
    caCertificate?.spec.issuerRef.name ?? '',
    'promgate-system',
  );
  t.ok(root.spec.selfSigned, 'rooted in a self-signed issuer');

  for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
    const configuration = findOne(objects, kind, 'promgate');
    t.equal(
      configuration.metadata.annotations?.['cert-manager.io/inject-ca-from'],
      'promgate-system/promgate-serving',
      `${kind} gets its caBundle from cert-manager`,
    );
  }
});

t.test('everything else is the base', async (t) => {
  t.same(webhooksOf(objects), webhooksOf(base), 'same webhooks');
  t.same(selectorMismatches(objects), [], 'selectors and RBAC agree with the config');
  const { container } = promgateContainer(objects);
  const { container: baseContainer } = promgateContainer(base);
  t.same(container.securityContext, baseContainer.securityContext);
  t.same(container.readinessProbe, baseContainer.readinessProbe);
  for (const object of objects) {
    t.equal(
      object.metadata.labels?.['app.kubernetes.io/name'],
      'promgate',
      `${object.kind} ${object.metadata.name} labelled`,
    );
  }
});
