// Where promgate's Kubernetes credentials come from: an explicit kubeconfig file, else the usual
// KUBECONFIG / ~/.kube/config / in-cluster service account chain of @kubernetes/client-node.
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeConfigError } from './errors.js';

export interface KubeConfigOptions {
  /** Path of a kubeconfig file; overrides KUBECONFIG and ~/.kube/config. */
  kubeconfig?: string;
  /** Context to use instead of the file's current-context. */
  context?: string;
}

// What client-node's loadFromDefault falls back to when it finds nothing at all; a request to it
// fails with a confusing "HTTP protocol is not allowed" error, so promgate says what is missing.
const CLIENT_FALLBACK_SERVER = 'http://localhost:8080';

export function loadKubeConfig(options: KubeConfigOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    const source = options.kubeconfig ?? process.env['KUBECONFIG'] ?? 'the default kubeconfig';
    throw new KubeConfigError(`cannot load kubeconfig ${source}: ${(err as Error).message.split('\n')[0]}`, {
      cause: err,
    });
  }
  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new KubeConfigError(
        `context "${options.context}" not found in kubeconfig (available: ${known.length ? known.join(', ') : 'none'})`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new KubeConfigError(`kubeconfig has no cluster for context "${kc.getCurrentContext()}"`);
  }
  if (!options.kubeconfig && cluster.server === CLIENT_FALLBACK_SERVER && kc.getCurrentContext() === 'loaded-context') {
    throw new KubeConfigError(
      'no Kubernetes credentials found: pass --kubeconfig, set KUBECONFIG, create ~/.kube/config, or run in a cluster',
    );
  }
  return kc;
}

/** The API server URL of the current context, for error messages. */
export function apiServerUrl(kc: KubeConfig): string | undefined {
  return kc.getCurrentCluster()?.server;
}

const SERVICE_ACCOUNT_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** The namespace promgate runs in: POD_NAMESPACE (downward API), else the service account's. */
export function podNamespace(namespaceFile: string = SERVICE_ACCOUNT_NAMESPACE_FILE): string {
  const fromEnvironment = process.env['POD_NAMESPACE']?.trim();
  if (fromEnvironment) return fromEnvironment;
  try {
    const fromFile = readFileSync(namespaceFile, 'utf8').trim();
    if (fromFile) return fromFile;
  } catch {
    // Not in a pod: fall through to the clear error below.
  }
  throw new KubeConfigError(`cannot tell promgate's namespace: set POD_NAMESPACE or run in a pod (${namespaceFile})`);
}
