// charts/promgate renders, for equal settings, the very objects the kustomizations render, and
// passes `helm lint`. The two install paths are written separately (a chart is templates, a
// kustomization is patches); this test is what keeps them the same.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { toolPath } from '../../fixtures/tools.js';
import { MANIFESTS, REPO_ROOT, parseDocuments, render, renderComposition, type KubeObject } from './render.js';
import { renderedConfig, selectorMismatches } from './inspect.js';

const CHART = join(REPO_ROOT, 'charts', 'promgate');
const HELM = toolPath('helm');

function helmTemplate(settings: string[] = []): KubeObject[] {
  const args = ['template', 'promgate', CHART, '--namespace', 'promgate-system'];
  for (const setting of settings) args.push('--set', setting);
  return parseDocuments(execFileSync(HELM, args, { encoding: 'utf8' }), 'helm template') as KubeObject[];
}

/**
 * What may differ: who manages the objects (the label says kustomize or Helm), the Helm-only
 * checksum that rolls the pods on a config change, and the config file's comments and layout
 * (compared parsed). The Namespace is the admin's to create with `helm install --create-namespace`.
 */
function comparable(objects: KubeObject[]): Record<string, unknown> {
  const byId: Record<string, unknown> = {};
  for (const object of objects) {
    if (object.kind === 'Namespace') continue;
    const copy = JSON.parse(JSON.stringify(object)) as KubeObject & {
      data?: Record<string, string>;
      spec?: { template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } } };
    };
    delete copy.metadata.labels?.['app.kubernetes.io/managed-by'];
    const template = copy.spec?.template?.metadata;
    delete template?.labels?.['app.kubernetes.io/managed-by'];
    if (template?.annotations) {
      delete template.annotations['checksum/config'];
      if (Object.keys(template.annotations).length === 0) delete template.annotations;
    }
    if (copy.kind === 'ConfigMap' && copy.data?.['config.yaml'] !== undefined) {
      (copy.data as Record<string, unknown>)['config.yaml'] = loadYaml(copy.data['config.yaml']);
    }
    byId[`${copy.kind} ${copy.metadata.namespace ?? ''}/${copy.metadata.name}`] = copy;
  }
  return byId;
}

const monitoring = join(MANIFESTS, 'components', 'monitoring');
const reports = join(MANIFESTS, 'components', 'reports');
const certManager = join(MANIFESTS, 'overlays', 'cert-manager');

const equivalents: { name: string; settings: string[]; kustomize: () => KubeObject[] }[] = [
  { name: 'defaults = manifests/', settings: [], kustomize: () => render(MANIFESTS) },
  {
    name: 'certificates.source=cert-manager = overlays/cert-manager',
    settings: ['certificates.source=cert-manager'],
    kustomize: () => render(certManager),
  },
  {
    name: 'monitoring.enabled = manifests/ with components/monitoring',
    settings: ['monitoring.enabled=true'],
    kustomize: () => renderComposition({ resources: [MANIFESTS], components: [monitoring] }),
  },
  {
    name: 'reports.enabled = manifests/ with components/reports',
    settings: ['reports.enabled=true'],
    kustomize: () => renderComposition({ resources: [MANIFESTS], components: [reports] }),
  },
  {
    name: 'cert-manager, monitoring and reports = overlays/cert-manager with both components',
    settings: ['certificates.source=cert-manager', 'monitoring.enabled=true', 'reports.enabled=true'],
    kustomize: () => renderComposition({ resources: [certManager], components: [monitoring, reports] }),
  },
];

t.test('reports.installCRDs=false: the reports RBAC without the CRDs another tool installed', async (t) => {
  const ids = (objects: KubeObject[]) => Object.keys(comparable(objects)).sort();
  const withoutCrds = helmTemplate(['reports.enabled=true', 'reports.installCRDs=false']);
  t.same(
    ids(withoutCrds),
    ids(helmTemplate(['reports.enabled=true'])).filter((id) => !id.startsWith('CustomResourceDefinition ')),
  );
  t.ok(ids(withoutCrds).includes('ClusterRole /promgate-reports'));
});

for (const { name, settings, kustomize } of equivalents) {
  t.test(`helm template with ${name}`, async (t) => {
    const helm = comparable(helmTemplate(settings));
    const kustomized = comparable(kustomize());
    t.same(Object.keys(helm).sort(), Object.keys(kustomized).sort(), 'the same objects');
    for (const id of Object.keys(kustomized)) t.same(helm[id], kustomized[id], id);
  });
}

t.test('values reach every place that depends on them', async (t) => {
  const objects = helmTemplate([
    'config.prometheusConfig.namespaces={arms-prom,team-prom}',
    'config.prometheusConfig.keys={promYaml,scrape.yaml}',
    'config.dcgmExporter.enforcement=warn',
    'config.dcgmExporter.match.images={dcgm-exporter,gpu-metrics}',
    'config.dcgmExporter.match.labels={team=gpu}',
    'excludedNamespaces={kube-system,platform}',
    'replicas=3',
    'image.repository=registry.example.com/promgate',
  ]);
  const find = <T>(kind: string, name: string, namespace?: string): T =>
    objects.find(
      (object) => object.kind === kind && object.metadata.name === name && object.metadata.namespace === namespace,
    ) as T;
  t.ok(find('Role', 'promgate-configmaps', 'team-prom'), 'the audit may read ConfigMaps in the added namespace');
  const validating = find<{ webhooks: { name: string; namespaceSelector: unknown; matchConditions: unknown }[] }>(
    'ValidatingWebhookConfiguration',
    'promgate',
  );
  const configMaps = validating.webhooks.find((webhook) => webhook.name.includes('configmaps'));
  t.match(JSON.stringify(configMaps?.namespaceSelector), /"In","values":\["arms-prom","team-prom"\]/);
  t.match(JSON.stringify(configMaps?.matchConditions), /\['promYaml', 'scrape\.yaml'\]\.exists/);
  t.same(selectorMismatches(objects), [], 'the webhooks send exactly what the rendered config judges');
  t.same(renderedConfig(objects).excludedNamespaces, ['promgate-system', 'kube-system', 'platform']);
  const config = find<{ data: Record<string, string> }>('ConfigMap', 'promgate-config', 'promgate-system');
  t.match(loadYaml(config.data['config.yaml']!), { dcgmExporter: { enforcement: 'warn' } });
  const deployment = find<{ spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } }>(
    'Deployment',
    'promgate',
    'promgate-system',
  );
  t.equal(deployment.spec.replicas, 3);
  t.equal(deployment.spec.template.spec.containers[0]!.image, 'registry.example.com/promgate:0.1.0');
});

t.test('helm lint passes', async (t) => {
  const output = execFileSync(HELM, ['lint', CHART, '--strict'], { encoding: 'utf8' });
  t.match(output, /1 chart\(s\) linted, 0 chart\(s\) failed/);
});
