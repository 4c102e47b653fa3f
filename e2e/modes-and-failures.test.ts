// Scenarios 3 and 4 of the e2e suite: what kubectl shows in each enforcement mode, and what the
// API server does when promgate is down or too slow, as the README's "Enforcement modes" table
// and "How the failure policies were chosen" promise.
import t, { type Test } from 'tap';
import { createServer, type Server } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { armsConfigMap } from '../fixtures/objects.js';
import { startCluster, type Cluster } from './rig/cluster.js';
import { dcgmExporterDaemonSet, podSpec, requiredTerms, type NodeSelectorTerm } from './rig/objects.js';
import { installPromgate, productionConfig, withEnforcement, type Enforcement, type Promgate } from './rig/promgate.js';

const NAMESPACE = 'gpu-modes';
let cluster: Cluster;
let promgate: Promgate;

t.before(async () => {
  cluster = await startCluster();
  promgate = await installPromgate(cluster);
  for (const namespace of [NAMESPACE, 'arms-prom']) await cluster.kubectl.ok(['create', 'namespace', namespace]);
});
t.teardown(async () => cluster?.stop());

const INVALID_PROM_YAML = 'scrape_configs:\n  - job_name: app\n    scrape_interval: 1.5h\n';

/** A dcgm-exporter that can only run on starship nodes: a violation the mutation cannot fix. */
function starshipOnlyExporter(name: string, namespace = NAMESPACE): string {
  const daemonSet = dcgmExporterDaemonSet(name, namespace);
  podSpec(daemonSet)['nodeSelector'] = { starship: 'true' };
  return JSON.stringify(daemonSet);
}

function plainExporter(name: string, namespace = NAMESPACE): string {
  return JSON.stringify(dcgmExporterDaemonSet(name, namespace));
}

function invalidConfigMap(name: string, namespace = 'arms-prom'): string {
  return JSON.stringify(armsConfigMap(name, INVALID_PROM_YAML, namespace));
}

async function storedTerms(name: string, namespace = NAMESPACE): Promise<NodeSelectorTerm[]> {
  return requiredTerms(await cluster.kubectl.getJson('daemonset', name, namespace));
}

async function withBothPolicies(mode: Enforcement): Promise<void> {
  await promgate.restart(withEnforcement(productionConfig(), { dcgmExporter: mode, prometheusConfig: mode }));
}

t.test('enforcement modes: what kubectl shows in each, as the README’s table promises', async (t) => {
  t.test('warn: patches, and a violation is allowed with the message as a kubectl Warning', async (t) => {
    await withBothPolicies('warn');
    const patched = await cluster.kubectl.run(['apply', '-f', '-'], plainExporter('warn-plain'));
    t.equal(patched.code, 0, patched.stderr);
    t.equal((await storedTerms('warn-plain')).length, 1, 'the exclusion was added');
    const violating = await cluster.kubectl.run(['apply', '-f', '-'], starshipOnlyExporter('warn-starship'));
    t.equal(violating.code, 0, 'the starship-only DaemonSet is stored');
    t.match(
      violating.stderr,
      /^Warning: promgate: dcgm-exporter-placement: nodeSelector.* needs starship nodes, never scheduled/m,
      'kubectl prints the violation',
    );
    const config = await cluster.kubectl.run(['apply', '-f', '-'], invalidConfigMap('warn-config'));
    t.equal(config.code, 0, 'the invalid ConfigMap is stored');
    t.match(config.stderr, /^Warning: .*promYaml:3:22/m, 'kubectl prints where the config is wrong');
  });

  t.test('audit: never patches, allows silently', async (t) => {
    await withBothPolicies('audit');
    const plain = await cluster.kubectl.run(['apply', '-f', '-'], plainExporter('audit-plain'));
    t.equal(plain.code, 0, plain.stderr);
    t.same(await storedTerms('audit-plain'), [], 'stored as written');
    const violating = await cluster.kubectl.run(['apply', '-f', '-'], starshipOnlyExporter('audit-starship'));
    t.equal(violating.code, 0, violating.stderr);
    t.notMatch(violating.stderr, /Warning/, 'no warning');
    const config = await cluster.kubectl.run(['apply', '-f', '-'], invalidConfigMap('audit-config'));
    t.equal(config.code, 0, config.stderr);
    t.notMatch(config.stderr, /Warning/, 'no warning');
  });

  t.test('off: nothing at all', async (t) => {
    await withBothPolicies('off');
    const plain = await cluster.kubectl.run(['apply', '-f', '-'], plainExporter('off-plain'));
    t.equal(plain.code, 0, plain.stderr);
    t.same(await storedTerms('off-plain'), [], 'stored as written');
    const config = await cluster.kubectl.run(['apply', '-f', '-'], invalidConfigMap('off-config'));
    t.equal(config.code, 0, config.stderr);
    t.notMatch(config.stderr, /Warning/, 'no warning');
  });

  t.test('enforce again: the same violations are denied', async (t) => {
    await promgate.restart(productionConfig());
    const violating = await cluster.kubectl.run(['apply', '-f', '-'], starshipOnlyExporter('enforce-starship'));
    t.not(violating.code, 0);
    t.match(violating.stderr, /dcgm-exporter-placement: DaemonSet gpu-modes\/enforce-starship can never be scheduled/);
    const config = await cluster.kubectl.run(['apply', '-f', '-'], invalidConfigMap('enforce-config'));
    t.not(config.code, 0);
    t.match(config.stderr, /promYaml:3:22/);
  });
});

/** What the API server answers for the writes the failure-policy section talks about. */
async function writesWhilePromgateCannotAnswer(t: Test, prefix: string, refusal: RegExp): Promise<void> {
  const daemonSet = await cluster.kubectl.run(['apply', '-f', '-'], plainExporter(`${prefix}-exporter`));
  t.not(daemonSet.code, 0, 'a dcgm-exporter DaemonSet is refused: the validating webhook fails closed');
  t.match(daemonSet.stderr, refusal);
  t.match(daemonSet.stderr, /promgate-validate-daemonsets\.promgate\.io/, 'the error names the validating webhook');

  const config = await cluster.kubectl.run(['apply', '-f', '-'], invalidConfigMap(`${prefix}-config`));
  t.not(config.code, 0, 'an arms-prom ConfigMap is refused');
  t.match(config.stderr, /promgate-validate-configmaps\.promgate\.io/);

  const elsewhere = JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${prefix}-unrelated`, namespace: NAMESPACE },
    data: { promYaml: INVALID_PROM_YAML },
  });
  const unrelated = await cluster.kubectl.run(['apply', '-f', '-'], elsewhere);
  t.equal(unrelated.code, 0, `a ConfigMap outside arms-prom is never sent to promgate: ${unrelated.stderr}`);

  const kubeSystem = await cluster.kubectl.run(
    ['apply', '-f', '-'],
    plainExporter(`${prefix}-exporter`, 'kube-system'),
  );
  t.equal(kubeSystem.code, 0, `a dcgm-exporter in kube-system is never blocked: ${kubeSystem.stderr}`);
  t.same(await storedTerms(`${prefix}-exporter`, 'kube-system'), [], 'nor mutated');

  const ownNamespace = await cluster.kubectl.run(
    ['apply', '-f', '-'],
    plainExporter(`${prefix}-exporter`, 'promgate-system'),
  );
  t.equal(ownNamespace.code, 0, `promgate-system stays writable, so promgate can be repaired: ${ownNamespace.stderr}`);
}

t.test('failure policies: promgate stopped', async (t) => {
  await promgate.stop();
  await writesWhilePromgateCannotAnswer(t, 'stopped', /failed calling webhook/);
  await promgate.restart(productionConfig());
  const recovered = await cluster.kubectl.run(['apply', '-f', '-'], plainExporter('after-restart'));
  t.equal(recovered.code, 0, `once promgate is back the DaemonSet is admitted: ${recovered.stderr}`);
  t.equal((await storedTerms('after-restart')).length, 1, 'and mutated');
});

/** An HTTPS server on promgate's port with promgate's certificate that never answers. */
async function hangingServer(): Promise<Server> {
  const server = createServer({
    cert: readFileSync(join(promgate.certDir, 'tls.crt')),
    key: readFileSync(join(promgate.certDir, 'tls.key')),
  });
  server.on('request', () => undefined);
  await new Promise<void>((resolve) => server.listen(promgate.port, '127.0.0.1', resolve));
  return server;
}

t.test('failure policies: promgate slower than its timeout', async (t) => {
  await promgate.stop();
  const server = await hangingServer();
  try {
    await writesWhilePromgateCannotAnswer(t, 'slow', /context deadline exceeded|timeout|Timeout/);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await promgate.restart(productionConfig());
});
