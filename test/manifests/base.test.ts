// The kustomize base as `kubectl apply -k manifests/` sends it: inventory, webhook configurations,
// the Deployment's hardening and wiring, least-privilege RBAC, and promgate's own config.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type {
  V1ConfigMap,
  V1MutatingWebhookConfiguration,
  V1PodDisruptionBudget,
  V1PriorityClass,
  V1Service,
  V1ValidatingWebhook,
  V1ValidatingWebhookConfiguration,
} from '@kubernetes/client-node';
import { defaultConfig } from '../../src/config/schema.js';
import {
  NOT_BEING_DELETED,
  configMapMatchCondition,
  daemonSetMatchCondition,
} from '../../src/registration/match-conditions.js';
import { MANIFESTS, REPO_ROOT, findOne, flagValue, render } from './render.js';
import {
  balanced,
  permissionsOf,
  promgateContainer,
  renderedConfig,
  selectorMismatches,
  webhooksOf,
} from './inspect.js';

const objects = render(MANIFESTS);
const defaults = defaultConfig();

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'PriorityClass',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
]);

t.test('every object is complete, placed and labelled', async (t) => {
  const ids = new Set<string>();
  for (const object of objects) {
    const id = `${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    t.notOk(ids.has(id), `${id} rendered once`);
    ids.add(id);
    if (CLUSTER_SCOPED.has(object.kind)) {
      t.equal(object.metadata.namespace, undefined, `${id} is cluster-scoped`);
    } else {
      t.type(object.metadata.namespace, 'string', `${id} names its namespace`);
    }
    t.equal(object.metadata.labels?.['app.kubernetes.io/name'], 'promgate', `${id} carries the common labels`);
  }
  t.same(
    [...ids].sort(),
    [
      'ClusterRole /promgate-audit',
      'ClusterRole /promgate-events',
      'ClusterRole /promgate-webhook-ca',
      'ClusterRoleBinding /promgate-audit',
      'ClusterRoleBinding /promgate-events',
      'ClusterRoleBinding /promgate-webhook-ca',
      'ConfigMap promgate-system/promgate-config',
      'Deployment promgate-system/promgate',
      'MutatingWebhookConfiguration /promgate',
      'Namespace /promgate-system',
      'PodDisruptionBudget promgate-system/promgate',
      'PriorityClass /promgate',
      'Role arms-prom/promgate-configmaps',
      'Role promgate-system/promgate-tls',
      'RoleBinding arms-prom/promgate-configmaps',
      'RoleBinding promgate-system/promgate-tls',
      'Service promgate-system/promgate',
      'ServiceAccount promgate-system/promgate',
      'ValidatingWebhookConfiguration /promgate',
    ],
    'exactly the objects SPEC §5 asks for',
  );
  const namespace = findOne(objects, 'Namespace', 'promgate-system');
  t.equal(namespace.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
});

t.test('webhook configurations', async (t) => {
  const mutating = findOne<V1MutatingWebhookConfiguration>(objects, 'MutatingWebhookConfiguration', 'promgate');
  const validating = findOne<V1ValidatingWebhookConfiguration>(objects, 'ValidatingWebhookConfiguration', 'promgate');
  const all = webhooksOf(objects);
  t.equal(all.length, 3, 'mutate DaemonSets, validate DaemonSets, validate ConfigMaps');

  for (const { webhook, path } of all) {
    t.test(webhook.name, async (t) => {
      t.match(webhook.name, /^promgate-[a-z-]+\.promgate\.io$/, 'named for the alerts (name=~"promgate-.*")');
      t.equal(webhook.sideEffects, 'NoneOnDryRun', 'Events on denials, none on dry runs');
      t.same(webhook.admissionReviewVersions, ['v1']);
      t.ok(webhook.timeoutSeconds !== undefined && webhook.timeoutSeconds >= 1 && webhook.timeoutSeconds <= 10);
      t.equal(webhook.matchPolicy, 'Equivalent');
      t.same(webhook.clientConfig.service, {
        name: 'promgate',
        namespace: 'promgate-system',
        path,
        port: 443,
      });
      t.equal(webhook.clientConfig.caBundle, undefined, 'no caBundle: re-applying must not wipe the injected CA');
      t.ok(
        webhook.namespaceSelector?.matchExpressions?.some(
          (expression) =>
            expression.key === 'kubernetes.io/metadata.name' &&
            expression.operator === 'NotIn' &&
            expression.values?.includes('promgate-system') === true &&
            expression.values.includes('kube-system'),
        ),
        'promgate-system and kube-system are never sent to promgate',
      );
      for (const rule of webhook.rules ?? []) {
        t.same(rule.operations, ['CREATE', 'UPDATE']);
        t.equal(rule.scope, 'Namespaced');
      }
      const conditions = webhook.matchConditions ?? [];
      t.ok(conditions.length >= 1 && conditions.length <= 64, 'matchConditions within the API limit');
      for (const condition of conditions) {
        t.ok(balanced(condition.expression), `${condition.name}: brackets and quotes balance`);
      }
      t.ok(
        conditions.some((condition) => condition.expression === NOT_BEING_DELETED),
        'objects being deleted are not sent: their finalizers can be removed while promgate is down',
      );
    });
  }

  const [mutateDaemonSets] = mutating.webhooks ?? [];
  t.equal(mutateDaemonSets?.reinvocationPolicy, 'IfNeeded');
  t.equal(mutateDaemonSets?.failurePolicy, 'Ignore', 'mutation fails open (docs/adr/001-failure-policies.md)');
  const byResource = (resource: string): V1ValidatingWebhook => {
    const found = validating.webhooks?.find((webhook) => webhook.rules?.[0]?.resources?.includes(resource));
    if (found === undefined) throw new Error(`no validating webhook for ${resource}`);
    return found;
  };
  const validateDaemonSets = byResource('daemonsets');
  const validateConfigMaps = byResource('configmaps');
  t.equal(validateDaemonSets.failurePolicy, 'Fail');
  t.equal(validateConfigMaps.failurePolicy, 'Fail');
  t.same(validateDaemonSets.rules, mutateDaemonSets?.rules, 'both DaemonSet webhooks see the same requests');
  t.same(validateDaemonSets.matchConditions, mutateDaemonSets?.matchConditions);
  t.same(validateDaemonSets.namespaceSelector, mutateDaemonSets?.namespaceSelector);
  t.same(validateConfigMaps.rules?.[0]?.apiGroups, ['']);
  t.same(validateConfigMaps.rules?.[0]?.apiVersions, ['v1']);
  t.same(mutateDaemonSets?.rules?.[0]?.apiGroups, ['apps']);
  t.same(mutateDaemonSets?.rules?.[0]?.apiVersions, ['v1']);

  t.test('selectors agree with the config', async (t) => {
    t.same(selectorMismatches(objects), [], 'everything the config judges is sent, and listable by the audit');
    t.same(renderedConfig(objects), defaults, 'judged against the shipped defaults');
    t.same(
      (mutateDaemonSets?.matchConditions ?? []).map((c) => c.expression),
      [NOT_BEING_DELETED, daemonSetMatchCondition(defaults.dcgmExporter.match)],
      'the DaemonSet condition is the one the default dcgmExporter.match implies',
    );
    t.same(
      (validateConfigMaps.matchConditions ?? []).map((c) => c.expression),
      [NOT_BEING_DELETED, configMapMatchCondition(defaults.prometheusConfig.keys)],
      'the ConfigMap condition is the one the default keys imply (and the ARMS label)',
    );
    const daemonSetCondition = (mutateDaemonSets?.matchConditions ?? []).map((c) => c.expression).join('\n');
    t.notMatch(daemonSetCondition, defaults.skipAnnotation, 'opted-out objects are still sent (audited, warned)');
  });
});

t.test('Deployment', async (t) => {
  const { deployment, pod, container } = promgateContainer(objects);
  t.equal(deployment.spec?.replicas, 2);
  t.equal(deployment.spec?.strategy?.rollingUpdate?.maxUnavailable, 0, 'rollouts keep both replicas serving');
  const podLabels = pod.metadata?.labels ?? {};
  for (const [key, value] of Object.entries(deployment.spec?.selector.matchLabels ?? {})) {
    t.equal(podLabels[key], value, `selector ${key} matches the pod template`);
  }
  const spec = pod.spec;
  if (spec === undefined) throw new Error('no pod spec');

  t.test('scheduling', async (t) => {
    const [antiAffinity] = spec.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    t.equal(antiAffinity?.podAffinityTerm.topologyKey, 'kubernetes.io/hostname');
    t.same(antiAffinity?.podAffinityTerm.labelSelector?.matchLabels, deployment.spec?.selector.matchLabels);
    t.equal(spec.topologySpreadConstraints?.[0]?.topologyKey, 'topology.kubernetes.io/zone');
    const priorityClass = findOne<V1PriorityClass>(objects, 'PriorityClass', spec.priorityClassName ?? '');
    t.ok(priorityClass.value < 1_000_000_000, 'below the system-* classes');
    t.equal(priorityClass.globalDefault, false);
    const pdb = findOne<V1PodDisruptionBudget>(objects, 'PodDisruptionBudget', 'promgate', 'promgate-system');
    t.equal(pdb.spec?.minAvailable, 1);
    t.same(pdb.spec?.selector?.matchLabels, deployment.spec?.selector.matchLabels);
  });

  t.test('security', async (t) => {
    t.equal(spec.securityContext?.runAsNonRoot, true);
    t.equal(spec.securityContext?.runAsUser, 10001);
    t.equal(spec.securityContext?.seccompProfile?.type, 'RuntimeDefault');
    const context = container.securityContext;
    t.equal(context?.runAsNonRoot, true);
    t.equal(context?.runAsUser, 10001);
    t.equal(context?.allowPrivilegeEscalation, false);
    t.equal(context?.readOnlyRootFilesystem, true);
    t.same(context?.capabilities?.drop, ['ALL']);
    t.equal(context?.capabilities?.add, undefined);
    t.equal(context?.privileged, undefined);
    t.equal(context?.seccompProfile?.type, 'RuntimeDefault');
    t.equal(spec.automountServiceAccountToken, true, 'the audit and the bootstrap need the API');
    t.equal(spec.serviceAccountName, 'promgate');
    t.equal(spec.hostNetwork, undefined);
    for (const resource of ['cpu', 'memory']) {
      t.ok(container.resources?.requests?.[resource], `requests ${resource}`);
      t.ok(container.resources?.limits?.[resource], `limits ${resource}`);
    }
  });

  t.test('command line, ports and probes', async (t) => {
    const args = container.args ?? [];
    t.same(
      args,
      [
        'serve',
        '--config',
        '/etc/promgate/config.yaml',
        '--port',
        '8443',
        '--metrics-port',
        '8080',
        '--bootstrap-certs',
        '--cert-dir',
        '/var/run/promgate/certs',
        '--audit-interval',
        '5m',
      ],
      'the command line the server implements',
    );
    t.equal(container.command, undefined, 'the image ENTRYPOINT runs node');
    const ports = Object.fromEntries((container.ports ?? []).map((port) => [port.name, port.containerPort]));
    t.same(ports, { https: Number(flagValue(args, '--port')), metrics: Number(flagValue(args, '--metrics-port')) });
    t.equal(container.livenessProbe?.httpGet?.path, '/healthz');
    t.equal(container.livenessProbe?.httpGet?.port, 'metrics');
    t.equal(container.readinessProbe?.httpGet?.path, '/readyz');
    t.equal(container.readinessProbe?.httpGet?.port, 'metrics');
    t.equal(container.startupProbe?.httpGet?.port, 'metrics');
    const namespaceEnv = container.env?.find((env) => env.name === 'POD_NAMESPACE');
    t.equal(namespaceEnv?.valueFrom?.fieldRef?.fieldPath, 'metadata.namespace', 'the bootstrap finds its namespace');
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    t.equal(container.image, `promgate:${pkg.version}`, 'image tag = package version');
  });

  t.test('volumes: read-only config, writable cert dir', async (t) => {
    const args = container.args ?? [];
    const mountAt = (path: string) => container.volumeMounts?.find((mount) => mount.mountPath === path);
    const volume = (name: string | undefined) => spec.volumes?.find((candidate) => candidate.name === name);
    const configMount = mountAt(flagValue(args, '--config') ?? '');
    t.equal(configMount?.readOnly, true);
    t.equal(volume(configMount?.name)?.configMap?.name, 'promgate-config');
    t.equal(configMount?.subPath, 'config.yaml');
    const certMount = mountAt(flagValue(args, '--cert-dir') ?? '');
    t.ok(volume(certMount?.name)?.emptyDir, 'the bootstrap writes certificates into an emptyDir');
    t.notOk(certMount?.readOnly);
  });

  t.test('graceful termination', async (t) => {
    const sleepSeconds = container.lifecycle?.preStop?.sleep?.seconds ?? 0;
    t.ok(sleepSeconds >= 5, 'preStop waits for the endpoint removal to spread');
    const longestTimeoutSeconds = Math.max(...webhooksOf(objects).map(({ webhook }) => webhook.timeoutSeconds ?? 10));
    t.ok(
      (spec.terminationGracePeriodSeconds ?? 30) > sleepSeconds + longestTimeoutSeconds,
      'grace period covers the preStop sleep and the longest in-flight review',
    );
  });

  t.test('Service', async (t) => {
    const service = findOne<V1Service>(objects, 'Service', 'promgate', 'promgate-system');
    t.same(service.spec?.selector, deployment.spec?.selector.matchLabels);
    const https = service.spec?.ports?.find((port) => port.name === 'https');
    t.equal(https?.port, 443);
    const containerPortNames = (container.ports ?? []).map((port) => port.name);
    for (const port of service.spec?.ports ?? []) {
      t.ok(
        containerPortNames.includes(String(port.targetPort)),
        `Service port ${port.name} targets a named container port`,
      );
    }
  });
});

t.test('RBAC is least privilege', async (t) => {
  const permissions = permissionsOf(objects, { namespace: 'promgate-system', name: 'promgate' });
  t.same(
    permissions,
    [
      'arms-prom: configmaps list',
      'arms-prom: configmaps watch',
      'cluster: admissionregistration.k8s.io/mutatingwebhookconfigurations get [promgate]',
      'cluster: admissionregistration.k8s.io/mutatingwebhookconfigurations patch [promgate]',
      'cluster: admissionregistration.k8s.io/validatingwebhookconfigurations get [promgate]',
      'cluster: admissionregistration.k8s.io/validatingwebhookconfigurations patch [promgate]',
      'cluster: apps/daemonsets list',
      'cluster: apps/daemonsets watch',
      'cluster: events.k8s.io/events create',
      'cluster: events.k8s.io/events patch',
      'promgate-system: secrets create',
      'promgate-system: secrets get [promgate-tls]',
      'promgate-system: secrets update [promgate-tls]',
    ],
    'exactly these permissions, nothing else',
  );
  for (const namespace of defaults.prometheusConfig.namespaces) {
    t.ok(
      permissions.includes(`${namespace}: configmaps list`),
      `ConfigMaps readable in watched namespace ${namespace}`,
    );
  }
});

t.test('promgate-config holds the SPEC §1 defaults, written out', async (t) => {
  t.same(renderedConfig(objects), defaults, 'loads, and equals the defaults');
  const configMap = findOne<V1ConfigMap>(objects, 'ConfigMap', 'promgate-config', 'promgate-system');
  const text = configMap.data?.['config.yaml'] ?? '';
  for (const key of [
    'enforcement',
    'starshipNodeLabel',
    'labels',
    'images',
    'namespaces',
    'keys',
    'prometheusVersion',
    'skipAnnotation',
    'optOut',
    'users',
    'groups',
    'excludedNamespaces',
  ]) {
    t.match(text, new RegExp(`^\\s*${key}:`, 'm'), `${key} is written out, not left to the default`);
  }
});
