// `promgate check` never says "allowed" for what it did not judge: each result names the policies
// that judged the object; an object none judges is "not covered", with why; one in an excluded
// namespace is "not admitted through promgate"; no object at all, or input that is not a
// Kubernetes object, is unusable input (exit 2).
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { runCli } from '../support/cli.js';
import { DCGM_EXPORTER_MANIFEST, fixtureDaemonSet, NODE_EXPORTER_MANIFEST } from '../../fixtures/objects.js';

interface Result {
  verdict: string;
  allowed: boolean;
  namespace?: string;
  policies: string[];
  notCovered: string[];
  notAdmitted?: string;
  patch: unknown[];
  denials: Array<{ policy: string; message: string }>;
  unenforced: Array<{ policy: string; message: string }>;
}

async function checkJson(manifest: unknown, flags: string[] = []): Promise<{ code: number; results: Result[] }> {
  const run = await runCli(['check', ...flags, '-o', 'json', '-'], JSON.stringify(manifest));
  t.equal(run.stderr, '', 'nothing on stderr');
  return { code: run.code, results: (JSON.parse(run.stdout) as { results: Result[] }).results };
}

const INVALID_PROM_YAML = 'scrape_configs:\n  - job_name: gpu\n    scrape_interval: 1.5h\n';

function configMap(namespace: string | undefined, data: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'arms-prom-prometheus-yaml', ...(namespace ? { namespace } : {}) },
    data,
  };
}

function inNamespace(object: Record<string, unknown>, namespace: string | undefined): Record<string, unknown> {
  const metadata = { ...(object['metadata'] as Record<string, unknown>) };
  if (namespace === undefined) delete metadata['namespace'];
  else metadata['namespace'] = namespace;
  return { ...object, metadata };
}

t.test('a judged object names its policies', async (t) => {
  const { code, results } = await checkJson(fixtureDaemonSet(DCGM_EXPORTER_MANIFEST));
  t.equal(code, 0);
  t.match(results, [{ verdict: 'allowed after patch', allowed: true, policies: ['dcgm-exporter-placement'] }]);
  const text = await runCli(['check', '-'], JSON.stringify(fixtureDaemonSet(DCGM_EXPORTER_MANIFEST)));
  t.match(text.stdout, /: DaemonSet gpu-monitoring\/dcgm-exporter: allowed after patch \(dcgm-exporter-placement\)\n/);
});

t.test('what no policy judges is "not covered", with why, never "allowed"', async (t) => {
  const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' } };
  const cases: Array<[string, unknown, RegExp]> = [
    ['a kind no policy judges', service, /^promgate judges apps\/v1 DaemonSets and v1 ConfigMaps, not v1 Service$/],
    [
      'a DaemonSet that is no dcgm-exporter',
      fixtureDaemonSet(NODE_EXPORTER_MANIFEST),
      /^dcgm-exporter-placement: not a dcgm-exporter: its pod template has no label of dcgmExporter\.match\.labels and no container image named dcgm-exporter/,
    ],
    [
      'an extensions/v1beta1 DaemonSet',
      { ...fixtureDaemonSet(DCGM_EXPORTER_MANIFEST), apiVersion: 'extensions/v1beta1' },
      /^dcgm-exporter-placement: a extensions\/v1beta1 DaemonSet: only apps\/v1 DaemonSets are judged/,
    ],
    [
      'a ConfigMap outside prometheusConfig.namespaces',
      configMap('team-a', { promYaml: INVALID_PROM_YAML }),
      /^prometheus-config: namespace team-a is not in prometheusConfig\.namespaces \(arms-prom\)$/,
    ],
    [
      'a dcgm-exporter being deleted',
      (() => {
        const daemonSet = fixtureDaemonSet(DCGM_EXPORTER_MANIFEST);
        const metadata = daemonSet.metadata as Record<string, unknown>;
        return { ...daemonSet, metadata: { ...metadata, deletionTimestamp: '2026-12-01T10:00:00Z' } };
      })(),
      /^dcgm-exporter-placement: being deleted \(metadata\.deletionTimestamp is set\): never patched nor denied/,
    ],
    [
      'a ConfigMap without a key to judge',
      configMap('arms-prom', { 'leader-election': 'x' }),
      /^prometheus-config: no data key of prometheusConfig\.keys \(promYaml, prometheus\.yaml, prometheus\.yml\) and no label type: prometheus-yaml$/,
    ],
  ];
  for (const [what, manifest, reason] of cases) {
    const { code, results } = await checkJson(manifest);
    t.equal(code, 0, `${what}: nothing denied`);
    t.equal(results[0]?.verdict, 'not covered', `${what}: not covered`);
    t.same(results[0]?.policies, [], `${what}: no policy judged it`);
    t.match(results[0]?.notCovered, [reason], `${what}: says why`);
  }
  const text = await runCli(['check', '-'], JSON.stringify(service));
  t.match(text.stdout, /: Service shop\/web: not covered\n {2}promgate judges apps\/v1 DaemonSets and v1 ConfigMaps/);
  t.match(text.stdout, /1 object\(s\) checked: 0 allowed, 0 denied, 1 not covered/);
  t.notMatch(text.stdout, /: allowed/);
});

t.test('an object being deleted is not covered, and says so', async (t) => {
  const deleting = fixtureDaemonSet(DCGM_EXPORTER_MANIFEST);
  (deleting['metadata'] as Record<string, unknown>)['deletionTimestamp'] = '2026-12-06T10:00:00Z';
  const { code, results } = await checkJson(deleting);
  t.equal(code, 0);
  t.match(results[0], {
    verdict: 'not covered',
    notCovered: ['it is being deleted (metadata.deletionTimestamp): promgate never patches or denies such an object'],
  });
});

t.test('--namespace sets the namespace of objects that carry none, as kubectl apply -n does', async (t) => {
  const withoutNamespace = configMap(undefined, { promYaml: INVALID_PROM_YAML });
  const bare = await checkJson(withoutNamespace);
  t.equal(bare.code, 0, 'not judged, so not denied');
  t.match(bare.results[0], {
    verdict: 'not covered',
    notCovered: [
      /^prometheus-config: the ConfigMap has no namespace, and only those in prometheusConfig\.namespaces \(arms-prom\) are judged$/,
      'give it metadata.namespace, or pass --namespace NS as kubectl apply -n NS would',
    ],
  });

  const placed = await checkJson(withoutNamespace, ['--namespace', 'arms-prom']);
  t.equal(placed.code, 1, 'judged in arms-prom, and denied');
  t.match(placed.results[0], { verdict: 'denied', namespace: 'arms-prom', policies: ['prometheus-config'] });

  const kept = await checkJson(configMap('team-a', { promYaml: INVALID_PROM_YAML }), ['-n', 'arms-prom']);
  t.match(kept.results[0], { verdict: 'not covered', namespace: 'team-a' }, 'a namespace written in the object wins');

  const bad = await runCli(['check', '--namespace', 'Not_A_Namespace', '-'], JSON.stringify(withoutNamespace));
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--namespace: "Not_A_Namespace" is not a namespace name/);
});

t.test('an object in an excluded namespace is not admitted through promgate: no patch is promised', async (t) => {
  for (const [namespace, flags] of [
    ['kube-system', []],
    ['promgate-system', []],
    [undefined, ['--namespace', 'kube-system']],
  ] as const) {
    const manifest = inNamespace(fixtureDaemonSet(DCGM_EXPORTER_MANIFEST), namespace);
    const { code, results } = await checkJson(manifest, [...flags]);
    const where = namespace ?? 'kube-system';
    t.equal(code, 0, `${where}: the API server admits it without asking promgate`);
    t.match(results[0], {
      verdict: 'not admitted through promgate',
      notAdmitted: `namespace ${where} is excluded`,
      allowed: true,
      patch: [],
      denials: [],
      policies: ['dcgm-exporter-placement'],
      unenforced: [{ policy: 'dcgm-exporter-placement', message: /can run on starship nodes/ }],
    });
  }
  const text = await runCli(
    ['check', '-'],
    JSON.stringify(inNamespace(fixtureDaemonSet(DCGM_EXPORTER_MANIFEST), 'kube-system')),
  );
  t.match(
    text.stdout,
    /DaemonSet kube-system\/dcgm-exporter: not admitted through promgate: namespace kube-system is excluded \(dcgm-exporter-placement\)\n {2}the webhooks never see it: nothing patches or denies it/,
  );
  t.match(
    text.stdout,
    /\n {2}dcgm-exporter-placement \(not enforced\): required node affinity lacks starship DoesNotExist: can run on starship nodes\n/,
    "what the policy finds, in the object's own words: no webhook will act on it",
  );
  t.match(
    text.stdout,
    /what the manifest needs:\n {4}spec\.template\.spec\.affinity: \(none before\)\n {4}\+ nodeAffinity:/,
  );
  t.notMatch(text.stdout, /patch:/, 'no patch is shown');
  t.match(text.stdout, /1 not admitted through promgate/);

  const dir = mkdtempSync(join(tmpdir(), 'promgate-excluded-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, 'excludedNamespaces: [platform]\n');
  const moved = await checkJson(inNamespace(fixtureDaemonSet(DCGM_EXPORTER_MANIFEST), 'kube-system'), [
    '--config',
    config,
  ]);
  t.equal(moved.results[0]?.verdict, 'allowed after patch', 'excludedNamespaces comes from the configuration');
});

t.test('no object at all is unusable input', async (t) => {
  for (const text of ['', '---\n---\n', '# only a comment\n']) {
    const run = await runCli(['check', '-'], text);
    t.equal(run.code, 2, JSON.stringify(text));
    t.match(run.stderr, /no Kubernetes object found in -/);
  }
  const dir = mkdtempSync(join(tmpdir(), 'promgate-empty-'));
  const run = await runCli(['check', dir]);
  t.equal(run.code, 2, 'an empty folder');
  t.match(run.stderr, /no Kubernetes object found in /);
});

t.test('input that is not a Kubernetes object is an error, not "allowed"', async (t) => {
  const noKind = await runCli(['check', '-'], 'apiVersion: v1\nmetadata:\n  name: x\n');
  t.equal(noKind.code, 2);
  t.match(noKind.stderr, /- document 1: not a Kubernetes object: it has no kind/);
  const noApiVersion = await runCli(['check', '-'], 'kind: ConfigMap\nmetadata:\n  name: x\n');
  t.equal(noApiVersion.code, 2);
  t.match(noApiVersion.stderr, /not a Kubernetes object: it has no apiVersion/);
  const values = await runCli(['check', '-'], dump({ image: { repository: 'nvcr.io/nvidia/k8s/dcgm-exporter' } }));
  t.equal(values.code, 2, 'a Helm values file');
  const listItem = await runCli(
    ['check', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ metadata: { name: 'x' } }] }),
  );
  t.equal(listItem.code, 2);
  t.match(listItem.stderr, /document 1 item 1: not a Kubernetes object: it has no apiVersion/);
});

t.test('a Helm template is an error that says to render it first', async (t) => {
  const templates = {
    'control structure': '{{- if .Values.enabled }}\napiVersion: apps/v1\nkind: DaemonSet\n{{- end }}\n',
    'unquoted action': 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: {{ .Release.Name }}\n',
    'quoted action':
      'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: dcgm\nspec:\n  template:\n    spec:\n' +
      '      containers:\n        - image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n',
    include: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: "{{ include \\"labels\\" . }}"\n',
  };
  for (const [what, text] of Object.entries(templates)) {
    const run = await runCli(['check', '-'], text);
    t.equal(run.code, 2, what);
    t.match(
      run.stderr,
      /a Helm template .*render it first, e\.g\. helm template RELEASE CHART \| promgate check -/,
      what,
    );
  }
  const alertTemplate = configMap('arms-prom', {
    promYaml: 'scrape_configs:\n  - job_name: gpu\n    static_configs:\n      - targets: [a:9400]\n',
    'rules.yml': 'summary: "{{ $labels.instance }} is down"\n',
  });
  const run = await runCli(['check', '-'], JSON.stringify(alertTemplate));
  t.equal(run.code, 0, "Prometheus's own templates in data are not Helm's");
});
