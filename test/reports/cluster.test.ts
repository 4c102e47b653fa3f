// writeReports and the background audit's report publisher, against a store that keeps reports in
// memory the way server-side apply does (one object per kind/namespace/name, replaced whole).
import t from 'tap';
import { armsConfigMap } from '../../fixtures/objects.js';
import { defaultConfig } from '../../src/config/schema.js';
import { runAudit, type AuditFinding } from '../../src/kube/audit.js';
import { KubeApiError } from '../../src/kube/errors.js';
import { decide } from '../../src/policies/engine.js';
import type { KubernetesObject } from '../../src/policies/policy.js';
import { writeReports, type ReportStore } from '../../src/reports/cluster.js';
import { OPEN_REPORTS, POLICY_REPORTS, type ReportApi, type ReportObject } from '../../src/reports/objects.js';
import { createMetrics } from '../../src/server/metrics.js';
import { createReportPublisher } from '../../src/server/report-publisher.js';
import { staticAuditSource } from '../support/static-audit-source.js';

const INVALID = 'scrape_configs:\n  - job_name: app\n    scrape_interval: 1.5h\n';
const VALID = "scrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: ['app:9100']\n";

class MemoryStore implements ReportStore {
  readonly reports = new Map<string, ReportObject>();
  /** Someone else's report: never listed as promgate's, never touched. */
  readonly foreign = { kind: 'Report', namespace: 'arms-prom', name: 'kyverno-report' };
  applies = 0;
  constructor(public installed: ReportApi | undefined) {}
  async discover() {
    return this.installed;
  }
  async apply(api: ReportApi, report: ReportObject) {
    t.equal(report.apiVersion, `${api.group}/${api.version}`);
    this.applies++;
    this.reports.set(`${report.kind}/${report.metadata.namespace ?? ''}/${report.metadata.name}`, report);
  }
  async list() {
    return [...this.reports.values()].map(({ kind, metadata: { name, namespace } }) => ({
      kind,
      name,
      ...(namespace ? { namespace } : {}),
    }));
  }
  async delete(_api: ReportApi, key: { kind: string; namespace?: string; name: string }) {
    this.reports.delete(`${key.kind}/${key.namespace ?? ''}/${key.name}`);
  }
  results(namespace: string) {
    return [...this.reports.values()]
      .filter((report) => report.metadata.namespace === namespace)
      .flatMap((report) => report.results.map((result) => [result.resources[0]!.name, result.result]));
  }
}

async function audit(objects: KubernetesObject[]): Promise<AuditFinding[]> {
  return (await runAudit(staticAuditSource(objects), defaultConfig(), decide)).findings;
}

t.test('reports follow the cluster: fixed, deleted, emptied namespaces, split parts', async (t) => {
  const store = new MemoryStore(OPEN_REPORTS);
  const first = await writeReports(store, await audit([armsConfigMap('a', INVALID), armsConfigMap('b', VALID)]));
  t.match(first, { written: true, api: OPEN_REPORTS, applied: 1, deleted: 0 });
  t.same(store.results('arms-prom'), [
    ['a', 'fail'],
    ['b', 'pass'],
  ]);

  await writeReports(store, await audit([armsConfigMap('a', VALID)]));
  t.same(store.results('arms-prom'), [['a', 'pass']], 'fixed: a passes; deleted: b is gone');

  await writeReports(store, await audit([armsConfigMap('a', VALID), armsConfigMap('c', VALID)]), { maxResults: 1 });
  t.same([...store.reports.keys()].sort(), ['Report/arms-prom/promgate', 'Report/arms-prom/promgate-2']);
  const shrunk = await writeReports(store, await audit([armsConfigMap('a', VALID)]), { maxResults: 1 });
  t.match(shrunk, { deleted: 1 });
  t.same([...store.reports.keys()], ['Report/arms-prom/promgate'], 'the part no longer needed is deleted');

  const emptied = await writeReports(store, []);
  t.match(emptied, { applied: 0, deleted: 1 });
  t.equal(store.reports.size, 0, 'a namespace with nothing judged keeps no report');
});

t.test('only the older wgpolicyk8s.io CRD: PolicyReports; none: nothing written', async (t) => {
  const findings = await audit([armsConfigMap('a', INVALID)]);
  const older = new MemoryStore(POLICY_REPORTS);
  t.match(await writeReports(older, findings), { written: true, api: POLICY_REPORTS });
  t.same([...older.reports.keys()], ['PolicyReport/arms-prom/promgate']);
  const none = new MemoryStore(undefined);
  t.same(await writeReports(none, findings), { written: false, reason: 'no-crd' });
  t.equal(none.applies, 0);
});

t.test('the background audit’s publisher logs a missing CRD or permission once, counts every round', async (t) => {
  const store = new MemoryStore(undefined);
  const logs: string[] = [];
  const hints: unknown[] = [];
  const record = (level: string) => (fields: object, message: string) => {
    logs.push(`${level} ${message}`);
    hints.push((fields as { hint?: unknown }).hint);
  };
  const logger = { info: record('info'), warn: record('warn'), error: record('error') };
  const metrics = createMetrics();
  const unwritten = async (reason: string) =>
    (await metrics.reportsUnwritten.get()).values.find((value) => value.labels.reason === reason)?.value ?? 0;
  const publish = createReportPublisher({ store, metrics, logger });
  const findings = await audit([armsConfigMap('a', INVALID)]);

  await publish(findings);
  await publish(findings);
  t.equal(await unwritten('no-crd'), 2, 'counted every round');
  t.equal(logs.length, 1, 'logged once');
  t.equal(logs[0], 'info policy reports not written: no report CRD is installed');

  store.installed = OPEN_REPORTS;
  const apply = store.apply.bind(store);
  store.apply = async () => {
    throw new KubeApiError('cannot apply Report arms-prom/promgate: 403 Forbidden', 403, 'Forbidden');
  };
  await publish(findings);
  await publish(findings);
  t.equal(await unwritten('forbidden'), 2);
  t.match(hints, [/install manifests\/components\/reports/, /install manifests\/components\/reports/]);
  t.equal(logs.length, 2, 'the new problem logged once');
  t.equal(logs[1], 'warn policy reports not written: promgate may not write them');

  store.apply = apply;
  await publish(findings);
  await publish(findings);
  t.equal(logs.length, 3, 'recovery logged once');
  t.match(logs[2], /^info policy reports written$/);
  t.same(store.results('arms-prom'), [['a', 'fail']]);

  store.list = async () => {
    throw new Error('connection reset');
  };
  await publish(findings);
  await publish(findings);
  t.equal(await unwritten('failed'), 2);
  t.equal(logs.length, 5, 'an unexpected failure is logged every round');
});
