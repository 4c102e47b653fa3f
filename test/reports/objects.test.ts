// Building policy reports from audit findings: the findings come from the real policies through
// runAudit, so what a report says is what the engine decided.
import t from 'tap';
import { armsConfigMap, DCGM_EXPORTER_MANIFEST, fixtureDaemonSet } from '../../fixtures/objects.js';
import { defaultConfig, type PromgateConfig } from '../../src/config/schema.js';
import { runAudit, type AuditFinding } from '../../src/kube/audit.js';
import { decide } from '../../src/policies/engine.js';
import type { KubernetesObject } from '../../src/policies/policy.js';
import {
  MANAGED_BY_LABEL,
  MAX_MESSAGE_CHARS,
  OPEN_REPORTS,
  POLICY_REPORTS,
  buildReports,
  reportKey,
  reportResult,
  staleReports,
  type ReportObject,
} from '../../src/reports/objects.js';
import { staticAuditSource } from '../support/static-audit-source.js';

const INVALID = 'scrape_configs:\n  - job_name: app\n    scrape_interval: 1.5h\n';
const VALID = "scrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: ['app:9100']\n";

function withUid<T extends Record<string, unknown>>(object: T, uid: string): T {
  const metadata = object['metadata'] as Record<string, unknown>;
  return { ...object, metadata: { ...metadata, uid } };
}

function exporter(name: string, namespace: string, uid: string, annotations?: Record<string, string>) {
  const manifest = fixtureDaemonSet(DCGM_EXPORTER_MANIFEST);
  const metadata = { ...(manifest['metadata'] as Record<string, unknown>), name, namespace, uid };
  return { ...manifest, metadata: annotations ? { ...metadata, annotations } : metadata };
}

async function findings(
  objects: KubernetesObject[],
  config: PromgateConfig = defaultConfig(),
): Promise<AuditFinding[]> {
  return (await runAudit(staticAuditSource(objects), config, decide)).findings;
}

t.test('one report per namespace, one result per object and policy, with a summary', async (t) => {
  const reports = buildReports(
    await findings([
      withUid(armsConfigMap('bad', INVALID), 'uid-bad'),
      withUid(armsConfigMap('good', VALID), 'uid-good'),
      exporter('dcgm-exporter', 'gpu', 'uid-exporter'),
    ]),
    OPEN_REPORTS,
  );
  t.same(
    reports.map((report) => [report.apiVersion, report.kind, report.metadata.namespace, report.metadata.name]),
    [
      ['openreports.io/v1alpha1', 'Report', 'arms-prom', 'promgate'],
      ['openreports.io/v1alpha1', 'Report', 'gpu', 'promgate'],
    ],
  );
  const [arms, gpu] = reports as [ReportObject, ReportObject];
  t.equal(arms.source, 'promgate', 'openreports names the source at the top level');
  t.same(arms.metadata.labels, { [MANAGED_BY_LABEL]: 'promgate' });
  t.same(arms.summary, { pass: 1, fail: 1, warn: 0, error: 0, skip: 0 });
  t.same(arms.results[0], {
    source: 'promgate',
    policy: 'prometheus-config',
    rule: 'promtool-check-config',
    result: 'fail',
    severity: 'high',
    message: 'promYaml:3:22: scrape_configs[0].scrape_interval: unknown unit "." in duration "1.5h"',
    resources: [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'arms-prom', name: 'bad', uid: 'uid-bad' }],
    properties: { key: 'promYaml', line: '3', column: '22' },
  });
  t.match(arms.results[1], { result: 'pass', message: 'no violation', resources: [{ name: 'good' }] });
  t.notOk(arms.results[1]!.properties, 'a compliant ConfigMap has no properties');

  const [exporterResult] = gpu.results;
  t.match(exporterResult, {
    policy: 'dcgm-exporter-placement',
    rule: 'exclude-starship-nodes',
    result: 'fail',
    resources: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'gpu', name: 'dcgm-exporter' }],
  });
  const patch = JSON.parse(exporterResult!.properties!['patch']!) as { op: string; path: string }[];
  t.ok(
    patch.some((operation) => operation.op === 'add' && operation.path.includes('affinity')),
    'the pending patch, as JSON, adds the starship exclusion',
  );
});

t.test('the result follows the enforcement mode, the opt-out and an internal error', async (t) => {
  const config = defaultConfig();
  config.prometheusConfig.enforcement = 'warn';
  config.dcgmExporter.enforcement = 'audit';
  const found = await findings(
    [
      armsConfigMap('warned', INVALID),
      exporter('watched', 'gpu', 'u1'),
      exporter('opted-out', 'gpu', 'u2', { 'promgate.io/skip': 'true' }),
    ],
    config,
  );
  const byName = new Map(found.map((finding) => [finding.name, reportResult(finding)]));
  t.match(byName.get('warned'), { result: 'warn', severity: 'medium' });
  t.match(byName.get('watched'), { result: 'fail', severity: 'medium' }, 'audit mode still fails the object');
  t.match(byName.get('opted-out'), { result: 'skip' });
  t.match(
    byName.get('opted-out')!.message,
    /^opted out with the skip annotation; otherwise it would break the policy:\n/,
  );
  const broken: AuditFinding = {
    ...found[0]!,
    violations: [{ field: 'data', message: 'internal error: boom' }],
    internalError: 'boom',
  };
  t.match(reportResult(broken), { result: 'error', message: 'internal error: boom' });
});

t.test('an object in an excluded namespace says that nothing patches or denies it', async (t) => {
  const [finding] = await findings([exporter('dcgm-exporter', 'kube-system', 'u')]);
  t.match(
    reportResult(finding!).message,
    /\nnot admitted through promgate: namespace kube-system is excluded \(the webhooks never see it: nothing patches or denies it; fix it by hand\)$/,
  );
});

t.test('wgpolicyk8s.io reports have the same results, without a top-level source', async (t) => {
  const found = await findings([armsConfigMap('bad', INVALID)]);
  const [open] = buildReports(found, OPEN_REPORTS);
  const [older] = buildReports(found, POLICY_REPORTS);
  t.equal(older!.apiVersion, 'wgpolicyk8s.io/v1alpha2');
  t.equal(older!.kind, 'PolicyReport');
  t.notOk('source' in older!, 'v1alpha2 has no top-level source');
  t.same(older!.results, open!.results);
});

t.test('cluster-scoped objects go to the cluster-scoped report', async (t) => {
  const namespaced = (await findings([armsConfigMap('bad', INVALID)]))[0]!;
  const { namespace: _dropped, ...clusterScoped } = { ...namespaced, kind: 'Widget', name: 'w' };
  const reports = buildReports([clusterScoped], POLICY_REPORTS);
  t.same(
    reports.map((report) => [report.kind, report.metadata.namespace, report.metadata.name]),
    [['ClusterPolicyReport', undefined, 'promgate']],
  );
  t.same(reports[0]!.results[0]!.resources[0], { apiVersion: 'v1', kind: 'Widget', name: 'w' });
});

t.test('past maxResults a namespace’s results are split into parts, in a stable order', async (t) => {
  const objects = Array.from({ length: 5 }, (_, index) => armsConfigMap(`cm-${4 - index}`, VALID));
  const found = await findings(objects);
  const reports = buildReports(found, OPEN_REPORTS, { maxResults: 2 });
  t.same(
    reports.map((report) => [report.metadata.name, report.results.map((result) => result.resources[0]!.name)]),
    [
      ['promgate', ['cm-0', 'cm-1']],
      ['promgate-2', ['cm-2', 'cm-3']],
      ['promgate-3', ['cm-4']],
    ],
  );
  t.same(reports[2]!.summary, { pass: 1, fail: 0, warn: 0, error: 0, skip: 0 }, 'each part summarizes its own');
  t.same(buildReports([...found].reverse(), OPEN_REPORTS, { maxResults: 2 }), reports, 'input order does not matter');
  t.same(buildReports(found, OPEN_REPORTS).length, 1, 'the default bound is 1000 per report');
  t.throws(() => buildReports(found, OPEN_REPORTS, { maxResults: 0 }), /maxResults must be ≥ 1, not 0/);
});

t.test('a part also ends before its results pass maxBytes; a long message is cut', async (t) => {
  const found = await findings([armsConfigMap('a', INVALID), armsConfigMap('b', INVALID), armsConfigMap('c', VALID)]);
  const sizes = found.map((finding) => Buffer.byteLength(JSON.stringify(reportResult(finding))));
  const reports = buildReports(found, OPEN_REPORTS, { maxBytes: sizes[0]! + sizes[1]! - 1 });
  t.same(
    reports.map((report) => report.results.map((result) => result.resources[0]!.name)),
    [['a'], ['b', 'c']],
  );
  const many = Array.from(
    { length: 20 },
    (_, index) => `  - job_name: j${index}\n    scrape_interval: 1.5${'h'.repeat(300)}\n`,
  );
  const [long] = await findings([armsConfigMap('long', `scrape_configs:\n${many.join('')}`)]);
  const { message } = reportResult(long!);
  t.equal(message.length, MAX_MESSAGE_CHARS);
  t.match(message, /…$/);
});

t.test('stale reports: those promgate has and no longer wants', async (t) => {
  const wanted = [
    { kind: 'Report', namespace: 'a', name: 'promgate' },
    { kind: 'Report', namespace: 'b', name: 'promgate' },
  ];
  const existing = [
    ...wanted,
    { kind: 'Report', namespace: 'b', name: 'promgate-2' },
    { kind: 'Report', namespace: 'gone', name: 'promgate' },
    { kind: 'ClusterReport', name: 'promgate' },
  ];
  t.same(staleReports(existing, wanted), existing.slice(2));
  t.same(reportKey({ kind: 'ClusterReport', metadata: { name: 'promgate' } }), {
    kind: 'ClusterReport',
    name: 'promgate',
  });
});
