// Scenario 8 of the e2e suite: audit findings as policy reports on a real API server, written as
// the manifests' ServiceAccount with the reports component's RBAC. serve keeps working without a
// report CRD and starts writing once it is installed; `promgate audit --write-reports` keeps one
// Report per namespace, updated in place as objects are fixed and deleted; with only the
// wgpolicyk8s.io CRDs it writes PolicyReports; with none, --write-reports says so.
import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { armsConfigMap } from '../fixtures/objects.js';
import { CLI, startServeProcess } from '../test/support/serve-process.js';
import { MANIFESTS, renderComposition } from '../test/manifests/render.js';
import { kubeconfigYaml, startCluster, type Cluster } from './rig/cluster.js';
import { OPEN_REPORTS_CRDS, POLICY_REPORTS_CRDS, pinnedCrd } from './rig/crds.js';
import { dcgmExporterDaemonSet } from './rig/objects.js';
import { createNamespacesOf, productionConfig } from './rig/promgate.js';

const INVALID = 'scrape_configs:\n  - job_name: app\n    scrape_interval: 1.5h\n';
const VALID = "scrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: ['app:9100']\n";
const REPORTS_COMPONENT = join(MANIFESTS, 'components', 'reports');
const OPEN_REPORTS_CRD_NAMES = ['reports.openreports.io', 'clusterreports.openreports.io'];
const POLICY_REPORTS_CRD_NAMES = ['policyreports.wgpolicyk8s.io', 'clusterpolicyreports.wgpolicyk8s.io'];

let cluster: Cluster;
let kubeconfig: string;
let config: string;
/** The component's CRDs, as `kubectl apply -k` would send them. */
let openReportsCrds: string;

interface ReportResult {
  policy: string;
  rule: string;
  result: string;
  severity: string;
  message: string;
  resources: { apiVersion: string; kind: string; namespace: string; name: string; uid?: string }[];
  properties?: Record<string, string>;
}
interface Report {
  kind: string;
  metadata: { name: string; namespace?: string; uid: string; managedFields: { manager: string; operation: string }[] };
  summary: Record<string, number>;
  results: ReportResult[];
}

t.before(async () => {
  cluster = await startCluster();
  // The base and the component's RBAC, no webhooks: objects are written as if promgate were away.
  const component = renderComposition({ resources: [MANIFESTS], components: [REPORTS_COMPONENT] });
  const objects = component.filter(
    (object) => !/WebhookConfiguration$/.test(object.kind) && object.kind !== 'CustomResourceDefinition',
  );
  openReportsCrds = JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: component.filter((object) => object.kind === 'CustomResourceDefinition'),
  });
  await createNamespacesOf(cluster, objects);
  await cluster.kubectl.ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
  await cluster.kubectl.ok(['create', 'namespace', 'gpu']);
  const items = [
    armsConfigMap('bad', INVALID),
    armsConfigMap('good', VALID),
    dcgmExporterDaemonSet('dcgm-exporter', 'gpu'),
  ];
  await cluster.kubectl.ok(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  const token = (await cluster.kubectl.ok(['create', 'token', 'promgate', '-n', 'promgate-system'])).trim();
  kubeconfig = join(cluster.workDir, 'reports.kubeconfig');
  writeFileSync(kubeconfig, kubeconfigYaml(cluster.server, cluster.pki.caCert, { token }));
  config = join(cluster.workDir, 'config.yaml');
  writeFileSync(config, productionConfig());
});
t.teardown(async () => cluster?.stop());

/** Installs CRDs and waits until their resources are served: Established comes a moment before
 *  the storage answers (429 "storage is (re)initializing"). */
async function installCrds(manifests: string, resources: string[]): Promise<void> {
  await cluster.kubectl.ok(['apply', '--server-side', '--field-manager=e2e', '-f', '-'], manifests);
  await cluster.kubectl.ok(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']);
  for (const resource of resources) {
    for (let attempt = 1; ; attempt++) {
      const listed = await cluster.kubectl.run(['get', resource, '-A']);
      if (listed.code === 0) break;
      if (attempt === 100) throw new Error(`${resource} is not served: ${listed.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function deleteCrds(names: string[]): Promise<void> {
  await cluster.kubectl.ok(['delete', 'crd', '--wait=true', ...names]);
}

async function audit(...flags: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [
    CLI,
    'audit',
    '--kubeconfig',
    kubeconfig,
    '--config',
    config,
    ...flags,
  ]).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

async function reports(resource = 'reports.openreports.io'): Promise<Report[]> {
  const list = JSON.parse(await cluster.kubectl.ok(['get', resource, '-A', '-o', 'json', '--show-managed-fields'])) as {
    items: Report[];
  };
  return list.items;
}

function resultsByName(report: Report | undefined): Record<string, string> {
  return Object.fromEntries((report?.results ?? []).map((result) => [result.resources[0]!.name, result.result]));
}

function reportIn(all: Report[], namespace: string): Report | undefined {
  return all.find((report) => report.metadata.namespace === namespace);
}

t.test(
  'serve without a report CRD keeps working, says so and counts it, and writes reports once the CRDs are installed',
  async (t) => {
    const dir = join(cluster.workDir, 'serve');
    mkdirSync(dir, { recursive: true });
    const serve = await startServeProcess([
      '--cert-dir',
      join(dir, 'certs'),
      '--kubeconfig',
      kubeconfig,
      '--config',
      config,
      '--audit-interval',
      '1s',
      '--workers',
      '0',
    ]);
    t.teardown(async () => {
      serve.child.kill('SIGTERM');
      await serve.exited;
    });
    await serve.logged('policy reports not written: no report CRD is installed');
    const metrics = await (await fetch(`http://127.0.0.1:${serve.metricsPort}/metrics`)).text();
    t.match(metrics, /^promgate_reports_unwritten_total\{reason="no-crd"\} [1-9]/m, 'counted');
    t.match(metrics, /^promgate_audit_violations\{policy="prometheus-config"\} 1$/m, 'the audit itself goes on');
    t.equal((await fetch(`http://127.0.0.1:${serve.metricsPort}/readyz`)).status, 200, 'still ready');

    await installCrds(openReportsCrds, OPEN_REPORTS_CRD_NAMES);
    await serve.logged('policy reports written');
    const written = await reports();
    t.same(
      resultsByName(reportIn(written, 'arms-prom')),
      { bad: 'fail', good: 'pass' },
      'the background audit wrote them',
    );
    t.ok(
      written.every((report) =>
        report.metadata.managedFields.some((field) => field.manager === 'promgate' && field.operation === 'Apply'),
      ),
      'by server-side apply under promgate’s field manager',
    );
  },
);

t.test('audit --write-reports: one Report per namespace, one result per object and policy', async (t) => {
  const run = await audit('--write-reports');
  t.equal(run.code, 1, `violations found (stderr: ${run.stderr})`);
  t.match(run.stderr, /^2 openreports\.io\/v1alpha1 reports written$/m);
  const all = await reports();
  t.same(all.map((report) => `${report.metadata.namespace}/${report.metadata.name}`).sort(), [
    'arms-prom/promgate',
    'gpu/promgate',
  ]);
  const arms = reportIn(all, 'arms-prom')!;
  t.same(arms.summary, { pass: 1, fail: 1, warn: 0, error: 0, skip: 0 });
  const uid = JSON.parse(await cluster.kubectl.ok(['get', 'configmap', 'bad', '-n', 'arms-prom', '-o', 'json'])) as {
    metadata: { uid: string };
  };
  t.match(
    arms.results.find((result) => result.resources[0]!.name === 'bad'),
    {
      policy: 'prometheus-config',
      rule: 'promtool-check-config',
      result: 'fail',
      severity: 'high',
      message: /^promYaml:3:22: /,
      resources: [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'arms-prom', name: 'bad', uid: uid.metadata.uid }],
      properties: { key: 'promYaml', line: '3', column: '22' },
    },
  );
  const exporter = reportIn(all, 'gpu')!.results[0]!;
  t.match(exporter, { policy: 'dcgm-exporter-placement', rule: 'exclude-starship-nodes', result: 'fail' });
  t.match(exporter.properties?.['patch'], /"op":"add"/, 'the pending patch, as JSON');
  const printed = await cluster.kubectl.ok(['get', 'reports', '-n', 'arms-prom']);
  t.match(printed, /^promgate\s+1\s+1\s+0\s+0\s+0\s/m, 'kubectl get reports shows the summary columns');
});

t.test('fixed and deleted objects: results updated in place, never duplicated', async (t) => {
  const before = reportIn(await reports(), 'arms-prom')!;
  await cluster.kubectl.ok(['apply', '-f', '-'], JSON.stringify(armsConfigMap('bad', VALID)));
  await cluster.kubectl.ok(['delete', 'configmap', 'good', '-n', 'arms-prom']);
  t.equal((await audit('--write-reports')).code, 1, 'the exporter still violates');
  const all = await reports();
  const after = reportIn(all, 'arms-prom')!;
  t.same(resultsByName(after), { bad: 'pass' }, 'fixed: pass; deleted: gone');
  t.equal(after.metadata.uid, before.metadata.uid, 'the same Report, updated');
  t.equal(all.length, 2, 'still one Report per namespace');

  await cluster.kubectl.ok(['delete', 'daemonset', 'dcgm-exporter', '-n', 'gpu']);
  t.equal((await audit('--write-reports')).code, 0);
  t.same(
    (await reports()).map((report) => report.metadata.namespace),
    ['arms-prom'],
    'a namespace with nothing left to judge keeps no Report',
  );
});

t.test('only the wgpolicyk8s.io CRDs: PolicyReports; no CRD: --write-reports exits 2, audit works', async (t) => {
  await deleteCrds(OPEN_REPORTS_CRD_NAMES);
  await installCrds(POLICY_REPORTS_CRDS.map((crd) => pinnedCrd(crd)).join('\n---\n'), POLICY_REPORTS_CRD_NAMES);
  await cluster.kubectl.ok(['apply', '-f', '-'], JSON.stringify(armsConfigMap('bad', INVALID)));
  const run = await audit('--write-reports');
  t.equal(run.code, 1, run.stderr);
  t.match(run.stderr, /^1 wgpolicyk8s\.io\/v1alpha2 report written$/m);
  const policyReports = await reports('policyreports.wgpolicyk8s.io');
  t.same(
    policyReports.map((report) => `${report.kind} ${report.metadata.namespace}/${report.metadata.name}`),
    ['PolicyReport arms-prom/promgate'],
  );
  t.same(resultsByName(policyReports[0]), { bad: 'fail' });

  await deleteCrds(POLICY_REPORTS_CRD_NAMES);
  const without = await audit('--write-reports');
  t.equal(without.code, 2, 'asked for reports that cannot be written');
  t.match(without.stderr, /no policy report CRD .* is installed; install manifests\/components\/reports/);
  t.match(without.stdout, /bad .*prometheus-config/, 'the audit itself was printed');
  t.equal((await audit()).code, 1, 'without --write-reports the audit needs no CRD');
});

t.test('the component’s CRD files are upstream’s', async (t) => {
  for (const pin of OPEN_REPORTS_CRDS) {
    const copy = readFileSync(join(REPORTS_COMPONENT, 'crds', pin.path.split('/').pop()!), 'utf8');
    t.equal(copy, pinnedCrd(pin), `${pin.path} as github.com/openreports/reports-api@${pin.version} has it`);
  }
});
