// Whether promgate's webhook registrations send the API server's requests for exactly what its
// configuration judges: every object the configuration would judge but the registration never
// sends, and every object sent that the configuration never judges, in words an admin can act on.
// Pure: `promgate check-install`, `serve` at start-up and every background audit round read the
// registrations and call `registrationMismatches`.
import type { PromgateConfig } from '../config/schema.js';
import type { EnforcementMode } from '../policies/policy.js';
import {
  NOT_BEING_DELETED,
  compactExpression,
  configMapMatchCondition,
  daemonSetMatchCondition,
  parseConfigMapMatchCondition,
  parseDaemonSetMatchCondition,
} from './match-conditions.js';

/** The parts of a meta/v1 LabelSelector promgate evaluates. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** The parts of an admissionregistration/v1 webhook entry promgate reads. */
export interface RegisteredWebhook {
  name: string;
  clientConfig?: { service?: { path?: string }; url?: string };
  rules?: Array<{ apiGroups?: string[]; apiVersions?: string[]; operations?: string[]; resources?: string[] }>;
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  matchConditions?: Array<{ name: string; expression: string }>;
}

export type ConfigurationKind = 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration';

/** promgate's two webhook configurations as read from the cluster; undefined: it does not exist. */
export type Registrations = Record<ConfigurationKind, RegisteredWebhook[] | undefined>;

export interface RegistrationMismatch {
  /** `MutatingWebhookConfiguration promgate`, or `… webhook NAME`. */
  where: string;
  message: string;
}

/** The label the API server sets on every namespace (Kubernetes 1.22+): its name. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
/** A namespace no configuration names, standing for "any other namespace". */
const SOME_OTHER_NAMESPACE = 'promgate-check-any-other-namespace';

interface Route {
  configuration: ConfigurationKind;
  path: '/mutate' | '/validate';
  group: string;
  version: string;
  resource: string;
  /** What the configuration judges there, for messages: `dcgm-exporter DaemonSets`. */
  what: string;
  /** The configuration section that decides it, for messages. */
  section: 'dcgmExporter' | 'prometheusConfig';
}

const DAEMONSETS = {
  group: 'apps',
  version: 'v1',
  resource: 'daemonsets',
  what: 'dcgm-exporter DaemonSets',
  section: 'dcgmExporter',
} as const;

const ROUTES: readonly Route[] = [
  { ...DAEMONSETS, configuration: 'MutatingWebhookConfiguration', path: '/mutate' },
  { ...DAEMONSETS, configuration: 'ValidatingWebhookConfiguration', path: '/validate' },
  {
    configuration: 'ValidatingWebhookConfiguration',
    path: '/validate',
    group: '',
    version: 'v1',
    resource: 'configmaps',
    what: 'Prometheus ConfigMaps',
    section: 'prometheusConfig',
  },
];

const covers = (values: string[] | undefined, wanted: string): boolean =>
  values !== undefined && (values.includes('*') || values.includes(wanted));

/** The operations (CREATE, UPDATE) a webhook's rules send for the route's resource. */
function operationsSent(webhook: RegisteredWebhook, route: Route): Set<string> {
  const sent = new Set<string>();
  for (const rule of webhook.rules ?? []) {
    const resource = covers(rule.resources, route.resource) || covers(rule.resources, `${route.resource}/*`);
    if (!covers(rule.apiGroups, route.group) || !covers(rule.apiVersions, route.version) || !resource) continue;
    for (const operation of ['CREATE', 'UPDATE']) if (covers(rule.operations, operation)) sent.add(operation);
  }
  return sent;
}

/** true / false, or undefined when the selector reads labels other than the namespace's name. */
function selectsNamespace(selector: LabelSelector | undefined, namespace: string): boolean | undefined {
  const labels: Record<string, string> = { [NAMESPACE_NAME_LABEL]: namespace };
  let selected = true;
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) {
    if (key !== NAMESPACE_NAME_LABEL) return undefined;
    selected &&= labels[key] === value;
  }
  for (const { key, operator, values = [] } of selector?.matchExpressions ?? []) {
    if (key !== NAMESPACE_NAME_LABEL) return undefined;
    const value = labels[key];
    switch (operator) {
      case 'In':
        selected &&= value !== undefined && values.includes(value);
        break;
      case 'NotIn':
        selected &&= value === undefined || !values.includes(value);
        break;
      case 'Exists':
        selected &&= value !== undefined;
        break;
      case 'DoesNotExist':
        selected &&= value === undefined;
        break;
      default:
        return undefined;
    }
  }
  return selected;
}

function isEmptySelector(selector: LabelSelector | undefined): boolean {
  return Object.keys(selector?.matchLabels ?? {}).length === 0 && (selector?.matchExpressions ?? []).length === 0;
}

function webhookPath(webhook: RegisteredWebhook): string | undefined {
  if (webhook.clientConfig?.service) return webhook.clientConfig.service.path ?? '/';
  const url = webhook.clientConfig?.url;
  if (url === undefined) return undefined;
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

const difference = (a: readonly string[], b: readonly string[]): string[] => a.filter((item) => !b.includes(item));

function namespaceMismatches(config: PromgateConfig, route: Route, webhook: RegisteredWebhook): string[] {
  const selector = webhook.namespaceSelector;
  const excluded = config.excludedNamespaces;
  if (selectsNamespace(selector, SOME_OTHER_NAMESPACE) === undefined) {
    return [
      `its namespaceSelector reads namespace labels other than ${NAMESPACE_NAME_LABEL}: promgate cannot tell ` +
        `which namespaces it sends (select by ${NAMESPACE_NAME_LABEL} In / NotIn)`,
    ];
  }
  const messages = excluded
    .filter((namespace) => selectsNamespace(selector, namespace))
    .map(
      (namespace) =>
        `it sends ${route.resource} from ${namespace}, which excludedNamespaces says promgate never sees ` +
        `(check and audit report them as not admitted through promgate)`,
    );
  if (route.section === 'prometheusConfig') {
    const judged = difference(config.prometheusConfig.namespaces, excluded);
    for (const namespace of judged.filter((candidate) => !selectsNamespace(selector, candidate))) {
      messages.push(
        `prometheusConfig.namespaces has ${namespace}, but its namespaceSelector never sends ConfigMaps from there: ` +
          `add ${namespace} to its ${NAMESPACE_NAME_LABEL} In list`,
      );
    }
    if (selectsNamespace(selector, SOME_OTHER_NAMESPACE)) {
      messages.push(
        'it sends ConfigMaps from namespaces outside prometheusConfig.namespaces, which promgate allows unjudged ' +
          `(and blocks when it is down): select ${NAMESPACE_NAME_LABEL} In [${judged.join(', ')}]`,
      );
    }
  } else if (!selectsNamespace(selector, SOME_OTHER_NAMESPACE)) {
    messages.push(
      'its namespaceSelector sends DaemonSets from some namespaces only: dcgm-exporters elsewhere are never judged ' +
        `(exclude only [${excluded.join(', ')}] with ${NAMESPACE_NAME_LABEL} NotIn)`,
    );
  }
  return messages;
}

/** Where what the condition sends and what the configuration judges differ, both ways. */
function listMismatches(
  configured: readonly string[],
  sent: readonly string[],
  key: string,
  objects: (item: string) => string,
): string[] {
  return [
    ...difference(configured, sent).map(
      (item) => `${key} has ${item}, but its matchCondition never sends ${objects(item)}: promgate never judges them`,
    ),
    ...difference(sent, configured).map(
      (item) => `its matchCondition sends ${objects(item)}, which ${key} does not have: promgate allows them unjudged`,
    ),
  ];
}

function conditionMismatches(config: PromgateConfig, route: Route, webhook: RegisteredWebhook): string[] {
  const expected =
    route.section === 'dcgmExporter'
      ? daemonSetMatchCondition(config.dcgmExporter.match)
      : configMapMatchCondition(config.prometheusConfig.keys);
  const isDeletionCondition = (condition: { expression: string }): boolean =>
    compactExpression(condition.expression) === compactExpression(NOT_BEING_DELETED);
  const all = webhook.matchConditions ?? [];
  const conditions = all.filter((condition) => !isDeletionCondition(condition));
  const deletion = all.some(isDeletionCondition)
    ? []
    : [
        `it sends ${route.resource} being deleted, which promgate allows unjudged (and blocks their finalizers ` +
          `while it is down): add the matchCondition ${NOT_BEING_DELETED}`,
      ];
  if (conditions.length === 0) {
    return [
      ...deletion,
      `it has no matchConditions of ${route.what}: it sends every ${route.resource.slice(0, -1)}, and promgate ` +
        `judges only ${route.what} (a fail-closed webhook blocks all of them while promgate is down); expected: ` +
        compactExpression(expected),
    ];
  }
  return [
    ...deletion,
    ...conditions.flatMap((condition) => {
      if (compactExpression(condition.expression) === compactExpression(expected)) return [];
      const named = (message: string): string =>
        message.replace('its matchCondition', `its matchCondition ${condition.name}`);
      if (route.section === 'dcgmExporter') {
        const sent = parseDaemonSetMatchCondition(condition.expression);
        if (sent) {
          const { labels, images } = config.dcgmExporter.match;
          return [
            ...listMismatches(
              labels,
              sent.labels,
              'dcgmExporter.match.labels',
              (pair) => `DaemonSets labelled ${pair}`,
            ),
            ...listMismatches(
              images,
              sent.images,
              'dcgmExporter.match.images',
              (image) => `DaemonSets running ${image}`,
            ),
          ].map(named);
        }
      } else {
        const sent = parseConfigMapMatchCondition(condition.expression);
        if (sent) {
          return listMismatches(
            config.prometheusConfig.keys,
            sent,
            'prometheusConfig.keys',
            (key) => `ConfigMaps with key ${key}`,
          ).map(named);
        }
      }
      return [
        `its matchCondition ${condition.name} is not the one promgate's configuration implies, so promgate cannot ` +
          `tell what it sends; expected: ${compactExpression(expected)}`,
      ];
    }),
  ];
}

function webhookMismatches(config: PromgateConfig, route: Route, webhook: RegisteredWebhook): string[] {
  const messages: string[] = [];
  const operations = operationsSent(webhook, route);
  for (const operation of ['CREATE', 'UPDATE'].filter((wanted) => !operations.has(wanted))) {
    messages.push(`its rules never send ${operation} of ${route.resource}, which promgate judges`);
  }
  const path = webhookPath(webhook);
  if (path !== route.path) messages.push(`it calls ${path ?? 'no path'}, not ${route.path}`);
  if (!isEmptySelector(webhook.objectSelector)) {
    messages.push(`its objectSelector keeps some ${route.what} from promgate: remove it`);
  }
  return [...messages, ...namespaceMismatches(config, route, webhook), ...conditionMismatches(config, route, webhook)];
}

function enforcementOf(config: PromgateConfig, route: Route): EnforcementMode {
  return config[route.section].enforcement;
}

/**
 * Every way the registrations named `name` and the configuration disagree; empty when the API
 * server sends promgate exactly what it judges.
 */
export function registrationMismatches(
  config: PromgateConfig,
  registrations: Registrations,
  name: string,
): RegistrationMismatch[] {
  const mismatches: RegistrationMismatch[] = [];
  for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'] as const) {
    if (
      registrations[kind] === undefined &&
      ROUTES.some((r) => r.configuration === kind && enforcementOf(config, r) !== 'off')
    ) {
      mismatches.push({
        where: `${kind} ${name}`,
        message: 'not found: the API server sends promgate nothing through it',
      });
    }
  }
  for (const route of ROUTES) {
    const webhooks = (registrations[route.configuration] ?? []).filter(
      (webhook) => operationsSent(webhook, route).size > 0,
    );
    const off = enforcementOf(config, route) === 'off';
    if (webhooks.length === 0) {
      if (!off && registrations[route.configuration] !== undefined) {
        mismatches.push({
          where: `${route.configuration} ${name}`,
          message: `no webhook sends ${route.resource} to ${route.path}, so promgate never judges ${route.what}`,
        });
      }
      continue;
    }
    for (const webhook of webhooks) {
      const where = `${route.configuration} ${name} webhook ${webhook.name}`;
      const messages = off
        ? [
            `it sends ${route.resource}, but ${route.section}.enforcement is off: promgate allows them unjudged ` +
              '(and a fail-closed webhook blocks them while promgate is down)',
          ]
        : webhookMismatches(config, route, webhook);
      mismatches.push(...messages.map((message) => ({ where, message })));
    }
  }
  return mismatches;
}
