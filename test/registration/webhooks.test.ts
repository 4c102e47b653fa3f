// The comparison of promgate's configuration with its webhook registrations: every object judged
// but never sent, every object sent but never judged, each named with the webhook and the fix.
import t from 'tap';
import { defaultConfig, type PromgateConfig } from '../../src/config/schema.js';
import {
  NOT_BEING_DELETED,
  configMapMatchCondition,
  daemonSetMatchCondition,
  parseConfigMapMatchCondition,
  parseDaemonSetMatchCondition,
} from '../../src/registration/match-conditions.js';
import { registrationMismatches, type RegisteredWebhook, type Registrations } from '../../src/registration/webhooks.js';

const config = defaultConfig();
const DELETION = { name: 'not-being-deleted', expression: NOT_BEING_DELETED };
const NAME_LABEL = 'kubernetes.io/metadata.name';
const notExcluded = {
  matchExpressions: [{ key: NAME_LABEL, operator: 'NotIn', values: ['promgate-system', 'kube-system'] }],
};

function daemonSetWebhook(name: string, path: string, condition = daemonSetMatchCondition(config.dcgmExporter.match)) {
  return {
    name,
    clientConfig: { service: { path } },
    rules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['daemonsets'] }],
    namespaceSelector: notExcluded,
    matchConditions: [DELETION, { name: 'pod-template-is-dcgm-exporter', expression: condition }],
  } satisfies RegisteredWebhook;
}

function configMapWebhook(): RegisteredWebhook {
  return {
    name: 'configmaps',
    clientConfig: { service: { path: '/validate' } },
    rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['configmaps'] }],
    namespaceSelector: {
      matchExpressions: [
        { key: NAME_LABEL, operator: 'In', values: ['arms-prom'] },
        { key: NAME_LABEL, operator: 'NotIn', values: ['promgate-system', 'kube-system'] },
      ],
    },
    matchConditions: [
      DELETION,
      { name: 'carries-prometheus-config', expression: configMapMatchCondition(config.prometheusConfig.keys) },
    ],
  };
}

function registrations(
  edit: (webhooks: { mutate: RegisteredWebhook; validate: RegisteredWebhook[] }) => void = () => {},
): Registrations {
  const webhooks = {
    mutate: daemonSetWebhook('mutate-daemonsets', '/mutate') as RegisteredWebhook,
    validate: [daemonSetWebhook('validate-daemonsets', '/validate') as RegisteredWebhook, configMapWebhook()],
  };
  edit(webhooks);
  return { MutatingWebhookConfiguration: [webhooks.mutate], ValidatingWebhookConfiguration: webhooks.validate };
}

const messages = (found: ReturnType<typeof registrationMismatches>): string[] =>
  found.map(({ where, message }) => `${where}: ${message}`);

t.test('the registration promgate writes for a configuration agrees with it', async (t) => {
  t.same(registrationMismatches(config, registrations(), 'promgate'), []);
  const custom: PromgateConfig = {
    ...config,
    dcgmExporter: { ...config.dcgmExporter, match: { labels: ['team=gpu'], images: ['dcgm-exporter', 'gpu-metrics'] } },
    prometheusConfig: { ...config.prometheusConfig, keys: ['scrape.yaml'] },
  };
  const written = registrations(({ mutate, validate }) => {
    const dcgm = daemonSetMatchCondition(custom.dcgmExporter.match);
    mutate.matchConditions = [DELETION, { name: 'c', expression: dcgm }];
    validate[0]!.matchConditions = [DELETION, { name: 'c', expression: dcgm }];
    validate[1]!.matchConditions = [DELETION, { name: 'c', expression: configMapMatchCondition(['scrape.yaml']) }];
  });
  t.same(registrationMismatches(custom, written, 'promgate'), []);
});

t.test('the conditions read back what they were written from; layout does not matter', async (t) => {
  const match = { labels: ['app=dcgm-exporter', 'tier='], images: ['dcgm-exporter'] };
  t.same(parseDaemonSetMatchCondition(daemonSetMatchCondition(match)), match);
  t.same(parseDaemonSetMatchCondition(daemonSetMatchCondition(match).replaceAll('\n', '\n      ')), match);
  t.same(parseDaemonSetMatchCondition(daemonSetMatchCondition({ labels: [], images: [] })), { labels: [], images: [] });
  t.same(parseConfigMapMatchCondition(configMapMatchCondition(['promYaml'])), ['promYaml']);
  t.equal(parseDaemonSetMatchCondition("object.spec.template.metadata.labels['app'] == 'dcgm'"), undefined);
  const lopsided = daemonSetMatchCondition(match).replace(
    "in ['dcgm-exporter']))))",
    "in ['dcgm-exporter', 'other']))))",
  );
  t.equal(parseDaemonSetMatchCondition(lopsided), undefined, 'two different image lists are no shape promgate writes');
});

t.test(
  'the condition of earlier releases sends images promgate never judges: promgate says it cannot tell',
  async (t) => {
    const mentionsDcgm =
      "(has(object.spec.template.spec.containers) && object.spec.template.spec.containers.exists(c, has(c.image) && c.image.lowerAscii().contains('dcgm')))";
    const found = messages(
      registrationMismatches(
        config,
        registrations(
          ({ mutate }) =>
            (mutate.matchConditions = [DELETION, { name: 'pod-template-mentions-dcgm', expression: mentionsDcgm }]),
        ),
        'promgate',
      ),
    );
    t.equal(found.length, 1);
    t.match(
      found[0],
      /^MutatingWebhookConfiguration promgate webhook mutate-daemonsets: its matchCondition pod-template-mentions-dcgm is not the one promgate's configuration implies, so promgate cannot tell what it sends; expected: has\(object\.spec\)/,
    );
  },
);

t.test('entries in one list and not the other, both ways', async (t) => {
  const narrower = { labels: ['app=dcgm-exporter'], images: ['dcgm-exporter', 'nvidia-dcgm-exporter'] };
  const found = messages(
    registrationMismatches(
      config,
      registrations(({ validate }) => {
        validate[0]!.matchConditions = [DELETION, { name: 'c', expression: daemonSetMatchCondition(narrower) }];
        validate[1]!.matchConditions = [
          DELETION,
          { name: 'k', expression: configMapMatchCondition(['promYaml', 'other.yml']) },
        ];
      }),
      'promgate',
    ),
  );
  const daemonSets = 'ValidatingWebhookConfiguration promgate webhook validate-daemonsets: ';
  const configMaps = 'ValidatingWebhookConfiguration promgate webhook configmaps: ';
  t.same(found, [
    `${daemonSets}dcgmExporter.match.labels has app.kubernetes.io/name=dcgm-exporter, but its matchCondition c never sends DaemonSets labelled app.kubernetes.io/name=dcgm-exporter: promgate never judges them`,
    `${daemonSets}dcgmExporter.match.labels has app=nvidia-dcgm-exporter, but its matchCondition c never sends DaemonSets labelled app=nvidia-dcgm-exporter: promgate never judges them`,
    `${daemonSets}dcgmExporter.match.labels has k8s-app=dcgm-exporter, but its matchCondition c never sends DaemonSets labelled k8s-app=dcgm-exporter: promgate never judges them`,
    `${daemonSets}its matchCondition c sends DaemonSets running nvidia-dcgm-exporter, which dcgmExporter.match.images does not have: promgate allows them unjudged`,
    `${configMaps}prometheusConfig.keys has prometheus.yaml, but its matchCondition k never sends ConfigMaps with key prometheus.yaml: promgate never judges them`,
    `${configMaps}prometheusConfig.keys has prometheus.yml, but its matchCondition k never sends ConfigMaps with key prometheus.yml: promgate never judges them`,
    `${configMaps}its matchCondition k sends ConfigMaps with key other.yml, which prometheusConfig.keys does not have: promgate allows them unjudged`,
  ]);
});

t.test('namespaces: judged but not sent, excluded but sent, sent but not judged', async (t) => {
  const withNamespaces: PromgateConfig = {
    ...config,
    prometheusConfig: { ...config.prometheusConfig, namespaces: ['arms-prom', 'team-prom'] },
  };
  t.same(messages(registrationMismatches(withNamespaces, registrations(), 'promgate')), [
    'ValidatingWebhookConfiguration promgate webhook configmaps: prometheusConfig.namespaces has team-prom, but its namespaceSelector never sends ConfigMaps from there: add team-prom to its kubernetes.io/metadata.name In list',
  ]);

  const everywhere = messages(
    registrationMismatches(
      config,
      registrations(({ mutate, validate }) => {
        delete mutate.namespaceSelector;
        validate[1]!.namespaceSelector = {
          matchExpressions: [{ key: NAME_LABEL, operator: 'NotIn', values: ['kube-system'] }],
        };
      }),
      'promgate',
    ),
  );
  t.same(everywhere, [
    'MutatingWebhookConfiguration promgate webhook mutate-daemonsets: it sends daemonsets from promgate-system, which excludedNamespaces says promgate never sees (check and audit report them as not admitted through promgate)',
    'MutatingWebhookConfiguration promgate webhook mutate-daemonsets: it sends daemonsets from kube-system, which excludedNamespaces says promgate never sees (check and audit report them as not admitted through promgate)',
    'ValidatingWebhookConfiguration promgate webhook configmaps: it sends configmaps from promgate-system, which excludedNamespaces says promgate never sees (check and audit report them as not admitted through promgate)',
    'ValidatingWebhookConfiguration promgate webhook configmaps: it sends ConfigMaps from namespaces outside prometheusConfig.namespaces, which promgate allows unjudged (and blocks when it is down): select kubernetes.io/metadata.name In [arms-prom]',
  ]);

  const someOnly = messages(
    registrationMismatches(
      config,
      registrations(({ mutate }) => {
        mutate.namespaceSelector = { matchLabels: { [NAME_LABEL]: 'gpu' } };
      }),
      'promgate',
    ),
  );
  t.match(someOnly, [/mutate-daemonsets: its namespaceSelector sends DaemonSets from some namespaces only/]);

  const otherLabel = messages(
    registrationMismatches(
      config,
      registrations(({ mutate }) => {
        mutate.namespaceSelector = { matchLabels: { team: 'gpu' } };
      }),
      'promgate',
    ),
  );
  t.match(otherLabel, [/reads namespace labels other than kubernetes\.io\/metadata\.name: promgate cannot tell/]);
});

t.test('rules, paths, selectors and conditions that keep objects away, or send too many', async (t) => {
  const found = messages(
    registrationMismatches(
      config,
      registrations(({ mutate, validate }) => {
        mutate.rules = [{ apiGroups: ['apps'], apiVersions: ['*'], operations: ['CREATE'], resources: ['daemonsets'] }];
        mutate.clientConfig = { url: 'https://promgate.example:8443/validate' };
        mutate.objectSelector = { matchLabels: { team: 'gpu' } };
        delete validate[0]!.matchConditions;
      }),
      'promgate',
    ),
  );
  t.match(found, [
    /mutate-daemonsets: its rules never send UPDATE of daemonsets, which promgate judges$/,
    /mutate-daemonsets: it calls \/validate, not \/mutate$/,
    /mutate-daemonsets: its objectSelector keeps some dcgm-exporter DaemonSets from promgate: remove it$/,
    /validate-daemonsets: it sends daemonsets being deleted, which promgate allows unjudged \(and blocks their finalizers while it is down\): add the matchCondition !has\(object\.metadata\.deletionTimestamp\)$/,
    /validate-daemonsets: it has no matchConditions of dcgm-exporter DaemonSets: it sends every daemonset, and promgate judges only dcgm-exporter DaemonSets/,
  ]);
});

t.test('configurations missing, webhooks missing, and webhooks for a policy that is off', async (t) => {
  t.same(
    messages(
      registrationMismatches(
        config,
        {
          MutatingWebhookConfiguration: undefined,
          ValidatingWebhookConfiguration: registrations().ValidatingWebhookConfiguration,
        },
        'promgate',
      ),
    ),
    ['MutatingWebhookConfiguration promgate: not found: the API server sends promgate nothing through it'],
  );
  t.same(
    messages(
      registrationMismatches(
        config,
        registrations(({ validate }) => validate.splice(1, 1)),
        'promgate',
      ),
    ),
    [
      'ValidatingWebhookConfiguration promgate: no webhook sends configmaps to /validate, so promgate never judges Prometheus ConfigMaps',
    ],
  );
  const off: PromgateConfig = { ...config, prometheusConfig: { ...config.prometheusConfig, enforcement: 'off' } };
  t.match(messages(registrationMismatches(off, registrations(), 'promgate')), [
    /configmaps: it sends configmaps, but prometheusConfig\.enforcement is off: promgate allows them unjudged/,
  ]);
});
