import t from 'tap';
import { generateCertificateAuthority } from '../../src/certs/generate.js';
import { caBundlePatch, syncCaBundles } from '../../src/kube/ca-bundle.js';
import { cluster, caBundles } from './bootstrap-fixtures.js';

t.test('caBundlePatch: guarded by name, only entries that differ', async (t) => {
  t.same(
    caBundlePatch(
      {
        webhooks: [
          { name: 'a', clientConfig: { caBundle: 'NEW' } },
          { name: 'b/c~d', clientConfig: {} },
        ],
      },
      'NEW',
    ),
    [
      { op: 'test', path: '/webhooks/1/name', value: 'b/c~d' },
      { op: 'add', path: '/webhooks/1/clientConfig/caBundle', value: 'NEW' },
    ],
  );
  t.same(caBundlePatch({ webhooks: [] }, 'X'), []);
  t.same(caBundlePatch({}, 'X'), []);
});

t.test('a reordered webhook list fails the test op and is re-read', async (t) => {
  const server = await cluster(t);
  let reordered = false;
  server.beforeHandle = (r) => {
    // Between the read and the patch, someone swaps the validating webhooks.
    if (r.verb === 'patch' && r.resource.plural === 'validatingwebhookconfigurations' && !reordered) {
      reordered = true;
      const current = server.get('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'promgate')!;
      (current['webhooks'] as unknown[]).reverse();
      (current['webhooks'] as Array<{ clientConfig: { caBundle?: string } }>)[0]!.clientConfig.caBundle =
        Buffer.from('stale').toString('base64');
      server.put(current);
    }
  };
  const { caCert } = generateCertificateAuthority();
  const results = await syncCaBundles(server.kubeConfig(), 'promgate', caCert);
  t.same(
    results.map((r) => r.status),
    ['patched', 'patched'],
  );
  t.same(new Set(caBundles(server)), new Set([Buffer.from(caCert).toString('base64')]));
  t.equal(
    server.requests.filter((r) => r.resource.plural === 'validatingwebhookconfigurations' && r.verb === 'patch').length,
    2,
  );
});
