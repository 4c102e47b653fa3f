// The fake API server must answer as kube-apiserver does, or the tests built on it prove nothing.
// These pin its wire format as seen through the real @kubernetes/client-node.
import { ApiException, AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import t from 'tap';
import { FakeApiServer } from '../support/fake-apiserver.js';

const server = await FakeApiServer.start();
t.teardown(() => server.close());
const core = server.kubeConfig().makeApiClient(CoreV1Api);

async function failure(promise: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ApiException)) throw new Error(`expected an ApiException, got ${String(err)}`);
  return { code: err.code, body: JSON.parse(err.body as string) as Record<string, unknown> };
}

t.test('create, get, 409 AlreadyExists, 404 NotFound', async (t) => {
  const created = await core.createNamespacedConfigMap({
    namespace: 'demo',
    body: { metadata: { name: 'one' }, data: { a: '1' } },
  });
  t.equal(created.metadata?.namespace, 'demo');
  t.match(created.metadata?.resourceVersion, /^\d+$/);
  t.ok(created.metadata?.uid);
  t.same((await core.readNamespacedConfigMap({ name: 'one', namespace: 'demo' })).data, { a: '1' });
  t.same(await failure(core.createNamespacedConfigMap({ namespace: 'demo', body: { metadata: { name: 'one' } } })), {
    code: 409,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'configmaps "one" already exists',
      reason: 'AlreadyExists',
      details: { name: 'one', kind: 'configmaps' },
      code: 409,
    },
  });
  t.same((await failure(core.readNamespacedConfigMap({ name: 'two', namespace: 'demo' }))).body, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'configmaps "two" not found',
    reason: 'NotFound',
    details: { name: 'two', kind: 'configmaps' },
    code: 404,
  });
});

t.test('update: resourceVersion is a precondition; 409 Conflict when stale', async (t) => {
  const current = await core.readNamespacedConfigMap({ name: 'one', namespace: 'demo' });
  const updated = await core.replaceNamespacedConfigMap({
    name: 'one',
    namespace: 'demo',
    body: { ...current, data: { a: '2' } },
  });
  t.ok(Number(updated.metadata?.resourceVersion) > Number(current.metadata?.resourceVersion), 'resourceVersion bumps');
  t.equal(updated.metadata?.uid, current.metadata?.uid, 'uid kept');
  const stale = await failure(
    core.replaceNamespacedConfigMap({ name: 'one', namespace: 'demo', body: { ...current, data: { a: '3' } } }),
  );
  t.equal(stale.code, 409);
  t.equal(stale.body['reason'], 'Conflict');
  t.equal(
    stale.body['message'],
    'Operation cannot be fulfilled on configmaps "one": the object has been modified; please apply your changes to the latest version and try again',
  );
});

t.test('patch: JSON patch, merge patch, strategic merge patch', async (t) => {
  const json = await core.patchNamespacedConfigMap(
    { name: 'one', namespace: 'demo', body: [{ op: 'add', path: '/data/b', value: 'x' }] },
    setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
  );
  t.same(json.data, { a: '2', b: 'x' });
  const merge = await core.patchNamespacedConfigMap(
    { name: 'one', namespace: 'demo', body: { data: { a: null, c: 'y' } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  t.same(merge.data, { b: 'x', c: 'y' });
  const strategic = await core.patchNamespacedConfigMap(
    { name: 'one', namespace: 'demo', body: { metadata: { labels: { l: 'v' } } } },
    setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
  );
  t.same(strategic.metadata?.labels, { l: 'v' });
  t.same(
    server.requests.filter((r) => r.verb === 'patch').map((r) => r.contentType),
    ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'],
  );
  const failedTest = await failure(
    core.patchNamespacedConfigMap(
      { name: 'one', namespace: 'demo', body: [{ op: 'test', path: '/data/b', value: 'not-x' }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    ),
  );
  t.equal(failedTest.code, 422);
});

t.test('lists: typed List kinds, items without apiVersion/kind, continue tokens', async (t) => {
  const apps = server.kubeConfig().makeApiClient(AppsV1Api);
  for (let i = 0; i < 5; i++) {
    server.put({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: `ds-${i}`, namespace: `ns-${i % 2}` },
      spec: {},
    });
  }
  const first = await apps.listDaemonSetForAllNamespaces({ limit: 2 });
  t.equal(first.kind, 'DaemonSetList');
  t.equal(first.apiVersion, 'apps/v1');
  t.equal(first.items.length, 2);
  t.equal(first.items[0]?.kind, undefined, 'list items carry no kind');
  t.equal(first.metadata?.remainingItemCount, 3);
  const rest = await apps.listDaemonSetForAllNamespaces({ limit: 10, _continue: first.metadata!._continue! });
  t.equal(rest.items.length, 3);
  t.equal(rest.metadata?._continue, undefined, 'last page has no continue token');
  const namespaced = await apps.listNamespacedDaemonSet({ namespace: 'ns-1' });
  t.same(
    namespaced.items.map((d) => d.metadata?.name),
    ['ds-1', 'ds-3'],
  );
  t.equal((await failure(apps.listDaemonSetForAllNamespaces({ _continue: 'garbage' }))).code, 400);
});

t.test('401 for unknown tokens; 403 Forbidden shaped like the RBAC authorizer', async (t) => {
  const anonymous = server.kubeConfig({ token: 'wrong' }).makeApiClient(CoreV1Api);
  const unauthorized = await anonymous
    .readNamespacedConfigMap({ name: 'one', namespace: 'demo' })
    .catch((e: unknown) => e);
  t.equal((unauthorized as ApiException<unknown>).code, 401);
  server.authorize = (r) => r.verb !== 'delete';
  t.teardown(() => (server.authorize = () => true));
  t.same((await failure(core.deleteNamespacedConfigMap({ name: 'one', namespace: 'demo' }))).body, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message:
      'configmaps "one" is forbidden: User "test-user" cannot delete resource "configmaps" in API group "" in the namespace "demo"',
    reason: 'Forbidden',
    details: { name: 'one', kind: 'configmaps' },
    code: 403,
  });
});
