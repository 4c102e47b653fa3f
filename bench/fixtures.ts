// Realistic objects for the benchmark and the load and hostile-input tests: a dcgm-exporter
// DaemonSet from the shared corpus and ARMS Prometheus ConfigMaps of a chosen size.
import { readFileSync } from 'node:fs';
import { load as loadYaml } from 'js-yaml';
import { corpusPath } from './corpus.js';

/** NVIDIA's static dcgm-exporter manifest: the mutating webhook adds a starship exclusion to it. */
export const DCGM_EXPORTER_MANIFEST = 'dcgm-exporter--nvidia-static-manifest.yaml';
/** A look-alike no policy applies to. */
export const NODE_EXPORTER_MANIFEST = 'not-dcgm--kube-prometheus-node-exporter.yaml';

export function corpusDaemonSet(file: string): Record<string, unknown> {
  return loadYaml(readFileSync(corpusPath('daemonsets', file), 'utf8')) as Record<string, unknown>;
}

export const ARMS_NAMESPACE = 'arms-prom';

export function armsConfigMap(name: string, promYaml: string, namespace = ARMS_NAMESPACE): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { promYaml } };
}

/** One scrape job as ARMS users write them: pod discovery, annotation-driven relabelling, a drop rule. */
function scrapeJob(index: number): string {
  return `  - job_name: arms-app-${index}
    honor_labels: true
    scrape_interval: 30s
    scrape_timeout: 10s
    metrics_path: /metrics
    scheme: http
    kubernetes_sd_configs:
      - role: pod
        namespaces:
          names: [team-${index % 40}, shared-${index % 7}]
    relabel_configs:
      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
        action: keep
        regex: "true"
      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_path]
        action: replace
        target_label: __metrics_path__
        regex: (.+)
      - source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port]
        action: replace
        regex: ([^:]+)(?::\\d+)?;(\\d+)
        replacement: $1:$2
        target_label: __address__
      - action: labelmap
        regex: __meta_kubernetes_pod_label_(app|component|tier_${index})
      - source_labels: [__meta_kubernetes_namespace]
        target_label: namespace
      - source_labels: [__meta_kubernetes_pod_name]
        target_label: pod
    metric_relabel_configs:
      - source_labels: [__name__]
        action: drop
        regex: go_gc_duration_seconds.*|process_.*_${index}
    static_configs:
      - targets: ["app-${index}.team-${index % 40}.svc:9100", "app-${index}-canary.team-${index % 40}.svc:9100"]
        labels:
          cluster: arms-${index % 3}
          team: team-${index % 40}
`;
}

const GLOBAL_SECTION = `global:
  scrape_interval: 30s
  scrape_timeout: 10s
  evaluation_interval: 30s
  external_labels:
    cluster: arms-bench
scrape_configs:
`;

/** A valid prometheus.yml of at least `minBytes` (UTF-8), built from distinct scrape jobs. */
export function prometheusConfigOfSize(minBytes: number): string {
  const parts = [GLOBAL_SECTION];
  let bytes = Buffer.byteLength(GLOBAL_SECTION);
  for (let index = 0; bytes < minBytes; index += 1) {
    const job = scrapeJob(index);
    parts.push(job);
    bytes += Buffer.byteLength(job);
  }
  return parts.join('');
}

/** A few scrape jobs: the everyday ARMS ConfigMap. */
export function smallPrometheusConfig(): string {
  return GLOBAL_SECTION + [0, 1, 2].map(scrapeJob).join('');
}

export const ONE_MIB = 1024 * 1024;
