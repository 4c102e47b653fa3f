// Which objects are dcgm-exporter DaemonSets (SPEC §2, config `dcgmExporter.match`).
import type { DcgmExporterConfig } from '../../config/schema.js';
import type { KubernetesObject } from '../policy.js';
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

/** An apps/v1 DaemonSet whose pod template carries a match label or runs a match image. */
export function isDcgmExporterDaemonSet(object: KubernetesObject, match: DcgmExporterConfig['match']): boolean {
  if (object.apiVersion !== 'apps/v1' || object.kind !== 'DaemonSet') return false;
  if (templateLabelsMatch(valueAt(object, ['spec', 'template', 'metadata', 'labels']), match.labels)) return true;
  return containerImages(valueAt(object, POD_SPEC_PATH)).some((image) => match.images.includes(imageName(image)));
}
