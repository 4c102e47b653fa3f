// Reads what `promgate audit` judges from a live cluster: every apps/v1 DaemonSet, and the
// ConfigMaps of the namespaces the prometheus-config policy watches. Pages through large clusters
// with `limit`/`continue`, so memory stays bounded by one page.
import {
  AppsV1Api,
  CoreV1Api,
  type ConfigurationOptions,
  type HttpInfo,
  type KubeConfig,
  Observable,
  type ObservableMiddleware,
} from '@kubernetes/client-node';
import type { PromgateConfig } from '../config/schema.js';
import type { KubernetesObject } from '../policies/policy.js';
import { apiServerUrl } from './client.js';
import { isStatus, toKubeApiError } from './errors.js';

/** Anything that yields objects to audit: the cluster, or a fixed list in tests (test/support). */
export interface AuditSource {
  objects(): AsyncIterable<KubernetesObject>;
}

export interface ClusterAuditSourceOptions {
  /** List DaemonSets at all (default true). */
  daemonSets?: boolean;
  /** Namespaces whose ConfigMaps are audited (prometheusConfig.namespaces). */
  configMapNamespaces: readonly string[];
  /** Objects per list request; the API server's own default page size for kubectl is 500. */
  pageSize?: number;
}

export const DEFAULT_PAGE_SIZE = 500;
/** Expired continue tokens tolerated per list before giving up (each costs one request). */
const MAX_EXPIRED_CONTINUES = 3;

interface RawList {
  metadata?: { continue?: string };
  items?: KubernetesObject[];
}

type PageRequest = { limit: number; _continue?: string };

// The generated client reads the response body once, into its typed model. This middleware keeps
// the raw text so that it can be read a second time, as JSON, from the HttpInfo.
const keepRawBody: ObservableMiddleware = {
  pre: (request) => new Observable(Promise.resolve(request)),
  post: (response) =>
    new Observable(
      response.body.text().then((text) => {
        response.body = { text: async () => text, binary: async () => Buffer.from(text) };
        return response;
      }),
    ),
};
const RAW_BODY_OPTIONS: ConfigurationOptions = { middleware: [keepRawBody], middlewareMergeStrategy: 'append' };

export class ClusterAuditSource implements AuditSource {
  private readonly apps: AppsV1Api;
  private readonly core: CoreV1Api;
  private readonly pageSize: number;

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly options: ClusterAuditSourceOptions,
  ) {
    this.apps = kubeConfig.makeApiClient(AppsV1Api);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  }

  /**
   * What promgate's configuration asks to audit: nothing is listed for a policy that is `off`,
   * so an admin who turned a policy off needs no RBAC for its objects either.
   */
  static forConfig(kubeConfig: KubeConfig, config: PromgateConfig, pageSize?: number): ClusterAuditSource {
    return new ClusterAuditSource(kubeConfig, {
      daemonSets: config.dcgmExporter.enforcement !== 'off',
      configMapNamespaces: config.prometheusConfig.enforcement === 'off' ? [] : config.prometheusConfig.namespaces,
      ...(pageSize !== undefined ? { pageSize } : {}),
    });
  }

  async *objects(): AsyncIterable<KubernetesObject> {
    if (this.options.daemonSets !== false) {
      yield* this.paginate('list daemonsets in all namespaces', 'apps/v1', 'DaemonSet', (page) =>
        this.apps.listDaemonSetForAllNamespacesWithHttpInfo(page, RAW_BODY_OPTIONS),
      );
    }
    for (const namespace of this.options.configMapNamespaces) {
      yield* this.paginate(`list configmaps in namespace "${namespace}"`, 'v1', 'ConfigMap', (page) =>
        this.core.listNamespacedConfigMapWithHttpInfo({ namespace, ...page }, RAW_BODY_OPTIONS),
      );
    }
  }

  private async *paginate(
    action: string,
    apiVersion: string,
    kind: string,
    fetchPage: (page: PageRequest) => Promise<HttpInfo<unknown>>,
  ): AsyncIterable<KubernetesObject> {
    let continueToken: string | undefined;
    let expirations = 0;
    do {
      let list: RawList;
      try {
        const response = await fetchPage({
          limit: this.pageSize,
          ...(continueToken ? { _continue: continueToken } : {}),
        });
        // The raw body, not the client's typed model: policies must see objects exactly as the API
        // server serves them (the typed model turns timestamps into Dates and drops unknown fields).
        list = JSON.parse(await response.body.text()) as RawList;
      } catch (err) {
        const error = toKubeApiError(err, action, apiServerUrl(this.kubeConfig));
        // 410 Expired: the snapshot behind the token was compacted (a page took minutes). The
        // Status carries a token that continues from the next key on current data: no object
        // twice, none skipped that still exists; an audit needs no more than that.
        const freshToken = error.status?.metadata?.continue;
        if (isStatus(error, 410) && freshToken && ++expirations <= MAX_EXPIRED_CONTINUES) {
          continueToken = freshToken;
          continue;
        }
        throw error;
      }
      for (const item of list.items ?? []) {
        // Items of a typed list carry no apiVersion/kind; policies match on them.
        yield { apiVersion, kind, ...item };
      }
      continueToken = list.metadata?.continue || undefined;
    } while (continueToken);
  }
}
