// The webhook matchConditions (CEL, evaluated by the API server) that send promgate exactly what its
// configuration judges: the same label pairs and the same image names as `dcgmExporter.match`
// (src/policies/dcgm-exporter-placement/identify.ts), the same data keys and ARMS label as
// `prometheusConfig.keys` (src/policies/prometheus-config). manifests/base/webhooks.yaml carries
// them for the default configuration, and `promgate check-install` reads them back.
import type { DcgmExporterConfig } from '../config/schema.js';

// Every literal here is a label key or value, an image name or a ConfigMap key: none can hold a
// quote or a backslash (the configuration loader checks labels; image names and keys are printed
// as they are and would simply never match), so single quotes need no escaping.
const quoted = (text: string): string => `'${text}'`;
const list = (items: readonly string[]): string => `[${items.join(', ')}]`;

/**
 * The condition that keeps objects being deleted away from promgate: it allows every update of
 * them anyway (the engine's isBeingDeleted), and sending them would only let a fail-closed webhook
 * block their finalizers while promgate is down.
 */
export const NOT_BEING_DELETED = '!has(object.metadata.deletionTimestamp)';

/** `image` without registry, path, tag or digest in CEL, as identify.ts's imageName does it. */
const IMAGE_NAME = "i.substring(i.lastIndexOf('/') + 1).split(':')[0]";

function imagesClause(field: 'containers' | 'initContainers', images: string): string {
  return (
    `(has(object.spec.template.spec) && has(object.spec.template.spec.${field}) &&\n` +
    `  object.spec.template.spec.${field}.exists(c, has(c.image) &&\n` +
    `    [c.image.split('@')[0]].exists(i, ${IMAGE_NAME} in ${images})))`
  );
}

function daemonSetTemplate(labels: string, images: string): string {
  return (
    'has(object.spec) && has(object.spec.template) && (\n' +
    '(has(object.spec.template.metadata) && has(object.spec.template.metadata.labels) &&\n' +
    `  ${labels}.exists(l, l[0] in object.spec.template.metadata.labels &&\n` +
    '    object.spec.template.metadata.labels[l[0]] == l[1])) ||\n' +
    `${imagesClause('containers', images)} ||\n` +
    `${imagesClause('initContainers', images)})`
  );
}

function configMapTemplate(keys: string): string {
  return (
    `has(object.data) && (${keys}.exists(k, k in object.data) ||\n` +
    "  (has(object.metadata.labels) && 'type' in object.metadata.labels &&\n" +
    "    object.metadata.labels['type'] == 'prometheus-yaml'))"
  );
}

/** The CEL condition true exactly for DaemonSets whose pod template matches `match`. */
export function daemonSetMatchCondition(match: DcgmExporterConfig['match']): string {
  const labels = list(
    match.labels.map((pair) => {
      const separator = pair.indexOf('=');
      return list([quoted(pair.slice(0, separator)), quoted(pair.slice(separator + 1))]);
    }),
  );
  return daemonSetTemplate(labels, list(match.images.map(quoted)));
}

/** The CEL condition true exactly for ConfigMaps with one of `keys`, or the ARMS label and data. */
export function configMapMatchCondition(keys: readonly string[]): string {
  return configMapTemplate(list(keys.map(quoted)));
}

/** Whitespace is not significant in CEL outside strings, and none of these strings hold any. */
export function compactExpression(expression: string): string {
  return expression.replace(/\s+/g, '');
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const STRING_LIST = String.raw`\[(?:'[^']*'(?:,'[^']*')*)?\]`;
const PAIR_LIST = String.raw`\[(?:\['[^']*','[^']*'\](?:,\['[^']*','[^']*'\])*)?\]`;

/** A template compacted, with its list placeholders turned into capture groups. */
function templatePattern(template: string, placeholders: Record<string, string>): RegExp {
  let pattern = escapeRegExp(compactExpression(template));
  for (const [placeholder, capture] of Object.entries(placeholders)) {
    pattern = pattern.replaceAll(escapeRegExp(placeholder), `(${capture})`);
  }
  return new RegExp(`^${pattern}$`);
}

const DAEMONSET_PATTERN = templatePattern(daemonSetTemplate('LABELS', 'IMAGES'), {
  LABELS: PAIR_LIST,
  IMAGES: STRING_LIST,
});
const CONFIGMAP_PATTERN = templatePattern(configMapTemplate('KEYS'), { KEYS: STRING_LIST });

const strings = (literal: string): string[] => [...literal.matchAll(/'([^']*)'/g)].map((m) => m[1] ?? '');

/** What a condition of daemonSetMatchCondition's shape sends (`key=value` pairs, image names), or
 *  undefined for any other expression. */
export function parseDaemonSetMatchCondition(expression: string): DcgmExporterConfig['match'] | undefined {
  const found = DAEMONSET_PATTERN.exec(compactExpression(expression));
  if (!found) return undefined;
  const [, labels = '', containerImages = '', initContainerImages = ''] = found;
  // Two image lists that differ are no shape promgate writes: say it cannot tell.
  if (containerImages !== initContainerImages) return undefined;
  const parts = strings(labels);
  const pairs = parts.flatMap((key, index) => (index % 2 === 0 ? [`${key}=${parts[index + 1] ?? ''}`] : []));
  return { labels: pairs, images: strings(containerImages) };
}

/** The data keys a condition of configMapMatchCondition's shape sends, or undefined. */
export function parseConfigMapMatchCondition(expression: string): string[] | undefined {
  const found = CONFIGMAP_PATTERN.exec(compactExpression(expression));
  return found ? strings(found[1] ?? '') : undefined;
}
