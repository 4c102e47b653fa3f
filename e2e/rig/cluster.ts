// A control plane of real upstream binaries on 127.0.0.1, started and stopped by a test file the
// way controller-runtime's envtest does: etcd with a throw-away data dir, then kube-apiserver with
// RBAC, client-certificate authentication and a ServiceAccount signing key. No kubelet, scheduler
// or controller-manager: the suite asserts on what the API server admits and stores.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolPath } from '../../fixtures/tools.js';
import { generateClusterPki, type ClusterPki } from './pki.js';
import { startClusterNetwork, type ClusterNetwork } from './cluster-network.js';
import { Kubectl } from './kubectl.js';

export interface Cluster {
  /** https://127.0.0.1:PORT */
  server: string;
  pki: ClusterPki;
  /** A kubeconfig of the cluster's admin (group system:masters). */
  adminKubeconfig: string;
  kubectl: Kubectl;
  /** A folder that lives as long as the cluster. */
  workDir: string;
  /** Runs `cleanup` when the cluster stops, before its daemons (last deferred runs first). */
  defer(cleanup: () => Promise<void>): void;
  stop(): Promise<void>;
}

/** A port the kernel just handed out and released: free unless another process races for it. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

interface Daemon {
  name: string;
  child: ChildProcess;
  exited: Promise<void>;
  /** The last lines it wrote, for the error when it dies or never becomes ready. */
  tail(): string;
}

function startDaemon(name: string, binary: string, args: string[]): Daemon {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 40));
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { name, child, exited, tail: () => lines.join('\n') };
}

async function stopDaemon(daemon: Daemon): Promise<void> {
  if (daemon.child.exitCode !== null || daemon.child.signalCode !== null) return;
  daemon.child.kill('SIGTERM');
  const killed = setTimeout(() => daemon.child.kill('SIGKILL'), 10_000);
  await daemon.exited;
  clearTimeout(killed);
}

/** Polls `ready` until it resolves true; fails with the daemon's last words if it exits or times out. */
async function waitUntilReady(daemon: Daemon, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void daemon.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${daemon.name} exited before it was ready:\n${daemon.tail()}`);
    if (await ready().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${daemon.name} was not ready within ${timeoutMs} ms:\n${daemon.tail()}`);
}

export function kubeconfigYaml(
  server: string,
  caCert: string,
  user: { cert: string; key: string } | { token: string },
): string {
  const b64 = (text: string): string => Buffer.from(text).toString('base64');
  const credentials =
    'token' in user
      ? { token: user.token }
      : { 'client-certificate-data': b64(user.cert), 'client-key-data': b64(user.key) };
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'e2e', cluster: { server, 'certificate-authority-data': b64(caCert) } }],
    users: [{ name: 'e2e', user: credentials }],
    contexts: [{ name: 'e2e', context: { cluster: 'e2e', user: 'e2e' } }],
    'current-context': 'e2e',
  });
}

export async function startCluster(): Promise<Cluster> {
  const workDir = mkdtempSync(join(tmpdir(), 'promgate-e2e-'));
  const pki = generateClusterPki();
  const file = (name: string, content: string): string => {
    const path = join(workDir, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };
  const daemons: Daemon[] = [];
  let network: ClusterNetwork | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  const defer = (cleanup: () => Promise<void>): void => void cleanups.push(cleanup);
  const stop = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    for (const daemon of daemons.reverse()) await stopDaemon(daemon);
    await network?.stop();
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    const [etcdClientPort, etcdPeerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
    const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;
    const etcd = startDaemon('etcd', toolPath('etcd'), [
      `--data-dir=${join(workDir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      // A test cluster needs no durability: skip the fsync of every write.
      '--unsafe-no-fsync',
    ]);
    daemons.push(etcd);
    await waitUntilReady(etcd, async () => (await fetch(`${etcdUrl}/health`)).ok, 30_000);

    network = await startClusterNetwork(join(workDir, 'egress.sock'));
    const server = `https://127.0.0.1:${apiPort}`;
    const apiserver = startDaemon('kube-apiserver', toolPath('kube-apiserver'), [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(workDir, 'apiserver')}`,
      `--tls-cert-file=${file('apiserver.crt', pki.servingCert)}`,
      `--tls-private-key-file=${file('apiserver.key', pki.servingKey)}`,
      `--client-ca-file=${file('ca.crt', pki.caCert)}`,
      '--authorization-mode=RBAC',
      `--service-account-key-file=${file('sa.pub', pki.serviceAccountPublicKey)}`,
      `--service-account-signing-key-file=${file('sa.key', pki.serviceAccountPrivateKey)}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--service-cluster-ip-range=10.96.0.0/16',
      // Nothing runs the endpoints controller, and no node serves 127.0.0.1:443 for `kubernetes`.
      '--endpoint-reconciler-type=none',
      '--allow-privileged=true',
      `--egress-selector-config-file=${file('egress-selector.json', network.egressSelectorConfiguration)}`,
    ]);
    daemons.push(apiserver);
    const adminKubeconfig = file(
      'admin.kubeconfig',
      kubeconfigYaml(server, pki.caCert, { cert: pki.adminCert, key: pki.adminKey }),
    );
    const kubectl = new Kubectl(adminKubeconfig);
    // /readyz turns 200 once the bootstrap RBAC roles and priority levels exist: before that a
    // ServiceAccount's request could be refused for a role that simply is not there yet.
    await waitUntilReady(apiserver, async () => (await kubectl.run(['get', '--raw', '/readyz'])).code === 0, 120_000);
    return { server, pki, adminKubeconfig, kubectl, workDir, defer, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
