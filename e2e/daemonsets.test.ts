// Scenario 1 of the e2e suite: dcgm-exporter DaemonSets through the real kube-apiserver, applied
// with the real kubectl. What is asserted is what the API server stored or answered.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { load as loadYaml } from 'js-yaml';
import { join } from 'node:path';
import { CORPUS_DIR, FIXTURE_DAEMONSETS_DIR, readDaemonSetIndex } from '../fixtures/corpus.js';
import { DCGM_EXPORTER_MANIFEST } from '../fixtures/objects.js';
import { startCluster, type Cluster } from './rig/cluster.js';
import { installPromgate } from './rig/promgate.js';
import { podSpec, requiredTerms, type NodeSelectorTerm } from './rig/objects.js';

type Json = Record<string, unknown>;

interface StoredDaemonSet {
  metadata: { name: string; namespace: string; resourceVersion: string; annotations?: Record<string, string> };
  spec: {
    template: {
      metadata?: { annotations?: Record<string, string> };
      spec: {
        affinity?: {
          nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: NodeSelectorTerm[] } };
        };
      };
    };
  };
}

const STARSHIP_EXCLUSION = { key: 'starship', operator: 'DoesNotExist' };

function excludesStarshipInEveryTerm(daemonSet: StoredDaemonSet): boolean {
  const terms = requiredTerms(daemonSet);
  return (
    terms.length > 0 &&
    terms.every((term) =>
      (term.matchExpressions ?? []).some(
        (expression) =>
          expression.key === STARSHIP_EXCLUSION.key && expression.operator === STARSHIP_EXCLUSION.operator,
      ),
    )
  );
}

interface CorpusEntry {
  file: string;
  expected: 'mutate' | 'ignore';
  manifest: Json;
}

/**
 * The DaemonSets an apps/v1 API server accepts (INDEX.tsv says which a webhook mutates): the
 * repository's fixtures, and the shared corpus's public manifests when it is beside the checkout.
 */
function corpusDaemonSets(): CorpusEntry[] {
  const folders = [FIXTURE_DAEMONSETS_DIR, ...(CORPUS_DIR === undefined ? [] : [join(CORPUS_DIR, 'daemonsets')])];
  return folders
    .flatMap((folder) =>
      readDaemonSetIndex(folder).map((row) => ({
        file: row.file,
        expected: row.expected,
        manifest: loadYaml(readFileSync(join(folder, row.file), 'utf8')) as Json,
      })),
    )
    .filter(({ manifest }) => {
      const spec = manifest['spec'] as Json | undefined;
      // extensions/v1beta1 is served by no current API server, and apps/v1 requires a selector.
      return manifest['apiVersion'] === 'apps/v1' && spec?.['selector'] !== undefined;
    });
}

const NAMESPACE = 'gpu-e2e';
let cluster: Cluster;

t.before(async () => {
  cluster = await startCluster();
  await installPromgate(cluster);
  await cluster.kubectl.ok(['create', 'namespace', NAMESPACE]);
});
t.teardown(async () => cluster?.stop());

const entries = corpusDaemonSets();

t.test('the DaemonSets offer both dcgm-exporters and look-alikes that the API server accepts', async (t) => {
  t.ok(entries.filter((entry) => entry.expected === 'mutate').length >= 5, 'dcgm-exporters');
  t.ok(entries.filter((entry) => entry.expected === 'ignore').length >= 4, 'look-alikes');
});

/**
 * The manifest placed in a namespace of the suite's, so that corpus namespaces need not exist;
 * corpus files from different charts share names, so each file gets a namespace of its own.
 */
function inNamespace(manifest: Json, namespace = NAMESPACE): Json {
  const copy = structuredClone(manifest);
  (copy['metadata'] as Json)['namespace'] = namespace;
  return copy;
}

for (const [index, entry] of entries.entries()) {
  const name = (entry.manifest['metadata'] as { name: string }).name;
  const namespace = `corpus-${index}`;
  t.test(
    `${entry.file}: kubectl apply stores it ${entry.expected === 'mutate' ? 'with the exclusion in every term' : 'unchanged'}`,
    async (t) => {
      await cluster.kubectl.ok(['create', 'namespace', namespace]);
      const manifest = JSON.stringify(inNamespace(entry.manifest, namespace));
      const applied = await cluster.kubectl.run(['apply', '-f', '-'], manifest);
      t.equal(applied.code, 0, `kubectl apply succeeds: ${applied.stderr}`);
      const stored = await cluster.kubectl.getJson<StoredDaemonSet>('daemonset', name, namespace);
      if (entry.expected === 'mutate') {
        t.ok(excludesStarshipInEveryTerm(stored), 'every required term excludes starship nodes');
      } else {
        const original = ((entry.manifest['spec'] as Json)['template'] as { spec: { affinity?: unknown } }).spec
          .affinity;
        t.same(stored.spec.template.spec.affinity, original, 'the affinity is stored as written');
      }

      const again = await cluster.kubectl.run(['apply', '-f', '-'], manifest);
      // kubectl's own word ("configured" or "unchanged") reflects whether its three-way patch was
      // empty, which depends on how the file was written; what the server stored is the test.
      t.equal(again.code, 0, `a second apply succeeds: ${again.stderr}`);
      const diff = await cluster.kubectl.run(['diff', '-f', '-'], manifest);
      t.equal(diff.code, 0, `kubectl diff finds no difference: ${diff.stdout}${diff.stderr}`);
      const reread = await cluster.kubectl.getJson<StoredDaemonSet>('daemonset', name, namespace);
      t.equal(reread.metadata.resourceVersion, stored.metadata.resourceVersion, 'the resourceVersion did not move');
    },
  );
}

const dcgmExporters = entries.filter((entry) => entry.expected === 'mutate');
const exporter = dcgmExporters.find((entry) => entry.file === DCGM_EXPORTER_MANIFEST) ?? dcgmExporters[0]!;

/** The exporter under another name, so each scenario starts from an object the server has not seen. */
function exporterNamed(name: string, change: (manifest: Json) => void = () => undefined): string {
  const manifest = inNamespace(exporter.manifest);
  (manifest['metadata'] as Json)['name'] = name;
  change(manifest);
  return JSON.stringify(manifest);
}

t.test('kubectl apply --server-side stores the exclusion', async (t) => {
  await cluster.kubectl.ok(['apply', '--server-side', '--field-manager=e2e', '-f', '-'], exporterNamed('ssa-exporter'));
  const stored = await cluster.kubectl.getJson<StoredDaemonSet>('daemonset', 'ssa-exporter', NAMESPACE);
  t.ok(excludesStarshipInEveryTerm(stored));
  const again = await cluster.kubectl.run(
    ['apply', '--server-side', '--field-manager=e2e', '-f', '-'],
    exporterNamed('ssa-exporter'),
  );
  t.equal(again.code, 0, again.stderr);
  const reread = await cluster.kubectl.getJson<StoredDaemonSet>('daemonset', 'ssa-exporter', NAMESPACE);
  t.equal(
    reread.metadata.resourceVersion,
    stored.metadata.resourceVersion,
    'a second server-side apply changes nothing',
  );
});

t.test('kubectl rollout restart (an UPDATE) keeps the exclusion', async (t) => {
  await cluster.kubectl.ok(['apply', '-f', '-'], exporterNamed('restarted-exporter'));
  await cluster.kubectl.ok(['rollout', 'restart', 'daemonset/restarted-exporter', '-n', NAMESPACE]);
  const stored = await cluster.kubectl.getJson<StoredDaemonSet>('daemonset', 'restarted-exporter', NAMESPACE);
  t.ok(stored.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'], 'the restart was stored');
  t.ok(excludesStarshipInEveryTerm(stored), 'the exclusion is still in every term');
});

t.test('kubectl create --dry-run=server returns the mutated object and stores nothing', async (t) => {
  const printed = JSON.parse(
    await cluster.kubectl.ok(
      ['create', '--dry-run=server', '-o', 'json', '-f', '-'],
      exporterNamed('dry-run-exporter'),
    ),
  ) as StoredDaemonSet;
  t.ok(excludesStarshipInEveryTerm(printed), 'the answer carries the exclusion');
  const lookup = await cluster.kubectl.run(['get', 'daemonset', 'dry-run-exporter', '-n', NAMESPACE]);
  t.not(lookup.code, 0, 'nothing was stored');
  t.match(lookup.stderr, /NotFound|not found/);
});

t.test('a dcgm-exporter that needs starship nodes is rejected with promgate’s message', async (t) => {
  const manifest = exporterNamed('starship-only-exporter', (object) => {
    podSpec(object)['nodeSelector'] = { starship: 'true' };
  });
  const result = await cluster.kubectl.run(['apply', '-f', '-'], manifest);
  t.not(result.code, 0, 'kubectl apply fails');
  // promgate's denial names the offending field, so kubectl shows it as an invalid request.
  t.match(result.stderr, /dcgm-exporter-placement: DaemonSet gpu-e2e\/starship-only-exporter can never be scheduled/);
  t.match(result.stderr, /starship-only-exporter/, 'the message names the DaemonSet');
  t.match(result.stderr, /starship/, 'and the label that makes it unschedulable');
  const lookup = await cluster.kubectl.run(['get', 'daemonset', 'starship-only-exporter', '-n', NAMESPACE]);
  t.not(lookup.code, 0, 'nothing was stored');
});

t.test('the opt-out annotation is allowed, with a warning kubectl prints', async (t) => {
  const manifest = exporterNamed('opted-out-exporter', (object) => {
    (object['metadata'] as Json)['annotations'] = { 'promgate.io/skip': 'true' };
  });
  const result = await cluster.kubectl.run(['apply', '-f', '-'], manifest);
  t.equal(result.code, 0, result.stderr);
  t.match(result.stderr, /^Warning: .*promgate/m, 'kubectl prints promgate’s warning');
  const stored = await cluster.kubectl.getJson<StoredDaemonSet>('daemonset', 'opted-out-exporter', NAMESPACE);
  t.same(requiredTerms(stored), [], 'no exclusion was added');
});
