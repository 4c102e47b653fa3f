// The webhook registrations and promgate's configuration agree, on a real API server: the
// DaemonSet matchCondition (CEL, evaluated by kube-apiserver itself) sends promgate exactly the
// DaemonSets its image and label matching judges (a fork's x/nvidia-dcgm-exporter:1 is neither
// sent nor judged), and `promgate check-install` finds the installed registration in agreement.
import t from 'tap';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { defaultConfig } from '../src/config/schema.js';
import { dcgmExporterPlacementPolicy } from '../src/policies/dcgm-exporter-placement/index.js';
import { judges, type KubernetesObject } from '../src/policies/policy.js';
import { FIXTURE_DAEMONSETS_DIR, readDaemonSetIndex } from '../fixtures/corpus.js';
import { fixtureDaemonSet } from '../fixtures/objects.js';
import { CLI } from '../test/support/serve-process.js';
import { startCluster, type Cluster } from './rig/cluster.js';
import { dcgmExporterDaemonSet, podSpec } from './rig/objects.js';
import { installPromgate, type Promgate } from './rig/promgate.js';

type Json = Record<string, unknown>;

const NAMESPACE = 'gpu-registration';
const config = defaultConfig();
let cluster: Cluster;
let promgate: Promgate;

t.before(async () => {
  cluster = await startCluster();
  promgate = await installPromgate(cluster);
  await cluster.kubectl.ok(['create', 'namespace', NAMESPACE]);
});
t.teardown(async () => cluster?.stop());

/** DaemonSet reviews promgate's validating webhook has answered so far. */
async function validatedDaemonSets(): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${promgate.process.metricsPort}/metrics`)).text();
  return [...text.matchAll(/^promgate_admission_requests_total\{webhook="validate",kind="DaemonSet",[^}]*\} (\d+)$/gm)]
    .map((match) => Number(match[1]))
    .reduce((sum, count) => sum + count, 0);
}

function withImages(name: string, containers: string[], initContainers: string[] = []): Json {
  const daemonSet = dcgmExporterDaemonSet(name, NAMESPACE);
  const template = (daemonSet['spec'] as { template: { metadata: { labels: Record<string, string> } } }).template;
  template.metadata.labels = { app: name };
  (daemonSet['spec'] as { selector: unknown }).selector = { matchLabels: { app: name } };
  const spec = podSpec(daemonSet);
  spec['containers'] = containers.map((image, index) => ({ name: `c${index}`, image }));
  if (initContainers.length > 0)
    spec['initContainers'] = initContainers.map((image, index) => ({ name: `i${index}`, image }));
  return daemonSet;
}

function placed(daemonSet: Json, name: string): Json {
  const copy = structuredClone(daemonSet);
  copy['metadata'] = { ...(copy['metadata'] as Json), name, namespace: NAMESPACE };
  return copy;
}

const IMAGE_CASES: Array<[string, Json]> = [
  ['a fork named nvidia-dcgm-exporter', withImages('fork', ['registry.example.com/x/nvidia-dcgm-exporter:1'])],
  [
    'a mirror with port, tag and digest',
    withImages('mirror', ['registry.local:5000/nvidia/dcgm-exporter:3.3.5@sha256:' + 'a'.repeat(64)]),
  ],
  ['a bare name with a digest only', withImages('bare', ['dcgm-exporter@sha256:' + 'b'.repeat(64)])],
  ['upper case', withImages('upper', ['nvcr.io/nvidia/k8s/DCGM-EXPORTER:4'])],
  ['an init container', withImages('init', ['busybox:1.36'], ['nvcr.io/nvidia/k8s/dcgm-exporter:4'])],
  ['the DCGM host engine', withImages('hostengine', ['nvcr.io/nvidia/cloud-native/dcgm:3.3.9-1-ubuntu22.04'])],
  ['a prefix of the name', withImages('prefix', ['nvcr.io/nvidia/k8s/dcgm-exporter-extra:4'])],
];

const FIXTURE_CASES: Array<[string, Json]> = readDaemonSetIndex(FIXTURE_DAEMONSETS_DIR).map((row, index) => [
  row.file,
  placed(fixtureDaemonSet(row.file), `fixture-${index}`),
]);

t.test('the API server sends promgate exactly the DaemonSets its matching judges', async (t) => {
  t.ok(IMAGE_CASES.length + FIXTURE_CASES.length > 10);
  for (const [what, daemonSet] of [...IMAGE_CASES, ...FIXTURE_CASES]) {
    const judged = judges(dcgmExporterPlacementPolicy, daemonSet as KubernetesObject, config.dcgmExporter);
    const before = await validatedDaemonSets();
    const result = await cluster.kubectl.run(
      ['create', '--dry-run=server', '-o', 'json', '-f', '-'],
      JSON.stringify(daemonSet),
    );
    t.equal(result.code, 0, `${what}: created (dry run): ${result.stderr}`);
    const sent = (await validatedDaemonSets()) > before;
    t.equal(sent, judged, `${what}: ${judged ? 'judged and sent' : 'neither judged nor sent'}`);
  }
});

t.test('promgate check-install finds the installed registration in agreement', async (t) => {
  const run = promisify(execFile);
  const { stdout } = await run(process.execPath, [CLI, 'check-install', '--kubeconfig', cluster.adminKubeconfig]);
  t.equal(stdout, 'the webhook configurations named promgate send promgate exactly what its configuration judges\n');
});
