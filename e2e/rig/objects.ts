// Objects the scenarios write, as an admin would write them.

type Json = Record<string, unknown>;

/** A plain dcgm-exporter DaemonSet with no affinity of its own: the webhook's mutation is all it gets. */
export function dcgmExporterDaemonSet(name: string, namespace: string): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: 'dcgm-exporter' } },
      template: {
        metadata: { labels: { app: 'dcgm-exporter' } },
        spec: {
          containers: [{ name: 'exporter', image: 'nvcr.io/nvidia/k8s/dcgm-exporter:4.2.3-4.1.3-ubuntu22.04' }],
        },
      },
    },
  };
}

/** The pod template's spec of a DaemonSet (a manifest, or what the API server stored). */
export function podSpec(daemonSet: object): Json {
  return (((daemonSet as Json)['spec'] as Json)['template'] as Json)['spec'] as Json;
}

export interface NodeSelectorTerm {
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
  matchFields?: unknown[];
}

/** The DaemonSet's required node-selector terms. */
export function requiredTerms(daemonSet: object): NodeSelectorTerm[] {
  const affinity = podSpec(daemonSet)['affinity'] as
    | { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: NodeSelectorTerm[] } } }
    | undefined;
  return affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
}
