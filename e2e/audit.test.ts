// Scenario 7 of the e2e suite: `promgate audit` against the real API server, authenticated as the
// manifests' ServiceAccount. Objects written while no webhook was registered are reported, the
// ConfigMap list spans more than one page, and the ServiceAccount can do no more than it needs.
import t from 'tap';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { armsConfigMap } from '../fixtures/objects.js';
import { CLI } from '../test/support/serve-process.js';
import { kubeconfigYaml, startCluster, type Cluster } from './rig/cluster.js';
import { dcgmExporterDaemonSet } from './rig/objects.js';
import { createNamespacesOf, productionConfig, renderedBase } from './rig/promgate.js';

const SERVICE_ACCOUNT = 'system:serviceaccount:promgate-system:promgate';
/** More than the audit's page of 500, so the list must continue. */
const CONFIG_MAPS = 520;
const INVALID_AT = [0, 499, 500, CONFIG_MAPS - 1];

let cluster: Cluster;
let kubeconfig: string;
let config: string;

t.before(async () => {
  cluster = await startCluster();
  // Everything but the webhook configurations: objects are written as before promgate was installed.
  const objects = renderedBase().filter((object) => !/WebhookConfiguration$/.test(object.kind));
  await createNamespacesOf(cluster, objects);
  await cluster.kubectl.ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
  await cluster.kubectl.ok(['create', 'namespace', 'gpu']);
  const configMaps = Array.from({ length: CONFIG_MAPS }, (_, index) =>
    armsConfigMap(
      `scrape-${String(index).padStart(3, '0')}`,
      INVALID_AT.includes(index)
        ? 'scrape_configs:\n  - job_name: app\n    scrape_interval: 1.5h\n'
        : `scrape_configs:\n  - job_name: app-${index}\n    static_configs:\n      - targets: ['app:9100']\n`,
    ),
  );
  const items = [...configMaps, dcgmExporterDaemonSet('dcgm-exporter', 'gpu')];
  await cluster.kubectl.ok(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  const token = (await cluster.kubectl.ok(['create', 'token', 'promgate', '-n', 'promgate-system'])).trim();
  kubeconfig = join(cluster.workDir, 'audit.kubeconfig');
  writeFileSync(kubeconfig, kubeconfigYaml(cluster.server, cluster.pki.caCert, { token }));
  config = join(cluster.workDir, 'config.yaml');
  writeFileSync(config, productionConfig());
});
t.teardown(async () => cluster?.stop());

interface AuditJson {
  objectsScanned: number;
  findings: {
    kind: string;
    namespace?: string;
    name: string;
    policy: string;
    violations: unknown[];
    pendingPatch: unknown[];
  }[];
}

t.test(
  'promgate audit, as the manifests’ ServiceAccount, reports what was written while promgate was away',
  async (t) => {
    const run = await promisify(execFile)(
      process.execPath,
      [CLI, 'audit', '--kubeconfig', kubeconfig, '--config', config, '-o', 'json'],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    ).then(
      (result) => ({ code: 0, ...result }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    t.equal(run.code, 1, `exit 1: violations found (stderr: ${run.stderr})`);
    const report = JSON.parse(run.stdout) as AuditJson;
    const configFindings = report.findings.filter((finding) => finding.policy === 'prometheus-config');
    t.equal(configFindings.length, CONFIG_MAPS, 'every ConfigMap of every page was judged');
    const invalid = configFindings
      .filter((finding) => finding.violations.length > 0)
      .map((finding) => finding.name)
      .sort();
    t.same(
      invalid,
      INVALID_AT.map((index) => `scrape-${String(index).padStart(3, '0')}`),
      'exactly the invalid ones, on both sides of the page boundary',
    );
    const exporter = report.findings.find(
      (finding) => finding.kind === 'DaemonSet' && finding.name === 'dcgm-exporter',
    );
    t.ok(exporter && exporter.pendingPatch.length > 0, 'the dcgm-exporter that missed its mutation is reported');
  },
);

/** `kubectl auth can-i` as the ServiceAccount: true when allowed. */
async function can(verb: string, resource: string, ...scope: string[]): Promise<boolean> {
  const result = await cluster.kubectl.run(['auth', 'can-i', verb, resource, '--as', SERVICE_ACCOUNT, ...scope]);
  return result.stdout.trim() === 'yes';
}

t.test('the ServiceAccount can read what the audit reads, and nothing broader', async (t) => {
  t.ok(await can('list', 'daemonsets.apps', '--all-namespaces'), 'list DaemonSets everywhere');
  t.ok(await can('list', 'configmaps', '-n', 'arms-prom'), 'list ConfigMaps in arms-prom');
  t.notOk(await can('list', 'configmaps', '-n', 'default'), 'no ConfigMaps elsewhere');
  t.notOk(await can('get', 'secrets', '-n', 'arms-prom'), 'no Secrets outside its own');
  t.notOk(await can('list', 'secrets', '-n', 'promgate-system'), 'not even listing its own namespace’s Secrets');
  t.notOk(await can('update', 'daemonsets.apps', '-n', 'gpu'), 'no writes to DaemonSets');
  t.notOk(await can('update', 'configmaps', '-n', 'arms-prom'), 'no writes to ConfigMaps');
  t.notOk(await can('create', 'validatingwebhookconfigurations'), 'cannot register new webhooks');
  t.notOk(await can('*', '*', '--all-namespaces'), 'no wildcard');
});
