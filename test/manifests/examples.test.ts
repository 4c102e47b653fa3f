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
  t.same(
    selectorMismatches(
      withConfig((text) => text.replace('namespaces: [arms-prom]', 'namespaces: [arms-prom, monitoring]')),
    ),
    [
      'ConfigMap webhook namespaceSelector lacks monitoring',
      'no Role grants configmaps list in monitoring',
      'no Role grants configmaps watch in monitoring',
    ],
  );
  t.same(
    selectorMismatches(
      withConfig((text) => text.replace('images: [dcgm-exporter]', 'images: [dcgm-exporter, gpu-metrics]')),
    ),
    ['match entry gpu-metrics does not contain "dcgm": widen the DaemonSet matchCondition'],
  );
  t.same(selectorMismatches(withConfig((text) => text.replace('keys: [promYaml,', 'keys: [scrape.yaml, promYaml,'))), [
    'ConfigMap matchCondition lacks key scrape.yaml',
  ]);
});
