// promgate installed in the e2e cluster the way `kubectl apply -k manifests/` installs it, except
// for where it runs: `promgate serve` is a process on 127.0.0.1 (no kubelet runs pods here), so
// each webhook's clientConfig is rewritten from the Service to a URL naming the same Service on
// promgate's port (see cluster-network.ts), with the CA of `promgate certs` as caBundle. Rules, selectors, matchConditions, failure policies and timeouts
// are the manifests' own.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump as dumpYaml, load as loadYaml } from 'js-yaml';
import { CLI, startServeProcess, type ServeProcess } from '../../test/support/serve-process.js';
import { MANIFESTS, findOne, render, type KubeObject } from '../../test/manifests/render.js';
import { freePort, type Cluster } from './cluster.js';
import { dcgmExporterDaemonSet } from './objects.js';

const WEBHOOK_KINDS = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

interface Webhook {
  name: string;
  clientConfig: { service?: { name: string; namespace: string; path?: string }; url?: string; caBundle?: string };
}

/** The base as kustomize renders it. */
export function renderedBase(): KubeObject[] {
  return render(MANIFESTS);
}

/** The production config.yaml, read from the rendered promgate-config ConfigMap. */
export function productionConfig(): string {
  const configMap = findOne<{ data: Record<string, string> }>(
    renderedBase(),
    'ConfigMap',
    'promgate-config',
    'promgate-system',
  );
  const config = configMap.data['config.yaml'];
  if (config === undefined) throw new Error('promgate-config has no config.yaml');
  return config;
}

/**
 * Creates every namespace the objects live in (those they define included). A dry run stores
 * nothing, and ARMS, not promgate, creates arms-prom: objects in them need the namespace first.
 */
export async function createNamespacesOf(cluster: Cluster, objects: KubeObject[]): Promise<void> {
  const names = new Set(
    objects.flatMap((object) =>
      object.kind === 'Namespace'
        ? [object.metadata.name]
        : object.metadata.namespace
          ? [object.metadata.namespace]
          : [],
    ),
  );
  const namespaces = [...names].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  await cluster.kubectl.ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: namespaces }));
}

export type Enforcement = 'enforce' | 'warn' | 'audit' | 'off';

/** A promgate config.yaml with some policies' enforcement changed. */
export function withEnforcement(
  configYaml: string,
  modes: Partial<Record<'dcgmExporter' | 'prometheusConfig', Enforcement>>,
): string {
  const config = loadYaml(configYaml) as Record<string, Record<string, unknown>>;
  for (const [policy, mode] of Object.entries(modes)) config[policy] = { ...config[policy], enforcement: mode };
  return dumpYaml(config);
}

/**
 * The manifests' webhook configurations, calling the in-cluster Service's name on `port` (the
 * cluster network sends it to 127.0.0.1), trusting `caCert`, or with no caBundle for promgate's
 * certificate bootstrap to fill in.
 */
export function webhookConfigurations(port: number, caCert?: string): KubeObject[] {
  return renderedBase()
    .filter((object) => WEBHOOK_KINDS.includes(object.kind))
    .map((object) => {
      const copy = structuredClone(object) as KubeObject & { webhooks: Webhook[] };
      for (const webhook of copy.webhooks) {
        const service = webhook.clientConfig.service;
        if (service === undefined) throw new Error(`${copy.metadata.name}: ${webhook.name} calls no Service`);
        webhook.clientConfig = {
          url: `https://${service.name}.${service.namespace}.svc:${port}${service.path ?? '/'}`,
          ...(caCert === undefined ? {} : { caBundle: Buffer.from(caCert).toString('base64') }),
        };
      }
      return copy;
    });
}

export interface Promgate {
  port: number;
  caCert: string;
  /** tls.crt and tls.key of `promgate certs`, which the API server trusts for 127.0.0.1. */
  certDir: string;
  process: ServeProcess;
  /** Stops the process (SIGTERM, waits for exit). The webhook configurations stay registered. */
  stop(): Promise<void>;
  /** Stops and starts again on the same port, with another config. */
  restart(configYaml: string): Promise<void>;
}

function writeConfig(dir: string, configYaml: string): string {
  const path = join(dir, 'config.yaml');
  writeFileSync(path, configYaml);
  return path;
}

/**
 * Starts `promgate serve` with the certificates of `promgate certs`, registers the manifests'
 * webhook configurations and waits until the API server really calls the webhook.
 */
export async function installPromgate(cluster: Cluster, configYaml = productionConfig()): Promise<Promgate> {
  const dir = join(cluster.workDir, 'promgate');
  mkdirSync(dir, { recursive: true });
  execFileSync(process.execPath, [CLI, 'certs', '--out', join(dir, 'certs')], { stdio: 'ignore' });
  const caCert = readFileSync(join(dir, 'certs', 'ca.crt'), 'utf8');
  const port = await freePort();
  const env = { ...process.env, KUBECONFIG: join(dir, 'no-kubeconfig') };
  const start = (config: string): Promise<ServeProcess> =>
    startServeProcess(
      [
        '--port',
        String(port),
        '--tls-cert',
        join(dir, 'certs', 'tls.crt'),
        '--tls-key',
        join(dir, 'certs', 'tls.key'),
        '--config',
        writeConfig(dir, config),
      ],
      env,
    );
  const promgate: Promgate = {
    port,
    caCert,
    certDir: join(dir, 'certs'),
    process: await start(configYaml),
    async stop() {
      const child = this.process.child;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await this.process.exited;
    },
    async restart(config) {
      await this.stop();
      this.process = await start(config);
    },
  };
  cluster.defer(() => promgate.stop());
  const namespaces = renderedBase().filter((object) => object.kind === 'Namespace');
  await cluster.kubectl.ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: namespaces }));
  await cluster.kubectl.ok(
    ['apply', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: webhookConfigurations(port, caCert) }),
  );
  await waitForWebhook(cluster);
  return promgate;
}

/** A dcgm-exporter that only the mutating webhook could have given the starship exclusion. */
const PROBE = dcgmExporterDaemonSet('promgate-e2e-probe', 'default');

/**
 * Webhook configurations take effect a moment after they are written (the API server watches
 * them): dry-run a probe until the stored form would carry promgate's mutation.
 */
export async function waitForWebhook(cluster: Cluster, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const result = await cluster.kubectl.run(
      ['create', '--dry-run=server', '-o', 'json', '-f', '-'],
      JSON.stringify(PROBE),
    );
    if (result.code === 0 && result.stdout.includes('"starship"')) return;
    last = result.code === 0 ? 'the probe came back without the exclusion' : result.stderr.trim();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the API server did not call promgate within ${timeoutMs} ms: ${last}`);
}
