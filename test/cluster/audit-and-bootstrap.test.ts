// promgate against a local server that speaks the Kubernetes API: `promgate audit` end to end, and
// `promgate serve --bootstrap-certs` as a process (Secret, caBundle, served certificate, audit gauge).
import t, { type Test } from 'tap';
import type { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { FakeApiServer, type StoredObject } from '../support/fake-apiserver.js';
import { runCli } from '../support/cli.js';
import { deferred } from '../support/deferred.js';
import { fixtureDaemonSet as daemonSetFixture } from '../../fixtures/objects.js';
import { CLI, startServeProcess } from '../support/serve-process.js';

function fixtureDaemonSet(file: string): StoredObject {
  return daemonSetFixture(file) as unknown as StoredObject;
}

function armsConfigMap(name: string, promYaml: string): StoredObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'arms-prom', labels: { target: 'arms', type: 'prometheus-yaml' } },
    data: { promYaml },
  };
}

function webhookConfiguration(kind: string): StoredObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind,
    metadata: { name: 'promgate' },
    webhooks: [
      {
        name: 'one.promgate.io',
        clientConfig: { service: { name: 'promgate', namespace: 'promgate-system', path: '/validate' } },
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
      },
    ],
  };
}

async function clusterWithObjects(t: Test): Promise<{ server: FakeApiServer; kubeconfig: string }> {
  const server = await FakeApiServer.start({ tokens: { 'admin-token': 'admin', 'stale-token': 'nobody' } });
  t.teardown(() => server.close());
  const unmutated = fixtureDaemonSet('dcgm-exporter--gpu-node-affinity.yaml');
  unmutated.metadata.namespace = 'gpu';
  server.put(
    unmutated,
    { ...fixtureDaemonSet('not-dcgm--node-exporter.yaml') },
    armsConfigMap('arms-prom-prometheus-yaml', 'scrape_configs:\n  - job_name: gpu\n    scrape_interval: 1.5h\n'),
    armsConfigMap('good', 'scrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: [a:9100]\n'),
    webhookConfiguration('MutatingWebhookConfiguration'),
    webhookConfiguration('ValidatingWebhookConfiguration'),
  );
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'promgate-kube-')), 'config');
  writeFileSync(kubeconfig, server.kubeconfigText({ token: 'admin-token' }));
  return { server, kubeconfig };
}

t.test('audit reports the violations of live objects and exits 1', async (t) => {
  const { server, kubeconfig } = await clusterWithObjects(t);
  const text = await runCli(['audit', '--kubeconfig', kubeconfig]);
  t.equal(text.code, 1, text.stderr);
  t.match(text.stdout, /DaemonSet\s+gpu\/\S+\s+dcgm-exporter-placement\s+enforce\s+1 violation/);
  t.match(text.stdout, /ConfigMap\s+arms-prom\/arms-prom-prometheus-yaml\s+prometheus-config\s+enforce\s+1 violation/);
  t.match(text.stdout, /promYaml:3:22: scrape_configs\[0\]\.scrape_interval: /);
  t.notMatch(text.stdout, /node-exporter/, 'objects no policy applies to are not listed');

  const json = await runCli(['audit', '--kubeconfig', kubeconfig, '-o', 'json']);
  t.equal(json.code, 1);
  const report = JSON.parse(json.stdout) as { byPolicy: Record<string, { violations: number }> };
  t.equal(report.byPolicy['dcgm-exporter-placement']?.violations, 1);
  t.equal(report.byPolicy['prometheus-config']?.violations, 1);

  const offConfig = join(mkdtempSync(join(tmpdir(), 'promgate-audit-')), 'config.yaml');
  writeFileSync(offConfig, 'dcgmExporter:\n  enforcement: off\nprometheusConfig:\n  enforcement: off\n');
  const off = await runCli(['audit', '--kubeconfig', kubeconfig, '--config', offConfig]);
  t.equal(off.code, 0, 'policies that are off find nothing');

  const stale = join(mkdtempSync(join(tmpdir(), 'promgate-kube-')), 'config');
  writeFileSync(stale, server.kubeconfigText({ token: 'revoked' }));
  const unauthorized = await runCli(['audit', '--kubeconfig', stale]);
  t.equal(unauthorized.code, 2, 'credentials refused: exit 2');
  t.match(unauthorized.stderr, /401/);
  const noContext = await runCli(['audit', '--kubeconfig', kubeconfig, '--context', 'nope']);
  t.equal(noContext.code, 2);
  t.match(noContext.stderr, /context "nope" not found/);
});

t.test('serve --bootstrap-certs: one Secret, patched caBundles, the served certificate chains to it', async (t) => {
  t.ok(existsSync(CLI), 'the build exists (npm ci runs it)');
  const { server, kubeconfig } = await clusterWithObjects(t);
  const certDir = join(mkdtempSync(join(tmpdir(), 'promgate-bootstrap-')), 'certs');
  const serve = await startServeProcess(
    ['--bootstrap-certs', '--kubeconfig', kubeconfig, '--cert-dir', certDir, '--audit-interval', '1h'],
    { ...process.env, POD_NAMESPACE: 'promgate-system' },
  );
  const secret = server.get('v1', 'Secret', 'promgate-tls', 'promgate-system') as unknown as {
    data: Record<string, string>;
  };
  t.ok(secret, 'the Secret promgate-tls was created in promgate-system');
  const caPem = Buffer.from(secret.data['ca.crt'] ?? '', 'base64').toString();
  for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
    const configuration = server.get('admissionregistration.k8s.io/v1', kind, 'promgate') as unknown as {
      webhooks: Array<{ clientConfig: { caBundle?: string } }>;
    };
    t.equal(
      Buffer.from(configuration.webhooks[0]?.clientConfig.caBundle ?? '', 'base64').toString(),
      caPem,
      `${kind} caBundle`,
    );
  }
  const served = await new Promise<X509Certificate | undefined>((resolve, reject) => {
    httpsRequest(
      { host: '127.0.0.1', port: serve.port, path: '/healthz', ca: caPem, servername: 'promgate.promgate-system.svc' },
      (response) => {
        resolve((response.socket as TLSSocket).getPeerX509Certificate());
        response.resume();
      },
    )
      .on('error', reject)
      .end();
  });
  t.ok(
    served?.checkHost('promgate.promgate-system.svc'),
    'the served certificate names the Service, trusted through the caBundle',
  );
  await serve.logged('audit finished');
  const metrics = await (await fetch(`http://127.0.0.1:${serve.metricsPort}/metrics`)).text();
  t.match(metrics, /promgate_audit_violations\{policy="dcgm-exporter-placement"\} 1/);
  t.match(metrics, /promgate_audit_violations\{policy="prometheus-config"\} 1/);
  serve.child.kill('SIGTERM');
  t.equal(await serve.exited, 0);
});

t.test('SIGTERM ends serve while its background audit waits on the API server', async (t) => {
  const { server, kubeconfig } = await clusterWithObjects(t);
  const auditListing = deferred();
  const listHeld = deferred();
  // The audit's first list call never gets its answer while the test runs: an API server that hangs.
  server.beforeHandle = async (request) => {
    if (request.verb !== 'list') return;
    auditListing.resolve();
    await listHeld.promise;
  };
  t.teardown(() => listHeld.resolve());
  const certDir = join(mkdtempSync(join(tmpdir(), 'promgate-serve-')), 'certs');
  const serve = await startServeProcess(['--kubeconfig', kubeconfig, '--cert-dir', certDir, '--audit-interval', '1h']);
  await auditListing.promise;
  serve.child.kill('SIGTERM');
  // Generous: only "it exits at all, on its own" matters (Kubernetes would SIGKILL it after 30 s).
  const outcome = await Promise.race([
    serve.exited,
    new Promise<string>((resolve) => setTimeout(() => resolve('still running after 20 s'), 20_000).unref()),
  ]);
  if (outcome !== 0) serve.child.kill('SIGKILL');
  t.equal(outcome, 0, 'exit code 0, without waiting for the audit');
});
