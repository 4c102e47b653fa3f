// manifests/examples/extra-namespace: the documented way to watch another namespace keeps the
// config, the ConfigMap webhook and the audit's RBAC in agreement; and the agreement check itself
// notices when they are not.
import { join } from 'node:path';
import t from 'tap';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { MANIFESTS, render, type KubeObject } from './render.js';
import { permissionsOf, renderedConfig, selectorMismatches, webhooksOf } from './inspect.js';

const base = render(MANIFESTS);
const example = render(join(MANIFESTS, 'examples', 'extra-namespace'));

t.test('extra-namespace example: monitoring is configured, sent and listable', async (t) => {
  t.same(renderedConfig(example).prometheusConfig.namespaces, ['arms-prom', 'monitoring']);
  t.same(selectorMismatches(example), []);
  const permissions = permissionsOf(example, { namespace: 'promgate-system', name: 'promgate' });
  t.ok(permissions.includes('monitoring: configmaps watch'));
  t.same(webhooksOf(example).length, webhooksOf(base).length, 'no webhook added or lost');
});

t.test('the agreement check finds each kind of drift', async (t) => {
  const withConfig = (edit: (text: string) => string): KubeObject[] =>
    base.map((object) => {
      if (object.kind !== 'ConfigMap' || object.metadata.name !== 'promgate-config') return object;
      const configMap = structuredClone(object) as KubeObject & V1ConfigMap;
      configMap.data = { 'config.yaml': edit(configMap.data?.['config.yaml'] ?? '') };
      return configMap;
    });
  const validateConfigMaps = 'ValidatingWebhookConfiguration promgate webhook promgate-validate-configmaps.promgate.io';
  t.same(
    selectorMismatches(
      withConfig((text) => text.replace('namespaces: [arms-prom]', 'namespaces: [arms-prom, monitoring]')),
    ),
    [
      `${validateConfigMaps}: prometheusConfig.namespaces has monitoring, but its namespaceSelector never sends ` +
        'ConfigMaps from there: add monitoring to its kubernetes.io/metadata.name In list',
      'no Role grants configmaps list in monitoring',
      'no Role grants configmaps watch in monitoring',
    ],
  );
  t.same(
    selectorMismatches(
      withConfig((text) => text.replace('images: [dcgm-exporter]', 'images: [dcgm-exporter, gpu-metrics]')),
    ),
    ['Mutating', 'Validating'].map(
      (kind) =>
        `${kind}WebhookConfiguration promgate webhook promgate-${kind === 'Mutating' ? 'mutate' : 'validate'}-daemonsets.promgate.io: ` +
        'dcgmExporter.match.images has gpu-metrics, but its matchCondition pod-template-is-dcgm-exporter never sends ' +
        'DaemonSets running gpu-metrics: promgate never judges them',
    ),
  );
  t.same(selectorMismatches(withConfig((text) => text.replace('keys: [promYaml,', 'keys: [scrape.yaml, promYaml,'))), [
    `${validateConfigMaps}: prometheusConfig.keys has scrape.yaml, but its matchCondition carries-prometheus-config ` +
      'never sends ConfigMaps with key scrape.yaml: promgate never judges them',
  ]);
});
