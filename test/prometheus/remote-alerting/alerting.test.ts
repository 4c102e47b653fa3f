// alerting, storage, tracing and runtime: accepted and rejected cases per rule of Prometheus's
// config package (and promtool's static Alertmanager target check), per release where they changed.
import t from 'tap';
import { checkPrometheusConfig } from '../../../src/prometheus/index.js';
import { item, judge } from './judge.js';

/** One Alertmanager config under `alerting.alertmanagers`. */
const am = (body: string): string => `alerting:\n${item('  alertmanagers', body)}`;

t.test('alerting', async (t) =>
  judge(t, [
    { name: 'empty section', yaml: 'alerting:\n', errors: [] },
    {
      name: 'relabelling and two alertmanagers',
      yaml: [
        'alerting:',
        '  alert_relabel_configs:',
        '    - action: labeldrop',
        '      regex: replica',
        '  alertmanagers:',
        '    - scheme: https',
        '      path_prefix: /am',
        '      timeout: 5s',
        '      api_version: v1',
        '      basic_auth: {username: u, password: p}',
        '      static_configs:',
        '        - targets: [am-0:9093, am-1:9093]',
        '          labels: {cluster: a}',
        '    - file_sd_configs:',
        '        - files: [am/*.json]',
        '      dns_sd_configs:',
        '        - names: [_alertmanager._tcp.example.org]',
      ].join('\n'),
      errors: [],
    },
    {
      name: 'typo in alerting',
      yaml: 'alerting:\n  alertmanager: []\n',
      errors: ['field alertmanager not found in type config.plain'],
    },
    {
      name: 'null alert relabel rule',
      yaml: 'alerting:\n  alert_relabel_configs:\n    -\n',
      errors: ['empty or null alert relabeling rule'],
    },
    {
      name: 'alert relabel rule',
      yaml: 'alerting:\n  alert_relabel_configs:\n    - action: keep\n      regex: "(?=x)"\n',
      errors: ['error parsing regexp'],
    },
    {
      name: 'null alertmanager',
      yaml: 'alerting:\n  alertmanagers:\n    -\n',
      errors: ['empty or null Alertmanager config'],
    },
    {
      name: 'typo in alertmanager',
      yaml: am('schema: https'),
      errors: ['field schema not found in type config.AlertmanagerConfig'],
    },
    {
      name: 'api v3',
      yaml: am('api_version: v3'),
      errors: ['expected Alertmanager api version to be one of [v1 v2] but got v3'],
    },
    { name: 'bad timeout', yaml: am('timeout: 10'), errors: ['not a valid duration string: "10"'] },
    {
      name: 'null target relabel rule',
      yaml: am('relabel_configs: [null]'),
      errors: ['empty or null Alertmanager target relabeling rule'],
    },
    {
      name: 'HTTP client rules apply',
      yaml: am('bearer_token: a\nbasic_auth: {username: u}'),
      errors: ['at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured'],
    },
    {
      name: 'sigv4 at 2.47',
      version: '2.47',
      yaml: am('sigv4: {region: eu-west-1}'),
      errors: ['sigv4 was added in Prometheus 2.48'],
    },
    { name: 'sigv4 at 2.48', version: '2.48', yaml: am('sigv4: {region: eu-west-1}'), errors: [] },
    {
      name: 'sigv4 with oauth2',
      yaml: am('sigv4: {}\noauth2: {client_id: c, client_secret: s, token_url: http://t}'),
      errors: ['at most one of basic_auth, authorization, oauth2, & sigv4 must be configured'],
    },
    {
      name: 'a hashmod rule without modulus is refused, not applied to the static targets (oracle:fuzz found a crash)',
      yaml: am(
        'relabel_configs: [{source_labels: [a], target_label: b, action: hashmod}]\nstatic_configs: [{targets: ["a:1"]}]',
      ),
      errors: ['relabel configuration for hashmod requires non-zero modulus'],
    },
    {
      name: 'sigv4 with a bearer token',
      yaml: am('sigv4: {}\nbearer_token: t'),
      errors: ['at most one of basic_auth, authorization, oauth2, & sigv4 must be configured'],
    },
    {
      name: 'alert_relabel_configs per alertmanager at 2.50',
      version: '2.50',
      yaml: am('alert_relabel_configs: []'),
      errors: ['alert_relabel_configs was added in Prometheus 2.51'],
    },
    {
      name: 'alert_relabel_configs per alertmanager at 2.51',
      version: '2.51',
      yaml: am('alert_relabel_configs:\n  - action: drop\n    source_labels: [severity]\n    regex: info'),
      errors: [],
    },
    {
      name: 'null alert relabel rule per alertmanager',
      yaml: am('alert_relabel_configs: [~]'),
      errors: ['empty or null Alertmanager alert relabeling rule'],
    },
    {
      name: 'unknown SD',
      yaml: am('foo_sd_configs: []'),
      errors: ['field foo_sd_configs not found in type config.AlertmanagerConfig'],
    },
    { name: 'null SD item', yaml: am('file_sd_configs: [~]'), errors: ['empty or null section in file_sd_configs'] },
  ]),
);

t.test('alerting: static Alertmanager targets', async (t) =>
  judge(t, [
    {
      name: 'URL as a target',
      yaml: am('static_configs:\n  - targets: ["http://am:9093"]'),
      errors: ['"http://am:9093" is not a valid hostname'],
    },
    {
      name: 'relabelled into a host:port',
      yaml: am(
        'static_configs:\n  - targets: ["am/0"]\nrelabel_configs:\n  - source_labels: [__address__]\n    regex: (.*)/(.*)\n    replacement: $1-$2:9093\n    target_label: __address__',
      ),
      errors: [],
    },
    {
      name: 'relabelled into a URL (promtool)',
      yaml: am(
        'static_configs:\n  - targets: ["am:9093"]\nrelabel_configs:\n  - source_labels: [__alerts_path__]\n    regex: (.*)\n    replacement: am${1}\n    target_label: __address__',
      ),
      errors: ['"am/api/v2/alerts" is not a valid hostname'],
    },
    {
      name: 'path prefix and api version in __alerts_path__',
      yaml: am(
        'path_prefix: /x/../y/\napi_version: v1\nstatic_configs:\n  - targets: ["am:9093"]\nrelabel_configs:\n  - source_labels: [__alerts_path__]\n    regex: /y/api/v1/alerts\n    action: drop',
      ),
      errors: [],
    },
    {
      name: 'dropped targets are not checked',
      yaml: am(
        'static_configs:\n  - targets: ["http://am:9093"]\nrelabel_configs:\n  - source_labels: [__address__]\n    regex: http.*\n    action: drop',
      ),
      errors: [],
    },
  ]),
);

t.test('storage', async (t) =>
  judge(t, [
    {
      name: 'tsdb and exemplars',
      yaml: 'storage:\n  tsdb:\n    out_of_order_time_window: 30m\n  exemplars:\n    max_exemplars: 500000\n',
      errors: [],
    },
    {
      name: 'negative max_exemplars disables them',
      yaml: 'storage:\n  exemplars:\n    max_exemplars: -1\n',
      errors: [],
    },
    {
      name: 'typo in storage',
      yaml: 'storage:\n  tsbd: {}\n',
      errors: ['field tsbd not found in type config.StorageConfig'],
    },
    {
      name: 'typo in tsdb',
      yaml: 'storage:\n  tsdb:\n    out_of_order_window: 1h\n',
      errors: ['field out_of_order_window not found in type config.plain'],
    },
    {
      name: 'typo in exemplars',
      yaml: 'storage:\n  exemplars:\n    max: 1\n',
      errors: ['field max not found in type config.ExemplarsConfig'],
    },
    {
      name: 'bad window',
      yaml: 'storage:\n  tsdb:\n    out_of_order_time_window: 1.5h\n',
      errors: ['unknown unit "." in duration "1.5h"'],
    },
    {
      name: 'max_exemplars not an int',
      yaml: 'storage:\n  exemplars:\n    max_exemplars: many\n',
      errors: ['cannot unmarshal !!str `many` into int64'],
    },
  ]),
);

t.test('tracing', async (t) =>
  judge(t, [
    {
      name: 'every field',
      yaml: 'tracing:\n  client_type: http\n  endpoint: otel:4318\n  sampling_fraction: 0.1\n  insecure: true\n  headers: {X-Tenant: a}\n  compression: gzip\n  timeout: 5s\n  tls_config: {insecure_skip_verify: true}\n',
      errors: [],
    },
    { name: 'null section leaves tracing off', yaml: 'tracing:\n', errors: [] },
    { name: 'empty section needs an endpoint', yaml: 'tracing: {}\n', errors: ['tracing endpoint must be set'] },
    {
      name: 'client type',
      yaml: 'tracing:\n  endpoint: a:1\n  client_type: thrift\n',
      errors: ['expected tracing client type to be to be http or grpc, but got thrift'],
    },
    {
      name: 'compression',
      yaml: 'tracing:\n  endpoint: a:1\n  compression: zstd\n',
      errors: ['invalid compression type zstd provided, valid options: gzip'],
    },
    {
      name: 'authorization header',
      yaml: 'tracing:\n  endpoint: a:1\n  headers: {Authorization: x}\n',
      errors: ['custom authorization header configuration is not yet supported'],
    },
    {
      name: 'sampling fraction not a number',
      yaml: 'tracing:\n  endpoint: a:1\n  sampling_fraction: half\n',
      errors: ['cannot unmarshal !!str `half` into float64'],
    },
    { name: 'typo', yaml: 'tracing:\n  endpiont: a:1\n', errors: ['field endpiont not found in type config.plain'] },
    {
      name: 'TLS rules apply',
      yaml: 'tracing:\n  endpoint: a:1\n  tls_config: {cert_file: c}\n',
      errors: ['exactly one of key or key_file must be configured when a client certificate is configured'],
    },
  ]),
);

t.test('runtime (2.53)', async (t) =>
  judge(t, [
    {
      name: 'at 2.52',
      version: '2.52',
      yaml: 'runtime:\n  gogc: 50\n',
      errors: ['runtime was added in Prometheus 2.53'],
    },
    { name: 'gogc', yaml: 'runtime:\n  gogc: 50\n', errors: [] },
    { name: 'gogc off is an integer', yaml: 'runtime:\n  gogc: -1\n', errors: [] },
    { name: 'gogc not an int', yaml: 'runtime:\n  gogc: off\n', errors: ['cannot unmarshal !!bool `off` into int'] },
    { name: 'typo', yaml: 'runtime:\n  go_gc: 50\n', errors: ['field go_gc not found in type config.RuntimeConfig'] },
  ]),
);

t.test('positions', async (t) => {
  const yaml =
    'alerting:\n  alertmanagers:\n    - api_version: v3\n    - static_configs:\n        - targets: ["http://x"]\ntracing:\n  compression: lz4\n  endpoint: a:1\n';
  const { errors } = checkPrometheusConfig(yaml, { prometheusVersion: '2.42' });
  t.same(
    errors.map((error) => [error.line, error.col, error.path]),
    [
      [3, 20, 'alerting.alertmanagers[0].api_version'],
      [5, 20, 'alerting.alertmanagers[1].static_configs[0].targets'],
      [7, 16, 'tracing.compression'],
    ],
  );
});
