// promgate's own configuration (SPEC §1). Defaults live here and nowhere else.
import type { EnforcementMode } from '../policies/policy.js';

export interface DcgmExporterConfig {
  enforcement: EnforcementMode;
  /** `key` (any value marks a starship node) or `key=value`. */
  starshipNodeLabel: string;
  match: {
    /** `key=value` pairs; a pod template carrying any of them is a dcgm-exporter. */
    labels: string[];
    /** Last path segment of a container image repository, tag and digest ignored. */
    images: string[];
  };
}

export interface PrometheusConfigPolicyConfig {
  enforcement: EnforcementMode;
  namespaces: string[];
  keys: string[];
  /** `major.minor`, the Prometheus release whose schema the config is judged by, or a list of them:
   *  the config must then be valid for each. */
  prometheusVersion: string | string[];
}

export interface EventsConfig {
  /** A denial and an audit finding become a Warning Event on the object (needs credentials). */
  enabled: boolean;
}

export interface ReportsConfig {
  /** The background audit keeps its findings as policy reports (needs a report CRD and credentials). */
  enabled: boolean;
}

/** Who may opt an object out with the skip annotation (AdmissionReview `request.userInfo`). */
export interface OptOutConfig {
  /** false: the skip annotation is ignored and every object is judged. */
  enabled: boolean;
  /** `userInfo.username`s that may add the annotation. */
  users: string[];
  /** Groups (`userInfo.groups`) whose members may add it. */
  groups: string[];
}

export interface PromgateConfig {
  dcgmExporter: DcgmExporterConfig;
  prometheusConfig: PrometheusConfigPolicyConfig;
  skipAnnotation: string;
  events: EventsConfig;
  reports: ReportsConfig;
  optOut: OptOutConfig;
  /** Namespaces the webhook configurations never send to promgate (their namespaceSelector):
   *  objects there are not admitted through promgate, whatever the policies say. */
  excludedNamespaces: string[];
}

export function defaultConfig(): PromgateConfig {
  return {
    dcgmExporter: {
      enforcement: 'enforce',
      starshipNodeLabel: 'starship',
      match: {
        labels: [
          'app.kubernetes.io/name=dcgm-exporter',
          'app=nvidia-dcgm-exporter',
          'app=dcgm-exporter',
          'k8s-app=dcgm-exporter',
        ],
        images: ['dcgm-exporter'],
      },
    },
    prometheusConfig: {
      enforcement: 'enforce',
      namespaces: ['arms-prom'],
      keys: ['promYaml', 'prometheus.yaml', 'prometheus.yml'],
      prometheusVersion: '2.55',
    },
    skipAnnotation: 'promgate.io/skip',
    events: { enabled: true },
    reports: { enabled: true },
    optOut: { enabled: true, users: [], groups: ['system:masters'] },
    excludedNamespaces: ['promgate-system', 'kube-system'],
  };
}
