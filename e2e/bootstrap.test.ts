// Scenario 6 of the e2e suite: `promgate serve --bootstrap-certs` as the manifests deploy it,
// with nothing but the token of the manifests' ServiceAccount: it creates Secret promgate-tls,
// fills the caBundle of the real webhook configurations, and the API server then calls it over
// TLS checked against the Service's name; a renewal of the serving certificate keeps calls
// working; and, with the same RBAC, its denials become Events on the objects.
import t from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueServingCertificate } from '../src/certs/generate.js';
import { armsConfigMap } from '../fixtures/objects.js';
import { startServeProcess, type ServeProcess } from '../test/support/serve-process.js';
import { freePort, kubeconfigYaml, startCluster, type Cluster } from './rig/cluster.js';
import { dcgmExporterDaemonSet, podSpec } from './rig/objects.js';
import {
  createNamespacesOf,
  productionConfig,
  renderedBase,
  waitForWebhook,
  webhookConfigurations,
} from './rig/promgate.js';

const NAMESPACE = 'promgate-system';
const WEBHOOK_KINDS = ['mutatingwebhookconfiguration', 'validatingwebhookconfiguration'];

let cluster: Cluster;
let port: number;
let dir: string;
let promgate: ServeProcess | undefined;

interface TlsSecret {
  metadata: { resourceVersion: string };
  data: Record<string, string>;
}

const decode = (base64: string): string => Buffer.from(base64, 'base64').toString('utf8');

async function stopPromgate(): Promise<void> {
  if (promgate === undefined) return;
  if (promgate.child.exitCode === null && promgate.child.signalCode === null) promgate.child.kill('SIGTERM');
  await promgate.exited;
  promgate = undefined;
}

/** `promgate serve` as the Deployment runs it, authenticated as the manifests' ServiceAccount. */
async function startBootstrappingPromgate(auditInterval = '0'): Promise<void> {
  const token = (await cluster.kubectl.ok(['create', 'token', 'promgate', '-n', NAMESPACE])).trim();
  const kubeconfig = join(dir, 'service-account.kubeconfig');
  writeFileSync(kubeconfig, kubeconfigYaml(cluster.server, cluster.pki.caCert, { token }));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, productionConfig());
  promgate = await startServeProcess(
    [
      '--bootstrap-certs',
      '--cert-dir',
      join(dir, 'certs'),
      '--kubeconfig',
      kubeconfig,
      '--port',
      String(port),
      '--config',
      config,
      '--audit-interval',
      auditInterval,
    ],
    { ...process.env, POD_NAMESPACE: NAMESPACE },
  );
}

t.before(async () => {
  cluster = await startCluster();
  cluster.defer(stopPromgate);
  dir = join(cluster.workDir, 'bootstrap');
  mkdirSync(dir);
  port = await freePort();
  // The whole base, ServiceAccount and RBAC included; only the webhooks' clientConfig is
  // rewritten, and with no caBundle: filling it in is the bootstrap's job.
  const objects = [
    ...renderedBase().filter((object) => !/WebhookConfiguration$/.test(object.kind)),
    ...webhookConfigurations(port),
  ];
  await createNamespacesOf(cluster, objects);
  await cluster.kubectl.ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
});
t.teardown(async () => cluster?.stop());

async function caBundles(): Promise<string[]> {
  const bundles: string[] = [];
  for (const kind of WEBHOOK_KINDS) {
    const list = JSON.parse(await cluster.kubectl.ok(['get', kind, '-o', 'json'])) as {
      items: { webhooks: { clientConfig: { caBundle?: string } }[] }[];
    };
    for (const item of list.items)
      bundles.push(...item.webhooks.map((webhook) => decode(webhook.clientConfig.caBundle ?? '')));
  }
  return bundles;
}

async function tlsSecret(): Promise<TlsSecret> {
  return cluster.kubectl.getJson<TlsSecret>('secret', 'promgate-tls', NAMESPACE);
}

t.test('with the ServiceAccount’s token alone, promgate creates its Secret and fills every caBundle', async (t) => {
  await startBootstrappingPromgate();
  const secret = await tlsSecret();
  const caCert = decode(secret.data['ca.crt'] ?? '');
  t.match(caCert, /^-----BEGIN CERTIFICATE-----/, 'Secret promgate-tls holds the CA');
  const bundles = await caBundles();
  t.ok(bundles.length >= 3, 'every webhook of both configurations');
  t.ok(
    bundles.every((bundle) => bundle.includes(caCert.trim())),
    'each caBundle trusts the Secret’s CA',
  );
  await waitForWebhook(cluster);
  t.pass('the API server calls promgate, verifying its certificate for promgate.promgate-system.svc');
});

t.test('a serving certificate due for renewal is replaced and calls keep succeeding', async (t) => {
  await stopPromgate();
  const before = await tlsSecret();
  const ca = { caCert: decode(before.data['ca.crt'] ?? ''), caKey: decode(before.data['ca.key'] ?? '') };
  // Nine days into a ten-day certificate: still valid, well inside the renewal window.
  const aging = issueServingCertificate(ca, {
    dnsNames: ['promgate', 'promgate.promgate-system', 'promgate.promgate-system.svc'],
    validityDays: 10,
    notBefore: new Date(Date.now() - 9 * 24 * 3600 * 1000),
  });
  const patch = {
    data: {
      'tls.crt': Buffer.from(aging.tlsCert).toString('base64'),
      'tls.key': Buffer.from(aging.tlsKey).toString('base64'),
    },
  };
  await cluster.kubectl.ok([
    'patch',
    'secret',
    'promgate-tls',
    '-n',
    NAMESPACE,
    '--type=merge',
    '-p',
    JSON.stringify(patch),
  ]);
  await startBootstrappingPromgate();
  const after = await tlsSecret();
  t.not(after.data['tls.crt'], patch.data['tls.crt'], 'the aging serving certificate was replaced');
  t.equal(after.data['ca.crt'], before.data['ca.crt'], 'by the same CA');
  await waitForWebhook(cluster);
  t.pass('the API server still calls promgate');
});

interface ApiEvent {
  action: string;
  reason: string;
  type: string;
  reportingController: string;
  regarding: { kind: string; name: string };
  note: string;
  series?: { count: number };
}

/** promgate's Events in `namespace`, polled until `done` holds or a few seconds pass. */
async function promgateEvents(namespace: string, done: (events: ApiEvent[]) => boolean): Promise<ApiEvent[]> {
  let events: ApiEvent[] = [];
  for (let poll = 0; poll < 60; poll++) {
    const list = JSON.parse(
      await cluster.kubectl.ok(['get', 'events.events.k8s.io', '-n', namespace, '-o', 'json']),
    ) as { items: ApiEvent[] };
    events = list.items.filter((event) => event.reportingController === 'promgate');
    if (done(events)) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return events;
}

t.test('a denial is a Warning Event on the object, and a repeat is counted in it', async (t) => {
  await cluster.kubectl.ok(['create', 'namespace', 'gpu-events']);
  const exporter = dcgmExporterDaemonSet('starship-only', 'gpu-events');
  podSpec(exporter)['nodeSelector'] = { starship: 'true' };
  for (let attempt = 0; attempt < 2; attempt++) {
    const denied = await cluster.kubectl.run(['apply', '-f', '-'], JSON.stringify(exporter));
    t.not(denied.code, 0, 'denied');
  }
  // Events are written after the answer, off the admission path.
  const events = await promgateEvents('gpu-events', (found) => (found[0]?.series?.count ?? 0) >= 2);
  t.equal(events.length, 1, 'one Event for the object and message');
  t.match(events[0], {
    reason: 'PolicyViolation',
    type: 'Warning',
    regarding: { kind: 'DaemonSet', name: 'starship-only' },
    note: /can never be scheduled/,
    series: { count: 2 },
  });
  const described = await cluster.kubectl.ok(['events', '-n', 'gpu-events']);
  t.match(described, /PolicyViolation/, 'kubectl events shows it');
});

t.test('the background audit puts an Event on what was written while the webhook was away', async (t) => {
  await stopPromgate();
  const validating = JSON.parse(
    await cluster.kubectl.ok(['get', 'validatingwebhookconfiguration', 'promgate', '-o', 'json']),
  ) as { metadata: Record<string, unknown> };
  // Written back as new: the server's own fields would make the create fail.
  validating.metadata = { name: 'promgate', labels: validating.metadata['labels'] };
  await cluster.kubectl.ok(['delete', 'validatingwebhookconfiguration', 'promgate']);
  const broken = armsConfigMap('written-while-away', 'scrape_configs:\n  - job_name: app\n    scrape_interval: 1.5h\n');
  await cluster.kubectl.ok(['create', '-f', '-'], JSON.stringify(broken));
  await cluster.kubectl.ok(['create', '-f', '-'], JSON.stringify(validating));
  await startBootstrappingPromgate('1h');
  const events = await promgateEvents('arms-prom', (found) => found.length > 0);
  t.match(events, [
    { reason: 'PolicyViolation', regarding: { kind: 'ConfigMap', name: 'written-while-away' }, note: /promYaml:3:22/ },
  ]);
  t.match(events[0], { action: 'Audit' });
});
