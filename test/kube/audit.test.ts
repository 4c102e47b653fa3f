import t from 'tap';
import { defaultConfig, type PromgateConfig } from '../../src/config/schema.js';
import { decide as engineDecide, type Decision, type PolicyOutcome } from '../../src/policies/engine.js';
import type { EnforcementMode, Evaluation, KubernetesObject } from '../../src/policies/policy.js';
import {
  auditExitCode,
  formatAuditJson,
  formatAuditText,
  runAudit,
  type DecideFunction,
} from '../../src/kube/audit.js';
import { ClusterAuditSource } from '../../src/kube/audit-source.js';
import { FakeApiServer } from '../support/fake-apiserver.js';
import { staticAuditSource } from '../support/static-audit-source.js';

// A stand-in policy: DaemonSets must not run `:latest` images; mutation labels them `audited=yes`.
function noLatestTag(object: KubernetesObject): Evaluation {
  const containers =
    (object['spec'] as { template?: { spec?: { containers?: Array<{ image: string }> } } })?.template?.spec
      ?.containers ?? [];
  return {
    violations: containers
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => c.image.endsWith(':latest'))
      .map(({ i }) => ({
        field: `spec.template.spec.containers[${i}].image`,
        message: 'pin the image to a version, not :latest',
      })),
    warnings: [],
    patch: object.metadata?.labels?.['audited'] ? [] : [{ op: 'add', path: '/metadata/labels/audited', value: 'yes' }],
  };
}

function decideWith(
  mode: EnforcementMode,
  evaluate: (o: KubernetesObject) => Evaluation = noLatestTag,
): DecideFunction {
  return (object, config: PromgateConfig) => {
    const outcomes: PolicyOutcome[] = [];
    if (mode !== 'off' && object.kind === 'DaemonSet') {
      const skipped = object.metadata?.annotations?.[config.skipAnnotation] === 'true';
      try {
        outcomes.push({ policy: 'no-latest-tag', mode, skipped, evaluation: evaluate(object) });
      } catch (err) {
        const internalError = err as Error;
        outcomes.push({
          policy: 'no-latest-tag',
          mode,
          skipped,
          internalError,
          evaluation: {
            violations: [{ field: '', message: `internal error in policy no-latest-tag: ${internalError.message}` }],
            warnings: [],
            patch: [],
          },
        });
      }
    }
    const decision: Decision = {
      allowed: true,
      patch: [],
      warnings: [],
      denials: [],
      outcomes,
      notApplied: [],
      optOut: object.metadata?.annotations?.[config.skipAnnotation] === 'true' ? 'honoured' : 'none',
    };
    return decision;
  };
}

function daemonSet(
  name: string,
  image: string,
  extra: { annotations?: Record<string, string>; labels?: Record<string, string> } = {},
): KubernetesObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {
      name,
      namespace: 'gpu',
      labels: extra.labels ?? {},
      ...(extra.annotations ? { annotations: extra.annotations } : {}),
    },
    spec: { template: { spec: { containers: [{ name: 'c', image }] } } },
  };
}

const objects: KubernetesObject[] = [
  daemonSet('good', 'nvcr.io/nvidia/k8s/dcgm-exporter:3.3.5', { labels: { audited: 'yes' } }),
  daemonSet('never-mutated', 'nvcr.io/nvidia/k8s/dcgm-exporter:3.3.5'),
  daemonSet('bad', 'example/agent:latest', { labels: { audited: 'yes' } }),
  daemonSet('opted-out', 'example/agent:latest', {
    annotations: { 'promgate.io/skip': 'true' },
    labels: { audited: 'yes' },
  }),
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unrelated', namespace: 'default' } },
];
const config = defaultConfig();
const fixedNow = () => new Date('2026-01-02T03:04:05Z');

t.test('report: findings, totals per policy, exit code', async (t) => {
  const report = await runAudit(staticAuditSource(objects), config, decideWith('enforce'), {
    now: fixedNow,
    policyNames: ['no-latest-tag', 'idle-policy'],
  });
  t.equal(report.objectsScanned, 5);
  t.equal(report.findings.length, 4, 'one finding per DaemonSet; the ConfigMap matched no policy');
  t.same(report.byPolicy['no-latest-tag'], {
    objects: 4,
    violations: 1,
    skippedViolations: 1,
    pendingMutations: 1,
    notAdmitted: 0,
  });
  t.same(
    report.byPolicy['idle-policy'],
    { objects: 0, violations: 0, skippedViolations: 0, pendingMutations: 0, notAdmitted: 0 },
    'named policies start at zero',
  );
  t.same(report.totals, {
    objects: 4,
    violations: 1,
    skippedViolations: 1,
    pendingMutations: 1,
    notAdmitted: 0,
    objectsWithViolations: 1,
  });
  t.match(
    report.findings.find((f) => f.name === 'bad'),
    {
      kind: 'DaemonSet',
      namespace: 'gpu',
      policy: 'no-latest-tag',
      mode: 'enforce',
      skipped: false,
      violations: [{ field: 'spec.template.spec.containers[0].image' }],
    },
  );
  t.equal(report.findings.find((f) => f.name === 'opted-out')?.skipped, true);
  t.equal(report.finishedAt, '2026-01-02T03:04:05.000Z');
  t.equal(auditExitCode(report), 1);
});

t.test('warn and audit modes still fail the audit; off and opted-out objects do not', async (t) => {
  for (const mode of ['warn', 'audit'] as const) {
    t.equal(auditExitCode(await runAudit(staticAuditSource(objects), config, decideWith(mode))), 1, mode);
  }
  t.equal(auditExitCode(await runAudit(staticAuditSource(objects), config, decideWith('off'))), 0, 'off');
  const onlyOptedOut = objects.filter((o) => o.metadata?.name !== 'bad');
  t.equal(
    auditExitCode(await runAudit(staticAuditSource(onlyOptedOut), config, decideWith('enforce'))),
    0,
    'opted out',
  );
});

t.test('an internal policy error is reported and counted', async (t) => {
  const throwing = decideWith('enforce', () => {
    throw new Error('boom');
  });
  const report = await runAudit(staticAuditSource([objects[0]!]), config, throwing);
  t.equal(report.findings[0]?.internalError, 'boom');
  t.equal(report.totals.violations, 1);
  t.match(formatAuditText(report), /internal error/);
});

t.test('text table', async (t) => {
  const report = await runAudit(staticAuditSource(objects), config, decideWith('enforce'), { now: fixedNow });
  t.equal(
    formatAuditText(report),
    [
      'KIND       OBJECT             POLICY         MODE     RESULT',
      'DaemonSet  gpu/never-mutated  no-latest-tag  enforce  not mutated yet',
      'DaemonSet  gpu/bad            no-latest-tag  enforce  1 violation',
      'DaemonSet  gpu/opted-out      no-latest-tag  enforce  opted out (1 violation)',
      '',
      'DaemonSet gpu/bad [no-latest-tag] spec.template.spec.containers[0].image: pin the image to a version, not :latest',
      'DaemonSet gpu/opted-out [no-latest-tag] spec.template.spec.containers[0].image: pin the image to a version, not :latest',
      '',
      '5 objects scanned, 4 judged: 1 violation in 1 object, 1 more on opted-out objects, 1 not mutated yet',
      '',
    ].join('\n'),
  );
  t.match(formatAuditText(report, { verbose: true }), /gpu\/good\s+no-latest-tag\s+enforce\s+ok/);
  const clean = await runAudit(staticAuditSource([]), config, decideWith('enforce'));
  t.equal(formatAuditText(clean), '0 objects scanned, 0 judged: 0 violations in 0 objects\n');
});

t.test('objects in an excluded namespace: not admitted through promgate, never "not mutated yet"', async (t) => {
  const inKubeSystem = (object: KubernetesObject): KubernetesObject => ({
    ...object,
    metadata: { ...object.metadata, namespace: 'kube-system' },
  });
  const report = await runAudit(
    staticAuditSource([inKubeSystem(objects[1]!), inKubeSystem(objects[2]!)]),
    config,
    decideWith('enforce'),
    { now: fixedNow },
  );
  t.match(report.findings, [
    { name: 'never-mutated', notAdmitted: 'not admitted through promgate: namespace kube-system is excluded' },
    { name: 'bad', notAdmitted: 'not admitted through promgate: namespace kube-system is excluded' },
  ]);
  t.match(report.totals, { violations: 1, pendingMutations: 0, notAdmitted: 2 }, 'its violations still count');
  t.equal(auditExitCode(report), 1);
  t.equal(
    formatAuditText(report),
    [
      'KIND       OBJECT                     POLICY         MODE     RESULT',
      'DaemonSet  kube-system/never-mutated  no-latest-tag  enforce  not admitted through promgate',
      'DaemonSet  kube-system/bad            no-latest-tag  enforce  1 violation, not admitted through promgate',
      '',
      'DaemonSet kube-system/never-mutated [no-latest-tag] not admitted through promgate: namespace kube-system is excluded (the webhooks never see it: nothing patches or denies it; fix it by hand)',
      'DaemonSet kube-system/bad [no-latest-tag] not admitted through promgate: namespace kube-system is excluded (the webhooks never see it: nothing patches or denies it; fix it by hand)',
      'DaemonSet kube-system/bad [no-latest-tag] spec.template.spec.containers[0].image: pin the image to a version, not :latest',
      '',
      '2 objects scanned, 2 judged: 1 violation in 1 object, 2 not admitted through promgate',
      '',
    ].join('\n'),
  );
});

t.test('JSON output round-trips the report', async (t) => {
  const report = await runAudit(staticAuditSource(objects), config, decideWith('enforce'), { now: fixedNow });
  t.same(JSON.parse(formatAuditJson(report)), report);
});

t.test('with the real engine and a cluster: a DaemonSet that is no dcgm-exporter is scanned, not judged', async (t) => {
  const server = await FakeApiServer.start();
  t.teardown(() => server.close());
  server.put({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'dcgm-exporter', namespace: 'gpu' },
    spec: {},
  });
  const source = new ClusterAuditSource(server.kubeConfig(), {
    configMapNamespaces: config.prometheusConfig.namespaces,
  });
  const report = await runAudit(source, config, engineDecide);
  t.equal(report.objectsScanned, 1);
  t.equal(report.totals.objects, 0, 'no registered policy applies to it');
  t.same(report.findings, []);
  t.equal(auditExitCode(report), 0);
});

t.test('an asynchronous decide (the server worker pool) is awaited', async (t) => {
  const sync = decideWith('enforce');
  const report = await runAudit(staticAuditSource(objects), config, async (...args) => sync(...args));
  t.equal(report.totals.violations, 1);
  t.equal(report.findings.length, 4);
});
