// Policy `prometheus-config` (SPEC §3): reject ConfigMaps whose Prometheus configuration
// `promtool check config --syntax-only` of the configured release would reject.
import type { PrometheusConfigPolicyConfig } from '../../config/schema.js';
import type { Evaluation, KubernetesObject, NotJudged, Policy, Violation } from '../policy.js';
import { NO_FINDINGS } from '../policy.js';
import type { ConfigError } from '../../prometheus/index.js';
import { checkPrometheusConfig, formatReleases } from '../../prometheus/index.js';

/** Errors shown per object; the rest are counted. Enough to fix a file in one go, small enough for
 *  kubectl's output and the API server's status message. */
export const MAX_SHOWN_ERRORS = 20;

/** ARMS marks ConfigMaps whose every data key is a Prometheus configuration with this label. */
const ARMS_LABEL = { name: 'type', value: 'prometheus-yaml' };

function dataOf(object: KubernetesObject | undefined): Record<string, unknown> {
  const data = object?.['data'];
  return data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : {};
}

function isConfigMap(object: KubernetesObject): boolean {
  return object.kind === 'ConfigMap' && (object.apiVersion === 'v1' || object.apiVersion === undefined);
}

function inScope(object: KubernetesObject, config: PrometheusConfigPolicyConfig): boolean {
  const namespace = object.metadata?.namespace ?? '';
  return isConfigMap(object) && config.namespaces.includes(namespace);
}

const NOT_A_CONFIGMAP: NotJudged = Object.freeze({ reason: 'not a v1 ConfigMap', otherKind: true });

function whyNotJudged(object: KubernetesObject, config: PrometheusConfigPolicyConfig): NotJudged | undefined {
  if (!isConfigMap(object)) return NOT_A_CONFIGMAP;
  const namespaces = `prometheusConfig.namespaces (${config.namespaces.join(', ')})`;
  const namespace = object.metadata?.namespace;
  if (namespace === undefined || namespace === '') {
    return { reason: `the ConfigMap has no namespace, and only those in ${namespaces} are judged`, otherKind: false };
  }
  if (!config.namespaces.includes(namespace)) {
    return { reason: `namespace ${namespace} is not in ${namespaces}`, otherKind: false };
  }
  if (keysToJudge(object, config).length > 0) return undefined;
  const reason = hasArmsLabel(object)
    ? 'its data holds no string value to judge'
    : `no data key of prometheusConfig.keys (${config.keys.join(', ')}) and no label ${ARMS_LABEL.name}: ${ARMS_LABEL.value}`;
  return { reason, otherKind: false };
}

function hasArmsLabel(object: KubernetesObject): boolean {
  return object.metadata?.labels?.[ARMS_LABEL.name] === ARMS_LABEL.value;
}

/** The data keys to judge: those configured, or all of them on an ARMS-labelled ConfigMap. */
export function keysToJudge(object: KubernetesObject, config: PrometheusConfigPolicyConfig): string[] {
  const data = dataOf(object);
  const labelled = hasArmsLabel(object);
  return Object.keys(data).filter((key) => typeof data[key] === 'string' && (labelled || config.keys.includes(key)));
}

/** `KEY:LINE:COL: PATH: message` (PATH left out for errors of the document itself), then, when
 *  the config was judged for several releases, which of them reject it: `[Prometheus 3.5]`. */
export function formatConfigError(key: string, error: ConfigError): string {
  const where = `${key}:${error.line}:${error.col}`;
  const message = withReleases(error);
  return error.path === '' ? `${where}: ${message}` : `${where}: ${error.path}: ${message}`;
}

/** The message, and when the config was judged for several releases, which of them report it. */
function withReleases(error: ConfigError): string {
  return error.releases === undefined ? error.message : `${error.message} [Prometheus ${error.releases.join(', ')}]`;
}

/**
 * The error in a warning's order: `data.KEY:LINE:COL FIELD: message`, FIELD being the last step of
 * the path (`regex`, `targets[1]`), so that the position and the offending value come before the
 * cut of a long warning; the denial keeps the whole path.
 */
export function configErrorWarning(key: string, error: ConfigError): string {
  const where = `data.${key}:${error.line}:${error.col}`;
  const lastStep = error.path.slice(error.path.lastIndexOf('.') + 1);
  const message = withReleases(error);
  return lastStep === '' ? `${where}: ${message}` : `${where} ${lastStep}: ${message}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export const prometheusConfigPolicy: Policy<PrometheusConfigPolicyConfig> = {
  name: 'prometheus-config',
  judges: 'v1 ConfigMaps',
  notJudged: whyNotJudged,
  evaluate(object, config, context): Evaluation {
    if (context.operation !== 'CREATE' && context.operation !== 'UPDATE') return NO_FINDINGS;
    if (!inScope(object, config)) return NO_FINDINGS;
    const data = dataOf(object);
    const oldData = context.operation === 'UPDATE' ? dataOf(context.oldObject) : {};
    const violations: Violation[] = [];
    const warnings: string[] = [];
    let hiddenErrors = 0;
    for (const key of keysToJudge(object, config)) {
      const text = data[key] as string;
      const result = checkPrometheusConfig(text, { prometheusVersion: config.prometheusVersion });
      const field = `data.${key}`;
      warnings.push(...result.warnings.map((warning) => `${field}: ${warning}`));
      if (result.errors.length === 0) continue;
      if (oldData[key] === text) {
        // An unchanged key is not re-judged (an admin may relabel an old ConfigMap), only flagged.
        warnings.push(
          `${configErrorWarning(key, result.errors[0]!)} (unchanged, so allowed; ` +
            `${plural(result.errors.length, 'error')} for Prometheus ${formatReleases(config.prometheusVersion)})`,
        );
        continue;
      }
      for (const error of result.errors) {
        if (violations.length < MAX_SHOWN_ERRORS) {
          violations.push({
            field,
            message: formatConfigError(key, error),
            warning: configErrorWarning(key, error),
            position: { key, line: error.line, column: error.col },
          });
        } else {
          hiddenErrors++;
        }
      }
    }
    if (hiddenErrors > 0) violations.push({ field: 'data', message: `and ${plural(hiddenErrors, 'more error')}` });
    return { violations, warnings, patch: [] };
  },
};
