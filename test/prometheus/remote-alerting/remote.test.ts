// remote_write, remote_read and otlp: accepted and rejected cases per rule of Prometheus's config
// package, with upstream's messages, judged at the releases where a field or a message changed.
import t from 'tap';
import { item, judge } from './judge.js';

const rw = (body: string): string => item('remote_write', body);
const rr = (body: string): string => item('remote_read', body);

t.test('remote_write: fields', async (t) =>
  judge(t, [
    {
      name: 'every 2.42 field',
      version: '2.42',
      yaml: rw(
        [
          'url: https://remote.example/api/v1/write',
          'remote_timeout: 10s',
          'headers: {X-Scope-OrgID: team-a}',
          'name: primary',
          'send_exemplars: true',
          'send_native_histograms: yes',
          'write_relabel_configs:',
          '  - source_labels: [__name__]',
          '    regex: go_.*',
          '    action: drop',
          'queue_config: {capacity: 2500, max_shards: 200, min_shards: 1, max_samples_per_send: 500, batch_send_deadline: 5s, min_backoff: 30ms, max_backoff: 5s, retry_on_http_429: true}',
          'metadata_config: {send: false, send_interval: 1m, max_samples_per_send: 500}',
          'basic_auth: {username: u, password: p}',
          'tls_config: {insecure_skip_verify: true}',
        ].join('\n'),
      ),
      errors: [],
    },
    { name: 'null list', yaml: 'remote_write:\n', errors: [] },
    {
      name: 'a map, not a list',
      yaml: 'remote_write:\n  url: http://a\n',
      errors: ['cannot unmarshal !!map into []*config.RemoteWriteConfig'],
    },
    {
      name: 'a scalar item',
      yaml: 'remote_write: [http://a]\n',
      errors: ['cannot unmarshal !!str `http://a` into config.plain'],
    },
    {
      name: 'relabel rules as a map',
      yaml: rw('url: http://a\nwrite_relabel_configs: {action: drop}'),
      errors: ['cannot unmarshal !!map into []*relabel.Config'],
    },
    { name: 'null item', yaml: 'remote_write:\n  -\n', errors: ['empty or null remote write config section'] },
    { name: 'url absent', yaml: rw('name: a'), errors: ['url for remote_write is empty'] },
    { name: 'url null', yaml: rw('url:'), errors: ['url for remote_write is empty'] },
    {
      name: 'url not parseable',
      yaml: rw('url: "http://a b/"'),
      errors: ['parse "http://a b/": invalid character " " in host name'],
    },
    {
      name: 'typo',
      yaml: rw('url: http://a\nremote_timout: 5s'),
      errors: ['field remote_timout not found in type config.plain'],
    },
    {
      name: 'bad duration',
      yaml: rw('url: http://a\nremote_timeout: 5'),
      errors: ['not a valid duration string: "5"'],
    },
    {
      name: 'queue typo',
      yaml: rw('url: http://a\nqueue_config: {max_shard: 5}'),
      errors: ['field max_shard not found in type config.QueueConfig'],
    },
    {
      name: 'queue type',
      yaml: rw('url: http://a\nqueue_config: {capacity: lots}'),
      errors: ['cannot unmarshal !!str `lots` into int'],
    },
    {
      name: 'metadata typo',
      yaml: rw('url: http://a\nmetadata_config: {sent: true}'),
      errors: ['field sent not found in type config.MetadataConfig'],
    },
    {
      name: 'relabel rule',
      yaml: rw('url: http://a\nwrite_relabel_configs:\n  - action: hashmod\n    target_label: x'),
      errors: ['relabel configuration for hashmod requires non-zero modulus'],
    },
    {
      name: 'null relabel rule',
      yaml: rw('url: http://a\nwrite_relabel_configs: [~]'),
      errors: ['empty or null relabeling rule in remote write config'],
    },
    {
      name: 'sample_age_limit at 2.49',
      version: '2.49',
      yaml: rw('url: http://a\nqueue_config: {sample_age_limit: 1h}'),
      errors: ['sample_age_limit was added in Prometheus 2.50'],
    },
    {
      name: 'sample_age_limit at 2.50',
      version: '2.50',
      yaml: rw('url: http://a\nqueue_config: {sample_age_limit: 1h}'),
      errors: [],
    },
    {
      name: 'protobuf_message at 2.53',
      yaml: rw('url: http://a\nprotobuf_message: io.prometheus.write.v2.Request'),
      errors: ['protobuf_message was added in Prometheus 2.54'],
    },
    {
      name: 'protobuf_message v2 at 2.54',
      version: '2.54',
      yaml: rw('url: http://a\nprotobuf_message: io.prometheus.write.v2.Request'),
      errors: [],
    },
    {
      name: 'unknown protobuf_message',
      version: '2.55',
      yaml: rw('url: http://a\nprotobuf_message: v2'),
      errors: [
        'invalid protobuf_message value: unknown remote write protobuf message v2, supported: prometheus.WriteRequest, io.prometheus.write.v2.Request',
      ],
    },
    {
      name: 'null protobuf_message',
      version: '2.55',
      yaml: rw('url: http://a\nprotobuf_message:'),
      errors: ['unknown remote write protobuf message , supported'],
    },
  ]),
);

t.test('remote_write: headers', async (t) =>
  judge(t, [
    { name: 'custom header', yaml: rw('url: http://a\nheaders: {X-Scope-OrgID: a, x-custom: b}'), errors: [] },
    {
      name: 'reserved header, any case',
      yaml: rw('url: http://a\nheaders: {Content-Type: x}'),
      errors: ['Content-Type is a reserved header. It must not be changed'],
    },
    {
      name: 'two reserved headers',
      yaml: rw('url: http://a\nheaders: {host: x, x-amz-date: y}'),
      errors: ['host is a reserved header', 'x-amz-date is a reserved header'],
    },
    {
      name: 'authorization at 2.42',
      version: '2.42',
      yaml: rw('url: http://a\nheaders: {Authorization: x}'),
      errors: ['authorization header must be changed via the basic_auth, authorization, oauth2, or sigv4 parameter'],
    },
    {
      name: 'authorization at 2.45',
      version: '2.45',
      yaml: rw('url: http://a\nheaders: {Authorization: x}'),
      errors: [
        'authorization header must be changed via the basic_auth, authorization, oauth2, sigv4, or azuread parameter',
      ],
    },
    {
      name: 'authorization at 2.55',
      version: '2.55',
      yaml: rw('url: http://a\nheaders: {Authorization: x}'),
      errors: [
        'authorization header must be changed via the basic_auth, authorization, oauth2, sigv4, azuread or google_iam parameter',
      ],
    },
    {
      name: 'duplicate header',
      yaml: rw('url: http://a\nheaders:\n  a: x\n  a: y'),
      errors: ['key "a" already set in map'],
    },
  ]),
);

const UUID = '00000000-0000-0000-0000-000000000000';

t.test('remote_write: authentication', async (t) =>
  judge(t, [
    {
      name: 'sigv4',
      yaml: rw('url: http://a\nsigv4: {region: us-east-1, access_key: AK, secret_key: SK, profile: p, role_arn: arn}'),
      errors: [],
    },
    { name: 'empty sigv4 (default credentials)', yaml: rw('url: http://a\nsigv4: {}'), errors: [] },
    {
      name: 'sigv4 key without secret',
      yaml: rw('url: http://a\nsigv4: {access_key: AK}'),
      errors: ['must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config'],
    },
    {
      name: 'sigv4 typo',
      yaml: rw('url: http://a\nsigv4: {regoin: x}'),
      errors: ['field regoin not found in type sigv4.plain'],
    },
    {
      name: 'basic_auth and sigv4 at 2.42',
      version: '2.42',
      yaml: rw('url: http://a\nbasic_auth: {username: u}\nsigv4: {}'),
      errors: ['at most one of basic_auth, authorization, oauth2, & sigv4 must be configured'],
    },
    {
      name: 'basic_auth and sigv4 at 2.53',
      yaml: rw('url: http://a\nbasic_auth: {username: u}\nsigv4: {}'),
      errors: ['at most one of basic_auth, authorization, oauth2, sigv4, & azuread must be configured'],
    },
    {
      name: 'basic_auth and sigv4 at 2.55',
      version: '2.55',
      yaml: rw('url: http://a\nbasic_auth: {username: u}\nsigv4: {}'),
      errors: [
        'at most one of basic_auth, authorization, oauth2, sigv4, azuread or google_iam must be configured. Currently configured: [basic_auth sigv4]',
      ],
    },
    { name: 'null sigv4 is not configured', yaml: rw('url: http://a\nbasic_auth: {username: u}\nsigv4:'), errors: [] },
    {
      name: 'a bearer token is an authorization (oracle:fuzz, promtool 2.55.1)',
      version: '2.55',
      yaml: rw('url: http://a\nsigv4: {}\nbearer_token: t'),
      errors: [
        'at most one of basic_auth, authorization, oauth2, sigv4, azuread or google_iam must be configured. Currently configured: [authorization sigv4]',
      ],
    },
    {
      name: 'a bearer token file and sigv4 at 2.42',
      version: '2.42',
      yaml: rw('url: http://a\nbearer_token_file: t\nsigv4: {}'),
      errors: ['at most one of basic_auth, authorization, oauth2, & sigv4 must be configured'],
    },
    { name: 'an empty bearer token is none', yaml: rw('url: http://a\nbearer_token: ""\nsigv4: {}'), errors: [] },
    {
      name: 'two HTTP client methods: only the HTTP client says so',
      yaml: rw('url: http://a\nbasic_auth: {username: u}\nauthorization: {credentials: c}'),
      errors: ['at most one of basic_auth, oauth2 & authorization must be configured'],
    },
    {
      name: 'azuread at 2.44',
      version: '2.44',
      yaml: rw(`url: http://a\nazuread: {managed_identity: {client_id: ${UUID}}}`),
      errors: ['azuread was added in Prometheus 2.45'],
    },
    {
      name: 'azuread managed identity',
      version: '2.45',
      yaml: rw(`url: http://a\nazuread: {cloud: AzureChina, managed_identity: {client_id: ${UUID}}}`),
      errors: [],
    },
    {
      name: 'azuread uuid without dashes, with urn prefix',
      yaml: rw('url: http://a\nazuread: {managed_identity: {client_id: "urn:uuid:0123456789abcdef0123456789ABCDEF"}}'),
      errors: ['the provided Azure Managed Identity client_id is invalid'],
    },
    {
      name: 'azuread uuid as 32 hex digits',
      yaml: rw('url: http://a\nazuread: {managed_identity: {client_id: 0123456789abcdef0123456789ABCDEF}}'),
      errors: [],
    },
    {
      name: 'azuread uuid in braces',
      yaml: rw(`url: http://a\nazuread: {managed_identity: {client_id: "{${UUID}}"}}`),
      errors: [],
    },
    {
      name: 'azuread bad uuid at 2.45',
      version: '2.45',
      yaml: rw('url: http://a\nazuread: {managed_identity: {client_id: nope}}'),
      errors: ['the provided Azure Managed Identity client_id provided is invalid'],
    },
    {
      name: 'azuread bad cloud',
      yaml: rw(`url: http://a\nazuread: {cloud: Mars, managed_identity: {client_id: ${UUID}}}`),
      errors: ['must provide a cloud in the Azure AD config'],
    },
    {
      name: 'azuread empty at 2.45',
      version: '2.45',
      yaml: rw('url: http://a\nazuread: {}'),
      errors: ['must provide an Azure Managed Identity in the Azure AD config'],
    },
    {
      name: 'azuread empty at 2.48',
      version: '2.48',
      yaml: rw('url: http://a\nazuread: {}'),
      errors: ['must provide an Azure Managed Identity or Azure OAuth in the Azure AD config'],
    },
    {
      name: 'azuread empty at 2.53',
      yaml: rw('url: http://a\nazuread: {}'),
      errors: ['must provide an Azure Managed Identity, Azure OAuth or Azure SDK in the Azure AD config'],
    },
    {
      name: 'azuread oauth at 2.47',
      version: '2.47',
      yaml: rw('url: http://a\nazuread: {oauth: {}}'),
      errors: ['oauth was added in Prometheus 2.48'],
    },
    {
      name: 'azuread oauth',
      yaml: rw(`url: http://a\nazuread: {oauth: {client_id: ${UUID}, client_secret: s, tenant_id: t}}`),
      errors: [],
    },
    {
      name: 'azuread oauth without secret',
      yaml: rw(`url: http://a\nazuread: {oauth: {client_id: ${UUID}, tenant_id: t}}`),
      errors: ['must provide an Azure OAuth client_secret in the Azure AD config'],
    },
    {
      name: 'azuread oauth and managed identity',
      yaml: rw(`url: http://a\nazuread: {oauth: {client_id: ${UUID}}, managed_identity: {client_id: ${UUID}}}`),
      errors: ['cannot provide both Azure Managed Identity and Azure OAuth in the Azure AD config'],
    },
    {
      name: 'azuread sdk at 2.51',
      version: '2.51',
      yaml: rw('url: http://a\nazuread: {sdk: {}}'),
      errors: ['sdk was added in Prometheus 2.52'],
    },
    { name: 'azuread sdk', version: '2.52', yaml: rw('url: http://a\nazuread: {sdk: {tenant_id: t}}'), errors: [] },
    {
      name: 'azuread sdk and oauth',
      yaml: rw('url: http://a\nazuread: {sdk: {}, oauth: {}}'),
      errors: ['cannot provide both Azure OAuth and Azure SDK in the Azure AD config'],
    },
    {
      name: 'azuread and sigv4',
      yaml: rw(`url: http://a\nsigv4: {}\nazuread: {sdk: {}}`),
      errors: ['at most one of basic_auth, authorization, oauth2, sigv4, & azuread must be configured'],
    },
    {
      name: 'google_iam at 2.54',
      version: '2.54',
      yaml: rw('url: http://a\ngoogle_iam: {credentials_file: f.json}'),
      errors: ['google_iam was added in Prometheus 2.55'],
    },
    {
      name: 'google_iam',
      version: '2.55',
      yaml: rw('url: http://a\ngoogle_iam: {credentials_file: f.json}'),
      errors: [],
    },
    {
      name: 'google_iam and oauth2',
      version: '2.55',
      yaml: rw('url: http://a\noauth2: {client_id: c, token_url: http://t}\ngoogle_iam: {}'),
      errors: ['Currently configured: [oauth2 google_iam]'],
    },
  ]),
);

t.test('remote_write and remote_read: names', async (t) =>
  judge(t, [
    { name: 'unnamed twice', yaml: 'remote_write:\n  - url: http://a\n  - url: http://a\n', errors: [] },
    {
      name: 'same name',
      yaml: 'remote_write:\n  - url: http://a\n    name: q\n  - url: http://b\n    name: q\n',
      errors: ['found multiple remote write configs with job name "q"'],
    },
    {
      name: 'same name across write and read',
      yaml: 'remote_write:\n  - url: http://a\n    name: q\nremote_read:\n  - url: http://b\n    name: q\n',
      errors: [],
    },
    {
      name: 'same read name',
      yaml: 'remote_read:\n  - url: http://a\n    name: q\n  - url: http://b\n    name: q\n',
      errors: ['found multiple remote read configs with job name "q"'],
    },
  ]),
);

t.test('remote_read', async (t) =>
  judge(t, [
    {
      name: 'every field',
      yaml: rr(
        'url: http://r/api/v1/read\nremote_timeout: 1m\nheaders: {X-Tenant: a}\nread_recent: true\nname: r\nrequired_matchers: {job: node}\nfilter_external_labels: false\nbearer_token: t',
      ),
      errors: [],
    },
    { name: 'null item', yaml: 'remote_read:\n  - ~\n', errors: ['empty or null remote read config section'] },
    { name: 'url absent', yaml: rr('read_recent: true'), errors: ['url for remote_read is empty'] },
    {
      name: 'matcher label name',
      yaml: rr('url: http://r\nrequired_matchers: {"not-a-label": x}'),
      errors: ['"not-a-label" is not a valid label name'],
    },
    {
      name: 'typo names the plain type',
      yaml: rr('url: http://r\nread_resent: true'),
      errors: ['field read_resent not found in type config.plain'],
    },
    {
      name: 'authorization header',
      yaml: rr('url: http://r\nheaders: {authorization: x}'),
      errors: [
        'authorization header must be changed via the basic_auth, authorization, oauth2, sigv4, or azuread parameter',
      ],
    },
    {
      name: 'sigv4 is remote write only',
      yaml: rr('url: http://r\nsigv4: {}'),
      errors: ['field sigv4 not found in type config.plain'],
    },
    {
      name: 'chunked_read_limit at 2.53',
      yaml: rr('url: http://r\nchunked_read_limit: 1000'),
      errors: ['chunked_read_limit was added in Prometheus 2.55'],
    },
    {
      name: 'chunked_read_limit at 2.55',
      version: '2.55',
      yaml: rr('url: http://r\nchunked_read_limit: 1000'),
      errors: [],
    },
    {
      name: 'negative chunked_read_limit',
      version: '2.55',
      yaml: rr('url: http://r\nchunked_read_limit: -1'),
      errors: ['cannot unmarshal !!int `-1` into uint64'],
    },
    {
      name: 'HTTP client rules apply',
      yaml: rr('url: http://r\nbearer_token: a\nbearer_token_file: b'),
      errors: ['at most one of bearer_token & bearer_token_file must be configured'],
    },
  ]),
);

t.test('otlp (2.55)', async (t) =>
  judge(t, [
    {
      name: 'at 2.54',
      version: '2.54',
      yaml: 'otlp:\n  promote_resource_attributes: [service.name]\n',
      errors: ['otlp was added in Prometheus 2.55'],
    },
    {
      name: 'attributes',
      version: '2.55',
      yaml: 'otlp:\n  promote_resource_attributes: [service.name, " k8s.pod.name "]\n',
      errors: [],
    },
    {
      name: 'empty and duplicated attributes, all reported',
      version: '2.55',
      yaml: 'otlp:\n  promote_resource_attributes: [a, " ", " a"]\n',
      errors: ['empty promoted OTel resource attribute', 'duplicated promoted OTel resource attribute "a"'],
    },
  ]),
);

t.test('positions', async (t) => {
  const { checkPrometheusConfig } = await import('../../../src/prometheus/index.js');
  const yaml =
    'remote_write:\n  - url: http://a\n    headers:\n      Host: x\n  - url: http://b\n    name: n\n  - url: http://c\n    name: n\n';
  const { errors } = checkPrometheusConfig(yaml, { prometheusVersion: '2.53' });
  t.same(
    errors.map((error) => [error.line, error.col, error.path]),
    [
      [4, 7, 'remote_write[0].headers.Host'],
      [8, 11, 'remote_write[2].name'],
    ],
    'a reserved header at its key, a repeated name at its value',
  );
});
