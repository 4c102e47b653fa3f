// Which objects are dcgm-exporter DaemonSets (SPEC §2, config `dcgmExporter.match`).
import type { DcgmExporterConfig } from '../../config/schema.js';
import type { KubernetesObject, NotJudged } from '../policy.js';
import { isJsonObject, POD_SPEC_PATH, valueAt } from './placement.js';

/**
 * The image's repository name without registry, path, tag or digest:
 * `registry:5000/a/dcgm-exporter:1.2@sha256:…` → `dcgm-exporter`. The last `/` comes after any
 * registry port, so the first `:` of the last segment starts the tag.
 */
export function imageName(image: string): string {
  const withoutDigest = image.split('@', 1)[0];
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  return lastSegment.split(':', 1)[0];
}

/** `wanted` holds `key=value` pairs: loadConfig accepts nothing else in `match.labels`. */
function templateLabelsMatch(labels: unknown, wanted: readonly string[]): boolean {
  if (!isJsonObject(labels)) return false;
  return wanted.some((pair) => {
    const separator = pair.indexOf('=');
    return labels[pair.slice(0, separator)] === pair.slice(separator + 1);
  });
}

function containerImages(podSpec: unknown): string[] {
  if (!isJsonObject(podSpec)) return [];
  return [podSpec.containers, podSpec.initContainers].flatMap((list) =>
    Array.isArray(list)
      ? list.flatMap((container) =>
          isJsonObject(container) && typeof container.image === 'string' ? [container.image] : [],
        )
      : [],
  );
}

const NOT_A_DAEMONSET: NotJudged = Object.freeze({ reason: 'not a DaemonSet', otherKind: true });

/**
 * Why the object is not an apps/v1 DaemonSet whose pod template carries a match label or runs a
 * match image; undefined when it is one.
 */
export function whyNotDcgmExporter(
  object: KubernetesObject,
  match: DcgmExporterConfig['match'],
): NotJudged | undefined {
  if (object.kind !== 'DaemonSet') return NOT_A_DAEMONSET;
  if (object.apiVersion !== 'apps/v1') {
    return {
      reason: `a ${String(object.apiVersion)} DaemonSet: only apps/v1 DaemonSets are judged (no current API server serves another version)`,
      otherKind: false,
    };
  }
  if (templateLabelsMatch(valueAt(object, ['spec', 'template', 'metadata', 'labels']), match.labels)) return undefined;
  if (containerImages(valueAt(object, POD_SPEC_PATH)).some((image) => match.images.includes(imageName(image)))) {
    return undefined;
  }
  return {
    reason:
      'not a dcgm-exporter: its pod template has no label of dcgmExporter.match.labels and no container image ' +
      `named ${match.images.join(', ')} (dcgmExporter.match.images)`,
    otherKind: false,
  };
}

export function isDcgmExporterDaemonSet(object: KubernetesObject, match: DcgmExporterConfig['match']): boolean {
  return whyNotDcgmExporter(object, match) === undefined;
}
