// The optional monitoring component, composed with the base and with the cert-manager overlay as
// an admin would, and the ARMS scrape-config example.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { V1ConfigMap, V1Service } from '@kubernetes/client-node';
import { defaultConfig } from '../../src/config/schema.js';
import { checkPrometheusConfig } from '../../src/prometheus/index.js';
import { MANIFESTS, REPO_ROOT, findOne, parseDocuments, renderComposition, type KubeObject } from './render.js';
import { createMetrics } from '../../src/server/metrics.js';
import { balanced, promgateContainer, webhooksOf } from './inspect.js';

const COMPONENT = join(MANIFESTS, 'components', 'monitoring');

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string; description?: string; runbook_url?: string };
}
interface PrometheusRule extends KubeObject {
  spec: { groups: { name: string; rules: AlertRule[] }[] };
}
interface ServiceMonitor extends KubeObject {
  spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string; path: string }[] };
}

const withBase = renderComposition({ resources: [MANIFESTS], components: [COMPONENT] });

t.test('composes with the base and with the cert-manager overlay', async (t) => {
  const withCertManager = renderComposition({
    resources: [join(MANIFESTS, 'overlays', 'cert-manager')],
    components: [COMPONENT],
  });
  for (const objects of [withBase, withCertManager]) {
    findOne(objects, 'PrometheusRule', 'promgate', 'promgate-system');
    findOne(objects, 'ServiceMonitor', 'promgate', 'promgate-system');
    findOne(objects, 'Deployment', 'promgate', 'promgate-system');
  }
  t.equal(withCertManager.filter((object) => object.kind === 'Certificate').length, 2);
});

t.test('ServiceMonitor scrapes the metrics port of the Service', async (t) => {
  const monitor = findOne<ServiceMonitor>(withBase, 'ServiceMonitor', 'promgate', 'promgate-system');
  const service = findOne<V1Service>(withBase, 'Service', 'promgate', 'promgate-system');
  for (const [key, value] of Object.entries(monitor.spec.selector.matchLabels)) {
    t.equal(service.metadata?.labels?.[key], value, `the Service carries ${key}=${value}`);
  }
  const [endpoint] = monitor.spec.endpoints;
  t.ok(service.spec?.ports?.some((port) => port.name === endpoint?.port));
  t.equal(endpoint?.path, '/metrics');
});

t.test('alerts', async (t) => {
  const rule = findOne<PrometheusRule>(withBase, 'PrometheusRule', 'promgate', 'promgate-system');
  const alerts = rule.spec.groups.flatMap((group) => group.rules);
  const byName = new Map(alerts.map((alert) => [alert.alert, alert]));
  const expected: Record<string, string> = {
    PromgateDown: 'up{job="promgate"}',
    PromgateWebhookFailingOpen: 'apiserver_admission_webhook_fail_open_count',
    PromgateRejectionSpike: 'promgate_admission_requests_total{decision="denied"}',
    PromgateAuditViolations: 'promgate_audit_violations',
    PromgateWebhookSlow: 'apiserver_admission_webhook_admission_duration_seconds_bucket',
  };
  for (const [name, series] of Object.entries(expected)) {
    t.ok(byName.get(name)?.expr.includes(series), `${name} watches ${series}`);
  }
  t.match(byName.get('PromgateAuditViolations')?.for, '30m');
  const webhookNames = webhooksOf(withBase).map(({ webhook }) => webhook.name);
  for (const alert of alerts) {
    t.test(alert.alert, async (t) => {
      t.match(alert.labels?.severity, /^(critical|warning)$/);
      t.ok(alert.annotations?.summary, 'has a summary');
      t.ok(alert.for === undefined || /^\d+[smh]$/.test(alert.for), 'for: is a duration');
      t.ok(balanced(alert.expr), 'brackets balance');
      const runbook = /^https:\/\/github\.com\/promgate\/promgate\/blob\/main\/(docs\/[\w.-]+\.md)#([\w-]+)$/.exec(
        alert.annotations?.runbook_url ?? '',
      );
      t.ok(runbook, 'runbook_url points at a section of docs/');
      if (runbook) {
        const headings = readFileSync(join(REPO_ROOT, runbook[1]!), 'utf8').match(/^## .+$/gm) ?? [];
        const anchors = headings.map((heading) =>
          heading
            .slice(3)
            .trim()
            .toLowerCase()
            .replace(/[^\w -]/g, '')
            .replace(/ /g, '-'),
        );
        t.ok(anchors.includes(runbook[2]!), `${runbook[1]} has the section #${runbook[2]}`);
      }
      // The apiserver_* series are labelled with webhook names: the matcher must catch them all.
      for (const [, pattern] of alert.expr.matchAll(/name=~"([^"]+)"/g)) {
        const anchored = new RegExp(`^(?:${pattern})$`);
        for (const webhookName of webhookNames) t.match(webhookName, anchored, `${pattern} matches ${webhookName}`);
      }
    });
  }
});

t.test('ARMS scrape config example', async (t) => {
  const file = join(COMPONENT, 'arms-prom-prometheus-yaml.example.yaml');
  const [document] = parseDocuments(readFileSync(file, 'utf8'), file);
  const configMap = document as V1ConfigMap;
  t.equal(configMap.metadata?.name, 'arms-prom-prometheus-yaml');
  t.equal(configMap.metadata?.namespace, 'arms-prom');
  t.same(configMap.metadata?.labels, { target: 'arms', type: 'prometheus-yaml' });
  const promYaml = configMap.data?.['promYaml'];
  if (promYaml === undefined) throw new Error('no promYaml key');

  interface ScrapeConfig {
    job_name: string;
    kubernetes_sd_configs: { role: string; namespaces: { names: string[] }; selectors?: { label?: string }[] }[];
    relabel_configs: { source_labels?: string[]; regex?: string; action?: string }[];
  }
  const verdict = checkPrometheusConfig(promYaml, {
    prometheusVersion: defaultConfig().prometheusConfig.prometheusVersion,
  });
  t.same(verdict.errors, [], 'promgate itself accepts it (what it will judge when an admin saves it)');
  const [config] = parseDocuments(promYaml, 'promYaml') as [{ scrape_configs: ScrapeConfig[] }];
  t.same(Object.keys(config), ['scrape_configs'], 'only scrape_configs, as ARMS expects');
  const job = config.scrape_configs.find((scrape) => scrape.job_name === 'promgate');
  if (job === undefined) throw new Error('no promgate job');
  const { deployment, pod, container } = promgateContainer(withBase);
  const [discovery] = job.kubernetes_sd_configs;
  t.equal(discovery?.role, 'pod');
  t.same(discovery?.namespaces.names, [deployment.metadata?.namespace]);
  const [labelKey, labelValue] = (discovery?.selectors?.[0]?.label ?? '').split('=');
  t.equal(pod.metadata?.labels?.[labelKey ?? ''], labelValue, 'the pod selector selects promgate pods');
  const keepPort = job.relabel_configs.find(
    (relabel) =>
      relabel.action === 'keep' && relabel.source_labels?.includes('__meta_kubernetes_pod_container_port_name'),
  );
  t.ok(
    container.ports?.some((port) => port.name === keepPort?.regex && port.containerPort === 8080),
    'keeps exactly the plain-HTTP metrics port',
  );
});

interface Dashboard {
  uid: string;
  panels: { title: string; targets: { expr: string }[] }[];
}

t.test('the Grafana dashboard ships with the component and plots only series promgate exports', async (t) => {
  const configMap = findOne<V1ConfigMap>(withBase, 'ConfigMap', 'promgate-dashboard', 'promgate-system');
  t.equal(configMap.metadata?.labels?.['grafana_dashboard'], '1', 'labelled for Grafana’s dashboard sidecar');
  const dashboard = JSON.parse(configMap.data?.['promgate.json'] ?? '') as Dashboard;
  t.equal(dashboard.uid, 'promgate');
  const metrics = createMetrics();
  metrics.observePool(() => ({ queued: 0, running: 0 }));
  const exported = new Set((await metrics.registry.getMetricsAsJSON()).map((metric) => metric.name));
  const plotted = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
  for (const expr of plotted) {
    for (const [name] of expr.matchAll(/promgate_[a-z_]+/g)) {
      t.ok(exported.has(name.replace(/_(bucket|sum|count)$/, '')), `${name} is a promgate metric`);
    }
  }
  const shown = plotted.join('\n');
  for (const metric of [
    'promgate_admission_requests_total',
    'promgate_admission_duration_seconds_bucket',
    'promgate_policy_violations_total',
    'promgate_worker_pool_tasks',
    'promgate_certificate_expiry_timestamp_seconds',
    'promgate_audit_violations',
  ]) {
    t.ok(shown.includes(metric), `a panel plots ${metric}`);
  }
});
