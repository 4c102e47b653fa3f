import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ClusterAuditSource } from '../../src/kube/audit-source.js';
import { loadKubeConfig, podNamespace } from '../../src/kube/client.js';
import { KubeConfigError } from '../../src/kube/errors.js';
import { FakeApiServer } from '../support/fake-apiserver.js';

const dir = await mkdtemp(join(tmpdir(), 'promgate-kubeconfig-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

const kubeconfigFile = join(dir, 'config');
await writeFile(
  kubeconfigFile,
  `apiVersion: v1
kind: Config
clusters:
  - name: prod
    cluster: { server: 'https://prod.example:6443' }
  - name: staging
    cluster: { server: 'https://staging.example:6443' }
users:
  - name: admin
    user: { token: abc }
contexts:
  - name: prod
    context: { cluster: prod, user: admin }
  - name: staging
    context: { cluster: staging, user: admin }
current-context: prod
`,
);

t.test('--kubeconfig FILE with its current context, or --context NAME', async (t) => {
  t.equal(loadKubeConfig({ kubeconfig: kubeconfigFile }).getCurrentCluster()?.server, 'https://prod.example:6443');
  t.equal(
    loadKubeConfig({ kubeconfig: kubeconfigFile, context: 'staging' }).getCurrentCluster()?.server,
    'https://staging.example:6443',
  );
});

t.test('an unknown context names the ones that exist', async (t) => {
  t.throws(() => loadKubeConfig({ kubeconfig: kubeconfigFile, context: 'qa' }), {
    name: 'KubeConfigError',
    message: 'context "qa" not found in kubeconfig (available: prod, staging)',
  });
});

t.test('a missing or unreadable kubeconfig file is a KubeConfigError', async (t) => {
  const missing = join(dir, 'nope');
  t.throws(() => loadKubeConfig({ kubeconfig: missing }), KubeConfigError);
  t.throws(() => loadKubeConfig({ kubeconfig: missing }), { message: new RegExp(`cannot load kubeconfig ${missing}`) });
});

// Inside a pod, client-node falls back to the service account: there are always credentials.
const inPod = existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token');

t.test('no credentials anywhere says what to do', { skip: inPod && 'running inside a pod' }, async (t) => {
  const saved = { KUBECONFIG: process.env['KUBECONFIG'], HOME: process.env['HOME'] };
  t.teardown(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
  delete process.env['KUBECONFIG'];
  process.env['HOME'] = dir + '/empty-home';
  t.throws(() => loadKubeConfig(), {
    name: 'KubeConfigError',
    message: /no Kubernetes credentials found: pass --kubeconfig/,
  });
  process.env['KUBECONFIG'] = kubeconfigFile;
  t.equal(loadKubeConfig().getCurrentContext(), 'prod', 'KUBECONFIG is honoured');
});

t.test('podNamespace: POD_NAMESPACE, else the service account file', async (t) => {
  const saved = process.env['POD_NAMESPACE'];
  t.teardown(() => {
    if (saved === undefined) delete process.env['POD_NAMESPACE'];
    else process.env['POD_NAMESPACE'] = saved;
  });
  const namespaceFile = join(dir, 'namespace');
  await writeFile(namespaceFile, 'from-file\n');
  process.env['POD_NAMESPACE'] = 'from-env';
  t.equal(podNamespace(namespaceFile), 'from-env');
  delete process.env['POD_NAMESPACE'];
  t.equal(podNamespace(namespaceFile), 'from-file');
  t.throws(() => podNamespace(join(dir, 'absent')), { name: 'KubeConfigError', message: /set POD_NAMESPACE/ });
});

t.test('a kubeconfig file written for the fake API server works end to end', async (t) => {
  const server = await FakeApiServer.start();
  t.teardown(() => server.close());
  server.put({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds', namespace: 'a' }, spec: {} });
  const file = join(dir, 'fake-kubeconfig');
  await writeFile(file, server.kubeconfigText());
  const names: string[] = [];
  for await (const object of new ClusterAuditSource(loadKubeConfig({ kubeconfig: file }), {
    configMapNamespaces: [],
  }).objects()) {
    names.push(object.metadata?.name ?? '');
  }
  t.same(names, ['ds']);
});
