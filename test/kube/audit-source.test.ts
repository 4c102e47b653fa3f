import { createServer } from 'node:net';
import t from 'tap';
import { ClusterAuditSource } from '../../src/kube/audit-source.js';
import { KubeApiError, KubeConfigError, isClusterAccessError } from '../../src/kube/errors.js';
import { defaultConfig } from '../../src/config/schema.js';
import type { KubernetesObject } from '../../src/policies/policy.js';
import { FakeApiServer, type StoredObject } from '../support/fake-apiserver.js';

function daemonSet(namespace: string, name: string): StoredObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `example/${name}:1` }] } },
    },
  };
}

function configMap(namespace: string, name: string): StoredObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace },
    data: { promYaml: 'scrape_configs: []\n' },
  };
}

async function collect(source: ClusterAuditSource): Promise<KubernetesObject[]> {
  const objects: KubernetesObject[] = [];
  for await (const object of source.objects()) objects.push(object);
  return objects;
}

const server = await FakeApiServer.start({ tokens: { 'good-token': 'alice', 'reader-token': 'bob' } });
t.teardown(() => server.close());
for (let i = 0; i < 7; i++) server.put(daemonSet(`ns-${i % 3}`, `ds-${i}`));
server.put(
  configMap('arms-prom', 'arms-prom-prometheus-yaml'),
  configMap('arms-prom', 'other'),
  configMap('default', 'not-watched'),
);
for (let i = 0; i < 4; i++) server.put(configMap('monitoring', `cm-${i}`));

t.test('lists every DaemonSet and the watched ConfigMaps, page by page', async (t) => {
  server.requests.length = 0;
  const source = new ClusterAuditSource(server.kubeConfig({ token: 'good-token' }), {
    configMapNamespaces: ['arms-prom', 'monitoring'],
    pageSize: 3,
  });
  const objects = await collect(source);
  const names = objects.map((o) => `${o.kind}/${o.metadata?.namespace}/${o.metadata?.name}`);
  t.equal(names.filter((n) => n.startsWith('DaemonSet/')).length, 7, 'all 7 DaemonSets over 3 pages');
  t.same(
    names.filter((n) => n.startsWith('ConfigMap/')).sort(),
    [
      'ConfigMap/arms-prom/arms-prom-prometheus-yaml',
      'ConfigMap/arms-prom/other',
      ...[0, 1, 2, 3].map((i) => `ConfigMap/monitoring/cm-${i}`),
    ],
    'only the watched namespaces',
  );
  t.equal(new Set(names).size, names.length, 'no object twice');
  const lists = server.requests.filter((r) => r.verb === 'list');
  t.same(
    lists.map((r) => r.path),
    [
      '/apis/apps/v1/daemonsets',
      '/apis/apps/v1/daemonsets',
      '/apis/apps/v1/daemonsets',
      '/api/v1/namespaces/arms-prom/configmaps',
      '/api/v1/namespaces/monitoring/configmaps',
      '/api/v1/namespaces/monitoring/configmaps',
    ],
  );
  t.ok(
    lists.every((r) => r.query.get('limit') === '3'),
    'limit sent on every page',
  );
  t.equal(lists[0]!.query.get('continue'), null);
  t.ok(lists[1]!.query.get('continue'), 'later pages send the continue token');
});

t.test('objects come as the API serves them, with apiVersion and kind', async (t) => {
  const source = new ClusterAuditSource(server.kubeConfig({ token: 'good-token' }), {
    configMapNamespaces: ['arms-prom'],
  });
  const [first] = await collect(source);
  t.equal(first!.apiVersion, 'apps/v1');
  t.equal(first!.kind, 'DaemonSet');
  t.type(first!.metadata?.['creationTimestamp'], 'string', 'timestamps stay strings, not Dates');
  t.match(first!.metadata?.['resourceVersion'], /^\d+$/);
  t.same((first as { spec: unknown }).spec, daemonSet('ns-0', 'ds-0').spec);
});

t.test('needs no more than the RBAC in manifests/base/rbac-audit.yaml grants', async (t) => {
  server.authorize = (r) =>
    r.verb === 'list' &&
    ((r.resource.plural === 'daemonsets' && r.namespace === undefined) ||
      (r.resource.plural === 'configmaps' && r.namespace === 'arms-prom'));
  t.teardown(() => {
    server.authorize = () => true;
  });
  const source = new ClusterAuditSource(server.kubeConfig({ token: 'good-token' }), {
    configMapNamespaces: ['arms-prom'],
  });
  t.equal((await collect(source)).length, 9, '7 DaemonSets and 2 ConfigMaps');
});

t.test('an expired continue token (410) continues from the fresh token, no object twice', async (t) => {
  server.requests.length = 0;
  let pages = 0;
  server.beforeHandle = (r) => {
    // After the first page, compaction invalidates its token.
    if (r.verb === 'list' && r.resource.plural === 'daemonsets' && ++pages === 2) server.expireContinueTokens();
  };
  t.teardown(() => {
    server.beforeHandle = undefined;
  });
  const source = new ClusterAuditSource(server.kubeConfig({ token: 'good-token' }), {
    configMapNamespaces: [],
    pageSize: 3,
  });
  const names = (await collect(source)).map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`);
  t.equal(names.length, 7);
  t.equal(new Set(names).size, 7, 'no duplicates');
  t.equal(server.requests.filter((r) => r.verb === 'list').length, 4, 'one extra request for the expired page');
});

t.test('forConfig lists nothing for a policy that is off', async (t) => {
  const config = defaultConfig();
  config.prometheusConfig.namespaces = ['arms-prom', 'monitoring'];
  const kinds = async () =>
    (await collect(ClusterAuditSource.forConfig(server.kubeConfig({ token: 'good-token' }), config, 2))).map(
      (o) => o.kind,
    );
  t.same(await kinds(), [...Array(7).fill('DaemonSet'), ...Array(6).fill('ConfigMap')]);
  config.dcgmExporter.enforcement = 'off';
  t.same(await kinds(), Array(6).fill('ConfigMap'));
  config.prometheusConfig.enforcement = 'off';
  t.same(await kinds(), []);
});

t.test('401: a rejected token is a clear error', async (t) => {
  const source = new ClusterAuditSource(server.kubeConfig({ token: 'expired' }), { configMapNamespaces: [] });
  const err = await collect(source).catch((e: unknown) => e);
  t.type(err, KubeApiError);
  t.equal((err as KubeApiError).statusCode, 401);
  t.ok(isClusterAccessError(err), 'exit code 2 material');
  t.ok(isClusterAccessError(new KubeConfigError('x')));
  t.notOk(isClusterAccessError(new Error('x')));
  t.equal(
    (err as KubeApiError).message,
    'cannot list daemonsets in all namespaces: 401 Unauthorized: the API server rejected the credentials (expired token or certificate?)',
  );
});

t.test('403: the RBAC message names the user and what is missing', async (t) => {
  server.authorize = (request) => !(request.user === 'bob' && request.resource.plural === 'configmaps');
  t.teardown(() => {
    server.authorize = () => true;
  });
  const source = new ClusterAuditSource(server.kubeConfig({ token: 'reader-token' }), {
    configMapNamespaces: ['arms-prom'],
  });
  const err = await collect(source).catch((e: unknown) => e);
  t.type(err, KubeApiError);
  t.equal((err as KubeApiError).statusCode, 403);
  t.equal((err as KubeApiError).reason, 'Forbidden');
  t.equal(
    (err as KubeApiError).message,
    'cannot list configmaps in namespace "arms-prom": 403 Forbidden: configmaps is forbidden: User "bob" cannot list resource "configmaps" in API group "" in the namespace "arms-prom"',
  );
  t.notMatch((err as KubeApiError).message, /\n/, 'one line');
});

t.test('connection refused names the server', async (t) => {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  const kc = server.kubeConfig();
  kc.clusters = kc.clusters.map((c) => ({ ...c, server: `https://127.0.0.1:${port}` }));
  const source = new ClusterAuditSource(kc, { configMapNamespaces: [] });
  const err = await collect(source).catch((e: unknown) => e);
  t.type(err, KubeApiError);
  t.equal((err as KubeApiError).statusCode, undefined);
  t.equal((err as KubeApiError).reason, 'ECONNREFUSED');
  t.match(
    (err as KubeApiError).message,
    `cannot list daemonsets in all namespaces: no connection to the API server at https://127.0.0.1:${port}: ECONNREFUSED`,
  );
  t.notMatch((err as KubeApiError).message, /\n/, 'one line');
});

t.test('an untrusted server certificate is refused', async (t) => {
  const kc = server.kubeConfig();
  kc.clusters = kc.clusters.map((c) => ({ ...c, caData: undefined }));
  const err = await collect(new ClusterAuditSource(kc, { configMapNamespaces: [] })).catch((e: unknown) => e);
  t.type(err, KubeApiError);
  t.match((err as KubeApiError).message, /no connection to the API server at https:\/\/127\.0\.0\.1:\d+: [A-Z_]+: /);
});
