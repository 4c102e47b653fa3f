// Scenario 5 of the e2e suite: every kustomization the README offers is accepted by a real API
// server (`kubectl apply --dry-run=server --validate=strict`), CEL matchConditions included,
// with the CRDs its optional parts need installed from upstream's pinned files.
import t from 'tap';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { toolPath } from '../fixtures/tools.js';
import { MANIFESTS, REPO_ROOT, render, renderComposition, type KubeObject } from '../test/manifests/render.js';
import { startCluster, type Cluster } from './rig/cluster.js';
import { PINNED_CRDS, pinnedCrd } from './rig/crds.js';
import { createNamespacesOf } from './rig/promgate.js';

let cluster: Cluster;

t.before(async () => {
  cluster = await startCluster();
  for (const crd of PINNED_CRDS) {
    // Server-side: cert-manager's Issuer CRD is larger than the last-applied annotation allows.
    await cluster.kubectl.ok(['apply', '--server-side', '--field-manager=e2e', '-f', '-'], pinnedCrd(crd));
  }
  await cluster.kubectl.ok(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']);
});
t.teardown(async () => cluster?.stop());

const monitoring = join(MANIFESTS, 'components', 'monitoring');
const reports = join(MANIFESTS, 'components', 'reports');
const certManager = join(MANIFESTS, 'overlays', 'cert-manager');

const kustomizations: Record<string, () => KubeObject[]> = {
  'manifests/ (the base)': () => render(MANIFESTS),
  'overlays/cert-manager': () => render(certManager),
  'the base with components/monitoring': () => renderComposition({ resources: [MANIFESTS], components: [monitoring] }),
  'overlays/cert-manager with components/monitoring': () =>
    renderComposition({ resources: [certManager], components: [monitoring] }),
  'the base with components/reports': () => renderComposition({ resources: [MANIFESTS], components: [reports] }),
  'examples/extra-namespace': () => render(join(MANIFESTS, 'examples', 'extra-namespace')),
};

function dryRun(objects: KubeObject[]): ReturnType<Cluster['kubectl']['run']> {
  return cluster.kubectl.run(
    ['apply', '--dry-run=server', '--validate=strict', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
  );
}

for (const [name, renderIt] of Object.entries(kustomizations)) {
  t.test(`${name}: kubectl apply --dry-run=server accepts every object`, async (t) => {
    const objects = renderIt();
    await createNamespacesOf(cluster, objects);
    const result = await dryRun(objects);
    t.equal(result.code, 0, result.stderr);
    const accepted = result.stdout.split('\n').filter((line) => line.endsWith('(server dry run)'));
    t.equal(accepted.length, objects.length, 'one "(server dry run)" line per object');
  });
}

t.test('the dry run would catch a broken matchCondition: the API server compiles the CEL', async (t) => {
  const objects = render(MANIFESTS);
  await createNamespacesOf(cluster, objects);
  const broken = objects.map((object) => {
    if (object.kind !== 'ValidatingWebhookConfiguration') return object;
    const copy = structuredClone(object) as KubeObject & { webhooks: { matchConditions?: { expression: string }[] }[] };
    const condition = copy.webhooks.flatMap((webhook) => webhook.matchConditions ?? [])[0];
    if (condition === undefined) throw new Error('the validating webhooks have no matchConditions to break');
    condition.expression = `${condition.expression} &&`;
    return copy;
  });
  const result = await dryRun(broken);
  t.not(result.code, 0, 'refused');
  t.match(result.stderr, /matchConditions\[\d+\]\.expression: Invalid value/, 'for the CEL expression');
});

const helmSettings = [[], ['certificates.source=cert-manager', 'monitoring.enabled=true', 'reports.enabled=true']];

for (const settings of helmSettings) {
  t.test(`helm install --dry-run=server of charts/promgate ${settings.join(' ') || 'with its defaults'}`, async (t) => {
    await createNamespacesOf(cluster, render(MANIFESTS));
    const args = ['install', 'promgate', join(REPO_ROOT, 'charts', 'promgate'), '--namespace', 'promgate-system'];
    args.push('--dry-run=server', '--kubeconfig', cluster.adminKubeconfig);
    for (const setting of settings) args.push('--set', setting);
    const result = await promisify(execFile)(toolPath('helm'), args).then(
      (output) => ({ code: 0, ...output }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    t.equal(result.code, 0, result.stderr);
    t.match(result.stdout, /^STATUS: pending-install$/m, 'Helm would install the release');
    t.match(result.stdout, /^kind: ValidatingWebhookConfiguration$/m, 'with the webhooks');
  });
}
