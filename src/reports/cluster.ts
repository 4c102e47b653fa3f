// Keeps promgate's policy reports in the cluster: finds which report API is installed (API
// discovery, each time, since the CRDs may come or go), applies every report with server-side
// apply under promgate's field manager (so a report is updated in place, and a result no longer
// sent is gone from it), and deletes promgate's reports that the findings no longer call for.
import { ApisApi, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import type { AuditFinding } from '../kube/audit.js';
import { apiServerUrl } from '../kube/client.js';
import { isStatus, toKubeApiError } from '../kube/errors.js';
import {
  MANAGED_BY_LABEL,
  REPORT_APIS,
  REPORT_SOURCE,
  buildReports,
  reportKey,
  staleReports,
  type BuildReportsOptions,
  type ReportApi,
  type ReportKey,
  type ReportObject,
} from './objects.js';

const FIELD_MANAGER = 'promgate';

/** The calls writeReports makes; tests give a fake. Failures throw KubeApiError. */
export interface ReportStore {
  /** The report API the cluster serves (open reports preferred), or undefined when it serves none. */
  discover(): Promise<ReportApi | undefined>;
  apply(api: ReportApi, report: ReportObject): Promise<void>;
  /** promgate's reports of this API, in every namespace and cluster-scoped. */
  list(api: ReportApi): Promise<ReportKey[]>;
  /** Deletes a report; one already gone is no error. */
  delete(api: ReportApi, key: ReportKey): Promise<void>;
}

const APPLY = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
const PAGE_SIZE = 500;
const MANAGED_BY_SELECTOR = `${MANAGED_BY_LABEL}=${REPORT_SOURCE}`;

interface RawList {
  metadata?: { continue?: string };
  items?: { kind?: string; metadata: { name: string; namespace?: string } }[];
}

export function clusterReportStore(kubeConfig: KubeConfig): ReportStore {
  const apis = kubeConfig.makeApiClient(ApisApi);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const server = apiServerUrl(kubeConfig);
  const call = async <T>(action: string, request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (err) {
      throw toKubeApiError(err, action, server);
    }
  };
  const listAll = async (api: ReportApi, kind: string, fetchPage: (token?: string) => Promise<unknown>) => {
    const keys: ReportKey[] = [];
    let token: string | undefined;
    do {
      const page = (await call(`list ${api.group} ${kind}s`, () => fetchPage(token))) as RawList;
      for (const item of page.items ?? []) keys.push(reportKey({ kind, metadata: item.metadata }));
      token = page.metadata?.continue || undefined;
    } while (token);
    return keys;
  };
  return {
    async discover() {
      const { groups } = await call('discover the API groups', () => apis.getAPIVersions());
      return REPORT_APIS.find((api) =>
        groups.some((group) => group.name === api.group && group.versions.some((v) => v.version === api.version)),
      );
    },
    async apply(api, report) {
      const { group, version } = api;
      const { name, namespace } = report.metadata;
      const common = { group, version, name, body: report, fieldManager: FIELD_MANAGER, force: true };
      await call(`apply ${report.kind} ${namespace ? `${namespace}/` : ''}${name}`, () =>
        namespace
          ? custom.patchNamespacedCustomObject({ ...common, namespace, plural: api.namespacedPlural }, APPLY)
          : custom.patchClusterCustomObject({ ...common, plural: api.clusterPlural }, APPLY),
      );
    },
    async list(api) {
      const { group, version } = api;
      const page = (token?: string) => ({
        group,
        version,
        labelSelector: MANAGED_BY_SELECTOR,
        limit: PAGE_SIZE,
        ...(token ? { _continue: token } : {}),
      });
      return [
        ...(await listAll(api, api.namespacedKind, (token) =>
          custom.listCustomObjectForAllNamespaces({ ...page(token), plural: api.namespacedPlural }),
        )),
        ...(await listAll(api, api.clusterKind, (token) =>
          custom.listClusterCustomObject({ ...page(token), plural: api.clusterPlural }),
        )),
      ];
    },
    async delete(api, key) {
      const { group, version } = api;
      try {
        await call(`delete ${key.kind} ${key.namespace ? `${key.namespace}/` : ''}${key.name}`, () =>
          key.namespace
            ? custom.deleteNamespacedCustomObject({
                group,
                version,
                namespace: key.namespace,
                plural: api.namespacedPlural,
                name: key.name,
              })
            : custom.deleteClusterCustomObject({ group, version, plural: api.clusterPlural, name: key.name }),
        );
      } catch (err) {
        // Another replica's audit round may have deleted it first.
        if (!isStatus(err, 404)) throw err;
      }
    },
  };
}

export type ReportWrite =
  { written: true; api: ReportApi; applied: number; deleted: number } | { written: false; reason: 'no-crd' };

/**
 * Makes the cluster's promgate reports say what `findings` say: each wanted report applied, then
 * promgate's other reports of that API deleted. Without a report CRD nothing is written.
 */
export async function writeReports(
  store: ReportStore,
  findings: readonly AuditFinding[],
  options: BuildReportsOptions = {},
): Promise<ReportWrite> {
  const api = await store.discover();
  if (!api) return { written: false, reason: 'no-crd' };
  const reports = buildReports(findings, api, options);
  for (const report of reports) await store.apply(api, report);
  const stale = staleReports(await store.list(api), reports.map(reportKey));
  for (const key of stale) await store.delete(api, key);
  return { written: true, api, applied: reports.length, deleted: stale.length };
}
