import t from 'tap';
import { generateCertificateAuthority } from '../../src/certs/generate.js';
import { mergeCaBundle } from '../../src/certs/trust-bundle.js';
import { caBundlePatch, syncCaBundles } from '../../src/kube/ca-bundle.js';
import { DAY_MS, cluster, caBundles } from './bootstrap-fixtures.js';

t.test('caBundlePatch: guarded by name, only entries that differ', async (t) => {
  t.same(
    caBundlePatch(
      {
        webhooks: [
          { name: 'a', clientConfig: { caBundle: Buffer.from('NEW').toString('base64') } },
          { name: 'b/c~d', clientConfig: {} },
        ],
      },
      () => 'NEW',
    ),
    [
      { op: 'test', path: '/webhooks/1/name', value: 'b/c~d' },
      { op: 'add', path: '/webhooks/1/clientConfig/caBundle', value: Buffer.from('NEW').toString('base64') },
    ],
  );
  t.same(
    caBundlePatch({ webhooks: [] }, () => 'X'),
    [],
  );
  t.same(
    caBundlePatch({}, () => 'X'),
    [],
  );
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
  const results = await syncCaBundles(server.kubeConfig(), 'promgate', [caCert]);
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

t.test('mergeCaBundle: trusted CAs newest first, newer unknown CAs kept, older and expired ones dropped', async (t) => {
  const now = new Date();
  const older = generateCertificateAuthority({ notBefore: new Date(now.getTime() - 3 * DAY_MS), validityDays: 30 });
  const known = generateCertificateAuthority({ notBefore: new Date(now.getTime() - 2 * DAY_MS), validityDays: 30 });
  const newer = generateCertificateAuthority({ notBefore: new Date(now.getTime() - DAY_MS), validityDays: 30 });
  const expired = generateCertificateAuthority({ notBefore: new Date(now.getTime() - 2 * DAY_MS), validityDays: 1 });
  t.equal(mergeCaBundle('', [known.caCert], now), known.caCert, 'one CA: exactly ca.crt, as before rotations');
  t.equal(mergeCaBundle('', [older.caCert, newer.caCert], now), newer.caCert + older.caCert, 'newest first');
  t.equal(
    mergeCaBundle(newer.caCert + known.caCert + older.caCert, [known.caCert], now),
    newer.caCert + known.caCert,
    'a newer CA comes from a step this replica has not read: kept; an older one is obsolete: dropped',
  );
  t.equal(mergeCaBundle(expired.caCert, [known.caCert, expired.caCert], now), known.caCert, 'expired: never');
  t.equal(mergeCaBundle('not a certificate', [known.caCert], now), known.caCert, 'garbage in the bundle dropped');
  const crlf = known.caCert.replace(/\r?\n/g, '\r\n');
  t.equal(mergeCaBundle(crlf, [known.caCert.replace(/\r\n/g, '\n')], now).includes('\r'), false, 'same CA, once');
});
