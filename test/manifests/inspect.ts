// Views on rendered manifests that several tests share: promgate's container, every webhook with
// the path it must call, and the effective permissions of a ServiceAccount.
import type {
  V1ClusterRole,
  V1ConfigMap,
  V1Container,
  V1Deployment,
  V1MutatingWebhook,
  V1MutatingWebhookConfiguration,
  V1PodTemplateSpec,
  V1Role,
  V1RoleBinding,
  V1ValidatingWebhook,
  V1ValidatingWebhookConfiguration,
} from '@kubernetes/client-node';
import { parseConfig } from '../../src/config/load.js';
import type { PromgateConfig } from '../../src/config/schema.js';
import {
  registrationMismatches,
  type ConfigurationKind,
  type RegisteredWebhook,
  type Registrations,
} from '../../src/registration/webhooks.js';
import { findOne, ofKind, type KubeObject } from './render.js';

export function promgateContainer(objects: KubeObject[]): {
  deployment: V1Deployment;
  pod: V1PodTemplateSpec;
  container: V1Container;
} {
  const deployment = findOne<V1Deployment>(objects, 'Deployment', 'promgate', 'promgate-system');
  const pod = deployment.spec?.template;
  const container = pod?.spec?.containers.find((candidate) => candidate.name === 'promgate');
  if (pod === undefined || container === undefined) throw new Error('Deployment promgate has no container promgate');
  return { deployment, pod, container };
}

export interface WebhookView {
  webhook: V1MutatingWebhook | V1ValidatingWebhook;
  /** The path the webhook must call: mutating webhooks /mutate, validating ones /validate. */
  path: '/mutate' | '/validate';
}

export function webhooksOf(objects: KubeObject[]): WebhookView[] {
  const mutating = ofKind<V1MutatingWebhookConfiguration>(objects, 'MutatingWebhookConfiguration');
  const validating = ofKind<V1ValidatingWebhookConfiguration>(objects, 'ValidatingWebhookConfiguration');
  return [
    ...mutating.flatMap((configuration) =>
      (configuration.webhooks ?? []).map((webhook): WebhookView => ({ webhook, path: '/mutate' })),
    ),
    ...validating.flatMap((configuration) =>
      (configuration.webhooks ?? []).map((webhook): WebhookView => ({ webhook, path: '/validate' })),
    ),
  ];
}

/**
 * Every permission the ServiceAccount holds through the rendered (Cluster)RoleBindings, one line
 * per verb: `<namespace|cluster>: <group>/<resource> <verb> [names]`, sorted. Wildcards are kept
 * verbatim so that a test comparing the list exactly also catches them.
 */
export function permissionsOf(objects: KubeObject[], serviceAccount: { namespace: string; name: string }): string[] {
  const boundToAccount = (binding: V1RoleBinding): boolean =>
    (binding.subjects ?? []).some(
      (subject) =>
        subject.kind === 'ServiceAccount' &&
        subject.name === serviceAccount.name &&
        subject.namespace === serviceAccount.namespace,
    );
  const lines: string[] = [];
  const grant = (scope: string, role: V1Role | V1ClusterRole): void => {
    for (const rule of role.rules ?? []) {
      const names = rule.resourceNames === undefined ? '' : ` [${rule.resourceNames.join(',')}]`;
      for (const group of rule.apiGroups ?? []) {
        for (const resource of rule.resources ?? []) {
          for (const verb of rule.verbs) {
            lines.push(`${scope}: ${group === '' ? '' : `${group}/`}${resource} ${verb}${names}`);
          }
        }
      }
      for (const url of rule.nonResourceURLs ?? []) lines.push(`${scope}: url ${url} ${rule.verbs.join(',')}`);
    }
  };
  for (const binding of ofKind<V1RoleBinding>(objects, 'ClusterRoleBinding').filter(boundToAccount)) {
    grant('cluster', findOne<V1ClusterRole>(objects, 'ClusterRole', binding.roleRef.name));
  }
  for (const binding of ofKind<V1RoleBinding>(objects, 'RoleBinding').filter(boundToAccount)) {
    const namespace = binding.metadata?.namespace ?? '';
    const role =
      binding.roleRef.kind === 'ClusterRole'
        ? findOne<V1ClusterRole>(objects, 'ClusterRole', binding.roleRef.name)
        : findOne<V1Role>(objects, 'Role', binding.roleRef.name, namespace);
    grant(namespace, role);
  }
  return lines.sort();
}

/**
 * True when (), [], {} nest properly and quotes close: a cheap guard against a mangled CEL or
 * PromQL edit (both quote strings with ' or ").
 */
export function balanced(expression: string): boolean {
  const closing: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  let quote: string | undefined;
  for (const character of expression) {
    if (quote !== undefined) {
      if (character === quote) quote = undefined;
    } else if (character === "'" || character === '"') {
      quote = character;
    } else if ('([{'.includes(character)) {
      stack.push(character);
    } else if (character in closing) {
      if (stack.pop() !== closing[character]) return false;
    }
  }
  return stack.length === 0 && quote === undefined;
}

/** promgate's configuration as the rendered ConfigMap promgate-config holds it. */
export function renderedConfig(objects: KubeObject[]): PromgateConfig {
  const configMap = findOne<V1ConfigMap>(objects, 'ConfigMap', 'promgate-config', 'promgate-system');
  const text = configMap.data?.['config.yaml'];
  if (text === undefined) throw new Error('ConfigMap promgate-config has no config.yaml');
  return parseConfig(text, 'promgate-config/config.yaml');
}

/** The rendered webhook configurations named promgate, as `registrationMismatches` reads them. */
export function renderedRegistrations(objects: KubeObject[]): Registrations {
  const webhooks = (kind: ConfigurationKind): RegisteredWebhook[] | undefined =>
    objects.find((object) => object.kind === kind && object.metadata.name === 'promgate') === undefined
      ? undefined
      : (findOne<{ webhooks?: RegisteredWebhook[] }>(objects, kind, 'promgate').webhooks ?? []);
  return {
    MutatingWebhookConfiguration: webhooks('MutatingWebhookConfiguration'),
    ValidatingWebhookConfiguration: webhooks('ValidatingWebhookConfiguration'),
  };
}

/**
 * Where the webhook registrations and RBAC disagree with the rendered config (ADR 040): objects
 * the config wants judged that the API server would not send (or sends unjudged), or that the
 * audit could not list. Empty when everything agrees.
 */
export function selectorMismatches(objects: KubeObject[]): string[] {
  const config = renderedConfig(objects);
  const mismatches = registrationMismatches(config, renderedRegistrations(objects), 'promgate').map(
    ({ where, message }) => `${where}: ${message}`,
  );
  const permissions = permissionsOf(objects, { namespace: 'promgate-system', name: 'promgate' });
  for (const namespace of config.prometheusConfig.namespaces) {
    for (const verb of ['list', 'watch']) {
      if (!permissions.includes(`${namespace}: configmaps ${verb}`)) {
        mismatches.push(`no Role grants configmaps ${verb} in ${namespace}`);
      }
    }
  }
  return mismatches;
}
