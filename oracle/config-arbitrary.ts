// fast-check arbitraries of prometheus.yml documents that start out valid: a global section, scrape
// jobs with HTTP client settings, relabelling of every action, static targets and service
// discoveries, remote write/read, alerting, storage and tracing. Written from Prometheus's
// configuration documentation, not from promgate's schema, so that the two can disagree.
// Some fields are newer than the oldest releases judged: at those releases the document is
// invalid for promtool too, which is still a comparison.
import fc from 'fast-check';
import { map, raw, seq, str, type YamlMap, type YamlTree } from './yaml-tree.js';

/** Present `present` times for `absent` times absent; shrinks to absent. */
const optional = <T>(arb: fc.Arbitrary<T>, present = 1, absent = 1): fc.Arbitrary<T | undefined> =>
  fc.oneof(
    { withCrossShrink: true },
    { weight: absent, arbitrary: fc.constant(undefined) },
    { weight: present, arbitrary: arb },
  );

/** Fields a section may carry, each present now and then: many came in a later release, so at
 *  older releases they exercise the "field not found" side of the version gates. */
const rareFields = (fields: Record<string, fc.Arbitrary<YamlTree>>): fc.Arbitrary<[string, YamlTree | undefined][]> =>
  fc
    .record(Object.fromEntries(Object.entries(fields).map(([name, arb]) => [name, optional(arb, 1, 8)])))
    .map((record) => Object.entries(record));

const scrapeProtocols = fc
  .uniqueArray(
    fc.constantFrom('PrometheusProto', 'OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText0.0.4'),
    { minLength: 1, maxLength: 3 },
  )
  .map((protocols) => seq(protocols.map(str)));

const word = fc.constantFrom('app', 'env', 'team', 'zone', 'instance', 'job', 'pod', 'node', '__meta_x', 'a_b');
const labelName = word.map(str);
const labelValue = fc.constantFrom('prod', 'x', '', 'a b', 'µ', '9', 'true', '$1').map(str);
const durationText = fc.constantFrom('5s', '10s', '15s', '30s', '1m', '2m', '1h', '1m30s', '500ms', '1d');
const shortDuration = fc.constantFrom('1s', '5s', '10s');
const duration = durationText.map(str);
const host = fc.constantFrom('localhost', 'example.org', 'prom-0.svc', '10.0.0.1', '[::1]');
const port = fc.constantFrom('9090', '9100', '80', '443', '8080');
const target = fc.tuple(host, port).map(([h, p]) => str(`${h}:${p}`));
const httpUrl = fc
  .tuple(fc.constantFrom('http', 'https'), host, fc.constantFrom('', '/api/v1/write', '/path?x=1'))
  .map(([scheme, h, path]) => str(`${scheme}://${h}${path}`));
const bool = fc.constantFrom('true', 'false').map(raw);
const smallInt = fc.constantFrom('0', '1', '5', '100', '10000').map(raw);
const regex = fc.constantFrom('(.*)', 'foo|bar', '[a-z]+', '(.+):(\\d+)', 'api_.*', '.*').map(str);
const file = fc.constantFrom('/etc/prometheus/x.pem', 'secret.txt', 'certs/ca.crt').map(str);

const labels = fc
  .uniqueArray(fc.tuple(word, labelValue), { maxLength: 3, selector: ([name]) => name })
  .map((pairs) => map(pairs.map(([name, value]) => [name, value])));

const tlsConfig = fc
  .record({
    ca_file: optional(file),
    insecure_skip_verify: optional(bool),
    server_name: optional(host.map(str)),
    min_version: optional(fc.constantFrom('TLS12', 'TLS13').map(str)),
  })
  .map((fields) => map(Object.entries(fields)));

const basicAuth = fc
  .record({ username: fc.constantFrom('user', 'admin').map(str), password: optional(fc.constant(str('pw'))) })
  .map((fields) => map(Object.entries(fields)));

const authorization = fc
  .record({ type: optional(fc.constantFrom('Bearer', 'Basic').map(str)), credentials: fc.constant(str('token')) })
  .map((fields) => map(Object.entries(fields)));

const oauth2 = fc
  .record({
    client_id: fc.constant(str('id')),
    client_secret: fc.constant(str('secret')),
    token_url: httpUrl,
    scopes: optional(fc.constant(seq([str('read')]))),
  })
  .map((fields) => map(Object.entries(fields)));

/** Prometheus's HTTP client settings, at most one way of authenticating. */
const httpClientEntries: fc.Arbitrary<[string, YamlTree | undefined][]> = fc
  .record({
    auth: fc.oneof(
      { weight: 3, arbitrary: fc.constant<[string, YamlTree | undefined]>(['basic_auth', undefined]) },
      basicAuth.map((v): [string, YamlTree] => ['basic_auth', v]),
      authorization.map((v): [string, YamlTree] => ['authorization', v]),
      oauth2.map((v): [string, YamlTree] => ['oauth2', v]),
      fc.constant<[string, YamlTree]>(['bearer_token', str('token')]),
    ),
    tls_config: optional(tlsConfig),
    proxy_url: optional(httpUrl, 1, 3),
    follow_redirects: optional(bool),
    enable_http2: optional(bool),
  })
  .map(({ auth, ...rest }) => [auth, ...Object.entries(rest)]);

const sourceLabels = fc.array(labelName, { minLength: 1, maxLength: 2 }).map(seq);

/** One valid rule per relabel action, fields as relabel.Config.Validate wants them. */
const relabelRule: fc.Arbitrary<YamlTree> = fc.oneof(
  fc
    .record({
      source_labels: optional(sourceLabels, 3),
      separator: optional(fc.constantFrom(';', ',', '').map(str)),
      regex: optional(regex),
      target_label: labelName,
      replacement: optional(fc.constantFrom('$1', '${1}:80', 'x', '').map(str)),
      action: optional(fc.constant(str('replace'))),
    })
    .map((fields) => map(Object.entries(fields))),
  fc
    .record({
      source_labels: sourceLabels,
      regex: optional(regex, 3),
      action: fc.constantFrom('keep', 'drop').map(str),
    })
    .map((fields) => map(Object.entries(fields))),
  fc
    .record({
      source_labels: sourceLabels,
      modulus: fc.constantFrom('1', '4', '16').map(raw),
      target_label: labelName,
      action: fc.constant(str('hashmod')),
    })
    .map((fields) => map(Object.entries(fields))),
  fc
    .record({
      regex: fc.constantFrom('__meta_kubernetes_pod_label_(.+)', '(.*)').map(str),
      replacement: optional(fc.constantFrom('$1', 'k_$1').map(str)),
      action: fc.constant(str('labelmap')),
    })
    .map((fields) => map(Object.entries(fields))),
  fc
    .record({ regex: regex, action: fc.constantFrom('labeldrop', 'labelkeep').map(str) })
    .map((fields) => map(Object.entries(fields))),
  fc
    .record({
      source_labels: sourceLabels,
      target_label: labelName,
      action: fc.constantFrom('lowercase', 'uppercase', 'keepequal', 'dropequal').map(str),
    })
    .map((fields) => map(Object.entries(fields))),
);

const relabelRules = fc.array(relabelRule, { maxLength: 3 }).map(seq);

const staticConfig = fc
  .record({ targets: fc.array(target, { minLength: 1, maxLength: 3 }).map(seq), labels: optional(labels) })
  .map((fields) => map(Object.entries(fields)));

const sdBlock = (
  name: string,
  fields: Record<string, fc.Arbitrary<YamlTree | undefined>>,
): fc.Arbitrary<[string, YamlTree]> =>
  fc.record(fields).map((block): [string, YamlTree] => [`${name}_sd_configs`, seq([map(Object.entries(block))])]);

/** A sample of service discoveries, each with its usual fields. */
const serviceDiscovery: fc.Arbitrary<[string, YamlTree]> = fc.oneof(
  sdBlock('kubernetes', {
    role: fc.constantFrom('pod', 'node', 'service', 'endpoints', 'endpointslice', 'ingress').map(str),
    namespaces: optional(fc.constant(map([['names', seq([str('default')])]]))),
    api_server: optional(httpUrl, 1, 3),
  }),
  sdBlock('file', {
    files: fc.constantFrom('targets/*.json', 'a.yml', 'dir/*.yaml').map((f) => seq([str(f)])),
    refresh_interval: optional(duration),
  }),
  sdBlock('dns', {
    names: fc.constant(seq([str('_prometheus._tcp.example.org')])),
    type: optional(fc.constantFrom('SRV', 'A', 'AAAA', 'MX', 'NS').map(str)),
    port: optional(port.map(raw)),
    refresh_interval: optional(duration),
  }),
  sdBlock('consul', {
    server: optional(fc.constant(str('localhost:8500'))),
    services: optional(fc.constant(seq([str('web')]))),
    tags: optional(fc.constant(seq([str('prod')]))),
  }),
  sdBlock('ec2', {
    region: optional(fc.constantFrom('us-east-1', 'eu-west-1').map(str)),
    port: optional(port.map(raw)),
    filters: optional(
      fc.constant(
        seq([
          map([
            ['name', str('tag:env')],
            ['values', seq([str('prod')])],
          ]),
        ]),
      ),
    ),
  }),
  sdBlock('http', { url: httpUrl, refresh_interval: optional(duration) }),
  sdBlock('gce', {
    project: fc.constant(str('p')),
    zone: fc.constant(str('europe-west1-b')),
    port: optional(port.map(raw)),
  }),
  sdBlock('docker', { host: fc.constant(str('unix:///var/run/docker.sock')), port: optional(port.map(raw)) }),
  sdBlock('dockerswarm', {
    host: fc.constant(str('unix:///var/run/docker.sock')),
    role: fc.constantFrom('services', 'tasks', 'nodes').map(str),
  }),
  sdBlock('eureka', { server: httpUrl }),
  sdBlock('marathon', { servers: fc.constant(seq([str('http://marathon:8080')])) }),
  sdBlock('hetzner', { role: fc.constantFrom('hcloud', 'robot').map(str) }),
  sdBlock('digitalocean', { port: optional(port.map(raw)) }),
  sdBlock('linode', { region: optional(fc.constant(str('us-east'))) }),
  sdBlock('serverset', { servers: fc.constant(seq([str('zk:2181')])), paths: fc.constant(seq([str('/s')])) }),
  sdBlock('puppetdb', { url: httpUrl, query: fc.constant(str('resources { type = "Class" }')) }),
  sdBlock('azure', {
    subscription_id: fc.constant(str('11111111-1111-1111-1111-111111111111')),
    authentication_method: optional(fc.constantFrom('OAuth', 'ManagedIdentity').map(str)),
  }),
  sdBlock('openstack', {
    role: fc.constantFrom('hypervisor', 'instance').map(str),
    region: fc.constant(str('RegionOne')),
  }),
);

/** A scrape job without its job_name, which the config gives by position. */
const scrapeJob: fc.Arbitrary<YamlMap> = fc
  .record({
    interval: optional(fc.tuple(durationText, shortDuration), 3),
    metrics_path: optional(fc.constantFrom('/metrics', '/federate', 'metrics').map(str)),
    scheme: optional(fc.constantFrom('http', 'https').map(str)),
    honor_labels: optional(bool),
    honor_timestamps: optional(bool),
    params: optional(fc.constant(map([['match[]', seq([str('{job="x"}')])]]))),
    sample_limit: optional(smallInt),
    label_limit: optional(smallInt),
    body_size_limit: optional(fc.constantFrom('10MB', '1KiB', '0').map(str)),
    http: httpClientEntries,
    relabel_configs: optional(relabelRules, 3),
    metric_relabel_configs: optional(relabelRules),
    static_configs: optional(fc.array(staticConfig, { minLength: 1, maxLength: 2 }).map(seq), 3),
    discovery: fc.array(serviceDiscovery, { maxLength: 2 }),
  })
  .map(({ interval, http, discovery, ...fields }) =>
    map([
      ['scrape_interval', interval && str(interval[0])],
      ['scrape_timeout', interval && str(interval[1])],
      ...Object.entries(fields),
      ...http,
      // One block per discovery kind: a repeated key is a mutation's business, not the base's.
      ...discovery.filter(([name], at) => discovery.findIndex(([other]) => other === name) === at),
    ]),
  );

const globalSection = fc
  .record({
    interval: optional(fc.tuple(durationText, shortDuration), 3),
    evaluation_interval: optional(duration),
    external_labels: optional(labels),
    query_log_file: optional(fc.constant(str('query.log'))),
    newer: rareFields({
      scrape_protocols: scrapeProtocols,
      rule_query_offset: duration,
      body_size_limit: fc.constantFrom('10MB', '1KiB', '0').map(str),
      sample_limit: smallInt,
      target_limit: smallInt,
      label_limit: smallInt,
      keep_dropped_targets: smallInt,
      metric_name_validation_scheme: fc.constantFrom('utf8', 'legacy').map(str),
      scrape_failure_log_file: fc.constant(str('failures.log')),
    }),
  })
  .map(({ interval, newer, ...fields }) =>
    map([
      ['scrape_interval', interval && str(interval[0])],
      ['scrape_timeout', interval && str(interval[1])],
      ...Object.entries(fields),
      ...newer,
    ]),
  );

const remoteWrite = fc
  .record({
    url: httpUrl,
    name: optional(fc.constantFrom('a', 'b').map(str)),
    remote_timeout: optional(duration),
    headers: optional(fc.constant(map([['X-Scope-OrgID', str('tenant')]]))),
    write_relabel_configs: optional(relabelRules),
    queue_config: optional(
      fc
        .record({
          capacity: optional(smallInt),
          max_shards: optional(smallInt),
          batch_send_deadline: optional(duration),
        })
        .map((fields) => map(Object.entries(fields))),
    ),
    metadata_config: optional(
      fc
        .record({ send: optional(bool), send_interval: optional(duration) })
        .map((fields) => map(Object.entries(fields))),
    ),
    http: httpClientEntries,
    newer: rareFields({
      send_exemplars: bool,
      send_native_histograms: bool,
      protobuf_message: fc.constantFrom('prometheus.WriteRequest', 'io.prometheus.write.v2.Request').map(str),
      sigv4: fc.constant(map([['region', str('us-east-1')]])),
      azuread: fc.constant(
        map([['managed_identity', map([['client_id', str('00000000-0000-0000-0000-000000000000')]])]]),
      ),
    }),
  })
  .map(({ http, newer, ...fields }) => map([...Object.entries(fields), ...newer, ...http]));

const remoteRead = fc
  .record({
    url: httpUrl,
    read_recent: optional(bool),
    required_matchers: optional(fc.constant(map([['job', str('x')]]))),
  })
  .map((fields) => map(Object.entries(fields)));

const alerting = fc
  .record({
    alert_relabel_configs: optional(relabelRules),
    alertmanagers: fc
      .array(
        fc
          .record({
            scheme: optional(fc.constantFrom('http', 'https').map(str)),
            path_prefix: optional(fc.constant(str('/am'))),
            timeout: optional(duration),
            api_version: optional(fc.constantFrom('v1', 'v2').map(str)),
            static_configs: fc.array(staticConfig, { minLength: 1, maxLength: 1 }).map(seq),
            newer: rareFields({
              sigv4: fc.constant(map([['region', str('us-east-1')]])),
              alert_relabel_configs: relabelRules,
              relabel_configs: relabelRules,
            }),
          })
          .map(({ newer, ...fields }) => map([...Object.entries(fields), ...newer])),
        { minLength: 1, maxLength: 2 },
      )
      .map(seq),
  })
  .map((fields) => map(Object.entries(fields)));

const storage = fc
  .record({
    tsdb: optional(fc.constant(map([['out_of_order_time_window', str('10m')]]))),
    exemplars: optional(fc.constant(map([['max_exemplars', raw('1000')]]))),
  })
  .map((fields) => map(Object.entries(fields)));

const tracing = fc
  .record({
    endpoint: fc.constant(str('localhost:4317')),
    client_type: optional(fc.constantFrom('grpc', 'http').map(str)),
    sampling_fraction: optional(fc.constantFrom('0', '0.5', '1').map(raw)),
    insecure: optional(bool),
  })
  .map((fields) => map(Object.entries(fields)));

/** A whole prometheus.yml, valid at recent 2.x releases as far as the documentation tells. */
export const prometheusConfig: fc.Arbitrary<YamlTree> = fc
  .record({
    global: optional(globalSection, 3),
    rule_files: optional(fc.constant(seq([str('rules/*.yml')]))),
    scrape_config_files: optional(fc.constant(seq([str('scrape/*.yml')])), 1, 8),
    scrape_configs: fc.array(scrapeJob, { maxLength: 3 }).map((jobs) =>
      jobs.length === 0
        ? undefined
        : seq(
            jobs.map((job, index) => ({
              ...job,
              entries: [{ key: 'job_name', value: str(`job${index}`) }, ...job.entries],
            })),
          ),
    ),
    alerting: optional(alerting),
    remote_write: optional(fc.array(remoteWrite, { minLength: 1, maxLength: 2 }).map(seq)),
    remote_read: optional(fc.array(remoteRead, { minLength: 1, maxLength: 1 }).map(seq)),
    storage: optional(storage, 1, 3),
    tracing: optional(tracing, 1, 3),
    otlp: optional(fc.constant(map([['promote_resource_attributes', seq([str('service.name')])]])), 1, 8),
  })
  .map((sections) => map(Object.entries(sections)));
