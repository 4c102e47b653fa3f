// Scenario 2 of the e2e suite: ARMS ConfigMaps in arms-prom through the real kube-apiserver,
// written with the real kubectl.
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../fixtures/repository.js';
import { ONE_MIB, armsConfigMap, prometheusConfigOfSize, smallPrometheusConfig } from '../fixtures/objects.js';
import { startCluster, type Cluster } from './rig/cluster.js';
import { installPromgate, productionConfig, withEnforcement, type Promgate } from './rig/promgate.js';

let cluster: Cluster;
let promgate: Promgate;

t.before(async () => {
  cluster = await startCluster();
  promgate = await installPromgate(cluster);
  // ARMS creates its namespace when the managed Prometheus is installed; promgate's manifests do not.
  await cluster.kubectl.ok(['create', 'namespace', 'arms-prom']);
});
t.teardown(async () => cluster?.stop());

const INVALID_PROM_YAML = `scrape_configs:
  - job_name: app
    scrape_interval: 1.5h
    static_configs:
      - targets: [app.team.svc:9100]
`;

function configMap(name: string, promYaml: string, labels?: Record<string, string>): string {
  const object = armsConfigMap(name, promYaml);
  if (labels) (object['metadata'] as Record<string, unknown>)['labels'] = labels;
  return JSON.stringify(object);
}

t.test('a valid promYaml is stored', async (t) => {
  const result = await cluster.kubectl.run(['apply', '-f', '-'], configMap('valid', smallPrometheusConfig()));
  t.equal(result.code, 0, result.stderr);
  const stored = await cluster.kubectl.getJson<{ data: { promYaml: string } }>('configmap', 'valid', 'arms-prom');
  t.equal(stored.data.promYaml, smallPrometheusConfig());
});

t.test('an invalid promYaml is rejected with promYaml:LINE:COL in kubectl’s error', async (t) => {
  const result = await cluster.kubectl.run(['apply', '-f', '-'], configMap('invalid', INVALID_PROM_YAML));
  t.not(result.code, 0);
  // A 422 Invalid with one cause: kubectl prints the cause's field and promgate's message.
  t.match(
    result.stderr,
    /^The request is invalid: data\.promYaml: prometheus-config: promYaml:3:22: scrape_configs\[0\]\.scrape_interval: .*"1\.5h"/m,
  );
  t.not((await cluster.kubectl.run(['get', 'configmap', 'invalid', '-n', 'arms-prom'])).code, 0, 'nothing stored');
});

t.test('a ConfigMap just under the 1 MiB limit is created, then updated, and judged in time', async (t) => {
  const promYaml = prometheusConfigOfSize(ONE_MIB - 3_000);
  t.ok(Buffer.byteLength(promYaml) < ONE_MIB, 'the data fits a ConfigMap');
  // Server-side apply: no last-applied annotation doubling the object.
  const apply = (yaml: string): Promise<{ code: number; stderr: string }> =>
    cluster.kubectl.run(['apply', '--server-side', '--field-manager=e2e', '-f', '-'], configMap('large', yaml));
  const created = await apply(promYaml);
  t.equal(created.code, 0, `CREATE: ${created.stderr}`);
  const updatedYaml = promYaml.replace('cluster: arms-bench', 'cluster: arms-bench-updated');
  const updated = await apply(updatedYaml);
  t.equal(updated.code, 0, `UPDATE (object and oldObject, about 2 MiB of review): ${updated.stderr}`);
  const stored = await cluster.kubectl.getJson<{ data: { promYaml: string } }>('configmap', 'large', 'arms-prom');
  t.equal(stored.data.promYaml, updatedYaml, 'the update was stored');
  const broken = await apply(`${updatedYaml}  - job_name: arms-app-0\n`);
  t.not(broken.code, 0, 'an invalid large config is still judged, not waved through');
  t.match(broken.stderr, /found multiple scrape configs with job name "arms-app-0"/);
});

t.test('an UPDATE that leaves an invalid key unchanged is allowed with a Warning', async (t) => {
  // Stored while the policy was off, as an object from before promgate was installed would be.
  await promgate.restart(withEnforcement(productionConfig(), { prometheusConfig: 'off' }));
  await cluster.kubectl.ok(['apply', '-f', '-'], configMap('legacy', INVALID_PROM_YAML));
  await promgate.restart(productionConfig());
  const relabelled = await cluster.kubectl.run(
    ['apply', '-f', '-'],
    configMap('legacy', INVALID_PROM_YAML, { team: 'observability' }),
  );
  t.equal(relabelled.code, 0, relabelled.stderr);
  t.match(relabelled.stderr, /^Warning: .*promYaml/m, 'kubectl prints that the unchanged key is invalid');
  const stored = await cluster.kubectl.getJson<{ metadata: { labels?: Record<string, string> } }>(
    'configmap',
    'legacy',
    'arms-prom',
  );
  t.equal(stored.metadata.labels?.['team'], 'observability', 'the relabelling was stored');
});

t.test('the README’s example denial is what the real kubectl prints', async (t) => {
  const readme = readFileSync(join(REPOSITORY_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('A denied `kubectl apply`'));
  const data = /```yaml\n(data:\n[\s\S]*?)```/.exec(section)?.[1];
  const shown = /```\n\$ (kubectl apply -f (\S+))\n([\s\S]*?)```/.exec(section);
  if (!data || !shown) return t.fail('the README shows the ConfigMap data and the kubectl session');
  const [, command, file, output] = shown;
  const name = file!.replace(/\.yaml$/, '');
  const path = join(cluster.workDir, file!);
  writeFileSync(path, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: arms-prom\n${data}`);
  const result = await cluster.kubectl.run([...command!.split(' ').slice(1, -1), path]);
  t.not(result.code, 0, 'kubectl apply fails');
  const lines = (text: string): string[] =>
    text
      .trimEnd()
      .split('\n')
      .map((line) => line.trimEnd());
  t.same(lines(result.stderr.replaceAll(path, file!)), lines(output!), 'stderr is the README’s block, line for line');
});
