// Every DaemonSet of the repository's fixtures and, when it is there, of the shared corpus's public
// manifests: classified as INDEX.tsv says, and mutated so that (judged by the independent
// node-affinity oracle) every GPU node it ran on before still runs it and the same node carrying the
// starship label never does; the second pass is a no-op.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { load } from 'js-yaml';
import { dcgmExporterPlacementPolicy as policy } from '../../../src/policies/dcgm-exporter-placement/index.js';
import { judges, type KubernetesObject } from '../../../src/policies/policy.js';
import { asServed } from '../../../fixtures/apiserver.js';
import { daemonSetAdmitsNode, withStarshipLabel, type TestNode } from '../../support/node-affinity.js';
import { applyToClone, CREATE, dcgmConfig, revertPatch } from './helpers.js';
import { CORPUS_DIR, CORPUS_SKIP, FIXTURE_DAEMONSETS_DIR, readDaemonSetIndex } from '../../../fixtures/corpus.js';

interface CorpusTerm {
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
  matchFields?: Array<{ key: string; operator: string; values?: string[] }>;
}
interface CorpusPodSpec {
  nodeSelector?: Record<string, string> | null;
  affinity?: {
    nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: CorpusTerm[] } };
  };
}

/** Nodes each OR-branch of the object's placement admits: nodeSelector labels plus what one term asks for. */
function nodesAdmittedBefore(object: KubernetesObject): TestNode[] {
  const podSpec = (object.spec as { template: { spec: CorpusPodSpec } }).template.spec;
  const selectorLabels: Record<string, string> = { ...(podSpec.nodeSelector ?? {}) };
  const terms: CorpusTerm[] = podSpec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
    ?.nodeSelectorTerms ?? [{}];
  return terms.map((term, index) => {
    const labels = { ...selectorLabels };
    for (const r of term.matchExpressions ?? []) {
      const [first = ''] = r.values ?? [];
      if (r.operator === 'In') labels[r.key] = first;
      else if (r.operator === 'Exists') labels[r.key] ??= 'present';
      else if (r.operator === 'Gt') labels[r.key] = String(BigInt(first) + 1n);
      else if (r.operator === 'Lt') labels[r.key] = String(BigInt(first) - 1n);
    }
    // matchFields can only name nodes (`metadata.name In [one]`): the node gets that name.
    const named = term.matchFields?.find((r) => r.key === 'metadata.name' && r.operator === 'In')?.values?.[0];
    return { labels, name: named ?? `gpu-node-${index}` };
  });
}

function testFolder(t: Test, folder: string): void {
  const rows = readDaemonSetIndex(folder);

  t.test('INDEX.tsv lists every manifest in the folder', async (t) => {
    const files = readdirSync(folder)
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    t.same(rows.map((r) => r.file).sort(), files);
    t.ok(rows.some((r) => r.expected === 'mutate') && rows.some((r) => r.expected === 'ignore'), 'both outcomes');
  });

  for (const starshipNodeLabel of ['starship', 'starship=true', 'node.example.com/starship~agent']) {
    const config = dcgmConfig({ starshipNodeLabel });
    for (const row of rows) {
      // As the file is written (explicit nulls kept) and as the API server would send it (nulls dropped).
      for (const shape of ['file', 'served'] as const) {
        t.test(`${row.file} (starshipNodeLabel ${starshipNodeLabel}, ${shape})`, async (t) => {
          const written = load(readFileSync(join(folder, row.file), 'utf8')) as KubernetesObject;
          const object = shape === 'file' ? written : (asServed(written) as KubernetesObject);
          const applies = judges(policy, object, config);
          t.equal(applies, row.expected === 'mutate', `classified as ${row.expected}`);
          t.equal(
            applies,
            row.specDefaultMatch !== 'no' && object.apiVersion === 'apps/v1',
            'agrees with spec_default_match',
          );
          const evaluation = policy.evaluate(object, config, CREATE);
          if (row.expected === 'ignore') {
            t.same(evaluation, { violations: [], warnings: [], patch: [] });
            return;
          }
          t.ok(evaluation.patch.length > 0, 'un-mutated exporter gets a patch');
          t.match(evaluation.violations[0]?.message, /can run on starship nodes/);
          t.same(evaluation.warnings, []);

          const patched = applyToClone(object, evaluation.patch);
          t.equal(
            JSON.stringify(revertPatch(patched, object, evaluation.patch)),
            JSON.stringify(object),
            'nothing else changed',
          );
          t.same(
            policy.evaluate(patched, config, CREATE),
            { violations: [], warnings: [], patch: [] },
            'second pass: nothing',
          );

          for (const node of nodesAdmittedBefore(object)) {
            t.ok(daemonSetAdmitsNode(object, node), `${node.name} admitted before`);
            t.ok(daemonSetAdmitsNode(patched, node), `${node.name} still admitted after`);
            t.notOk(
              daemonSetAdmitsNode(patched, withStarshipLabel(node, starshipNodeLabel)),
              `${node.name}+starship refused`,
            );
            t.ok(
              daemonSetAdmitsNode(object, withStarshipLabel(node, starshipNodeLabel)),
              `${node.name}+starship admitted before`,
            );
          }
        });
      }
    }
  }
}

t.test("the repository's DaemonSets (fixtures/daemonsets)", async (t) => testFolder(t, FIXTURE_DAEMONSETS_DIR));
t.test("the shared corpus's public DaemonSets", { skip: CORPUS_SKIP }, async (t) =>
  testFolder(t, join(CORPUS_DIR ?? '', 'daemonsets')),
);
