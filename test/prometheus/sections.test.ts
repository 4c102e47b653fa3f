// Accepted and rejected configurations per section, from Prometheus's config package rules.
// Each rejected case names the message (upstream's wording) it must produce.
import t from 'tap';
import type { Test } from 'tap';
import { checkPrometheusConfig } from '../../src/prometheus/index.js';

interface Case {
  name: string;
  yaml: string;
  /** Expected messages (substrings); empty = valid. */
  errors: string[];
  version?: string;
}

function judge(t: Test, cases: Case[]): void {
  for (const c of cases) {
    const { errors } = checkPrometheusConfig(c.yaml, { prometheusVersion: c.version ?? '2.53' });
    const messages = errors.map((error) => `${error.path}: ${error.message}`);
    if (c.errors.length === 0) t.same(messages, [], `${c.name}: valid`);
    else {
      t.equal(errors.length, c.errors.length, `${c.name}: ${c.errors.length} error(s)`, { messages });
      c.errors.forEach((expected, index) => t.match(errors[index]?.message ?? '', expected, `${c.name}: ${expected}`));
    }
  }
}

const job = (body: string): string => `scrape_configs:\n  - job_name: j\n${body.replace(/^/gm, '    ')}\n`;

t.test('global', async (t) =>
  judge(t, [
    {
      name: 'all fields',
      yaml: 'global:\n  scrape_interval: 15s\n  scrape_timeout: 10s\n  evaluation_interval: 1m\n  query_log_file: q.log\n  external_labels: {region: eu, replica: "1"}\n  sample_limit: 1000\n  body_size_limit: 10MB\n',
      errors: [],
    },
    { name: 'empty global', yaml: 'global:\n', errors: [] },
    {
      name: 'timeout above interval',
      yaml: 'global:\n  scrape_interval: 5s\n  scrape_timeout: 10s\n',
      errors: ['global scrape timeout greater than scrape interval'],
    },
    { name: 'default timeout shrinks to a short interval', yaml: 'global:\n  scrape_interval: 5s\n', errors: [] },
    { name: 'fraction', yaml: 'global:\n  scrape_interval: 1.5m\n', errors: ['unknown unit "." in duration "1.5m"'] },
    {
      name: 'fraction at 2.42',
      yaml: 'global:\n  scrape_interval: 1.5m\n',
      version: '2.42',
      errors: ['not a valid duration string: "1.5m"'],
    },
    {
      name: 'units out of order',
      yaml: 'global:\n  scrape_interval: 1m1h\n',
      errors: ['not a valid duration string: "1m1h"'],
    },
    { name: 'bare number', yaml: 'global:\n  scrape_interval: 30\n', errors: ['not a valid duration string: "30"'] },
    {
      name: 'label name',
      yaml: 'global:\n  external_labels:\n    not-valid: x\n',
      errors: ['"not-valid" is not a valid label name'],
    },
    {
      name: 'duplicate external label',
      yaml: 'global:\n  external_labels:\n    a: x\n    a: y\n',
      errors: ['key "a" already set in map'],
    },
    {
      name: 'typo',
      yaml: 'global:\n  scrape_intervall: 1m\n',
      errors: ['field scrape_intervall not found in type config.plain'],
    },
    {
      name: 'limits before 2.45',
      yaml: 'global:\n  sample_limit: 5\n',
      version: '2.42',
      errors: ['field sample_limit not found in type config.plain (sample_limit was added in Prometheus 2.45'],
    },
    {
      name: 'negative limit',
      yaml: 'global:\n  sample_limit: -1\n',
      errors: ['cannot unmarshal !!int `-1` into uint'],
    },
    {
      name: 'body size without unit',
      yaml: 'global:\n  body_size_limit: 100\n',
      errors: ['units: unknown unit  in 100'],
    },
    {
      name: 'scrape protocols',
      yaml: 'global:\n  scrape_protocols: [PrometheusProto, OpenMetricsText1.0.0]\n',
      errors: [],
    },
    {
      name: 'unknown protocol',
      yaml: 'global:\n  scrape_protocols: [prometheusproto]\n',
      errors: [
        'scrape_protocols: unknown scrape protocol prometheusproto, supported: [OpenMetricsText0.0.1 OpenMetricsText1.0.0 PrometheusProto PrometheusText0.0.4] for global config',
      ],
    },
    {
      name: 'empty protocols',
      yaml: 'global:\n  scrape_protocols: []\n',
      errors: ['scrape_protocols cannot be empty for global config'],
    },
    {
      name: 'rule_query_offset before 2.53',
      yaml: 'global:\n  rule_query_offset: 1m\n',
      version: '2.52',
      errors: ['rule_query_offset was added in Prometheus 2.53'],
    },
  ]),
);

t.test('top level', async (t) =>
  judge(t, [
    { name: 'empty document', yaml: '', errors: [] },
    { name: 'comments only', yaml: '# nothing\n', errors: [] },
    { name: 'only scrape_configs (ARMS promYaml)', yaml: job('static_configs:\n  - targets: [a:9100]'), errors: [] },
    { name: 'rule_files glob in the last element', yaml: 'rule_files: [rules/*.yml, /etc/x.rules]\n', errors: [] },
    {
      name: 'rule_files glob in a directory',
      yaml: 'rule_files: ["my/*/rule"]\n',
      errors: ['invalid rule file path "my/*/rule"'],
    },
    {
      name: 'scrape_config_files at 2.42',
      yaml: 'scrape_config_files: [a.yml]\n',
      version: '2.42',
      errors: ['scrape_config_files was added in Prometheus 2.43'],
    },
    {
      name: 'scrape_config_files glob',
      yaml: 'scrape_config_files: ["scrape_configs/*/*"]\n',
      errors: ['invalid scrape config file path "scrape_configs/*/*"'],
    },
    {
      name: 'section twice',
      yaml: 'scrape_configs: []\nscrape_configs: []\n',
      errors: ['field scrape_configs already set in type config.plain'],
    },
    { name: 'not a mapping', yaml: '- a\n', errors: ['cannot unmarshal !!seq into config.plain'] },
    { name: 'null scrape config', yaml: 'scrape_configs:\n  -\n', errors: ['empty or null scrape config section'] },
  ]),
);

t.test('scrape configs', async (t) =>
  judge(t, [
    {
      name: 'every common field',
      yaml: job(
        'honor_labels: yes\nhonor_timestamps: false\nparams: {module: [http_2xx]}\nscrape_interval: 30s\nscrape_timeout: 5s\nmetrics_path: /probe\nscheme: https\nsample_limit: 50_000\nlabel_limit: 30\nlabel_name_length_limit: 100\nlabel_value_length_limit: 200\ntarget_limit: 10\nbody_size_limit: 1MiB\nstatic_configs:\n  - targets: ["a:1"]\n    labels: {env: prod}',
      ),
      errors: [],
    },
    { name: 'job_name missing', yaml: 'scrape_configs:\n  - scrape_interval: 1m\n', errors: ['job_name is empty'] },
    {
      name: 'duplicate job',
      yaml: 'scrape_configs:\n  - job_name: a\n  - job_name: a\n',
      errors: ['found multiple scrape configs with job name "a"'],
    },
    {
      name: 'same job name written two ways',
      yaml: "scrape_configs:\n  - job_name: 1e3\n  - job_name: '1e3'\n",
      errors: ['found multiple scrape configs with job name "1e3"'],
    },
    {
      name: 'timeout above interval',
      yaml: job('scrape_interval: 5s\nscrape_timeout: 6s'),
      errors: ['scrape timeout greater than scrape interval for scrape config with job name "j"'],
    },
    {
      name: 'timeout above the global interval',
      yaml: 'global:\n  scrape_interval: 5s\n' + job('scrape_timeout: 6s'),
      errors: ['scrape timeout greater than scrape interval'],
    },
    {
      name: 'interval below the global timeout',
      yaml: 'global:\n  scrape_timeout: 10s\n' + job('scrape_interval: 5s'),
      errors: [],
    },
    { name: 'quoted boolean', yaml: job('honor_labels: "true"'), errors: ['cannot unmarshal !!str `true` into bool'] },
    {
      name: 'keep_dropped_targets at 2.42',
      yaml: job('keep_dropped_targets: 5'),
      version: '2.42',
      errors: [
        'field keep_dropped_targets not found in type config.ScrapeConfig (keep_dropped_targets was added in Prometheus 2.47; prometheusVersion is 2.42)',
      ],
    },
    { name: 'keep_dropped_targets at 2.53', yaml: job('keep_dropped_targets: 5'), errors: [] },
    {
      name: 'enable_compression at 2.48',
      yaml: job('enable_compression: false'),
      version: '2.48',
      errors: ['enable_compression was added in Prometheus 2.49'],
    },
    { name: 'enable_compression at 2.49', yaml: job('enable_compression: false'), version: '2.49', errors: [] },
    {
      name: 'native histograms',
      yaml: job(
        'native_histogram_bucket_limit: 160\nnative_histogram_min_bucket_factor: 1.1\nscrape_classic_histograms: true',
      ),
      errors: [],
    },
    {
      name: 'duplicated protocol',
      yaml: job('scrape_protocols: [PrometheusProto, prometheusproto]'),
      errors: [
        'duplicated protocol in scrape_protocols, got [PrometheusProto prometheusproto] for scrape config with job name "j"',
      ],
    },
    {
      name: 'URL as target',
      yaml: job('static_configs:\n  - targets: ["http://a:9100/metrics"]'),
      errors: ['"http://a:9100/metrics" is not a valid hostname'],
    },
    {
      name: 'null static config',
      yaml: job('static_configs:\n  -'),
      errors: ['empty or null section in static_configs'],
    },
    {
      name: 'bad static label',
      yaml: job('static_configs:\n  - targets: [a]\n    labels: {"a-b": x}'),
      errors: ['"a-b" is not a valid label name'],
    },
    {
      name: 'typo in static config',
      yaml: job('static_configs:\n  - target: [a]'),
      errors: ['field target not found in type'],
    },
    {
      name: 'unknown SD (typo)',
      yaml: job('consult_sd_configs: []'),
      errors: ['field consult_sd_configs not found in type config.ScrapeConfig'],
    },
    {
      name: 'null relabel rule',
      yaml: job('relabel_configs:\n  -'),
      errors: ['empty or null target relabeling rule in scrape config'],
    },
    {
      name: 'null metric relabel rule',
      yaml: job('metric_relabel_configs:\n  - ~'),
      errors: ['empty or null metric relabeling rule in scrape config'],
    },
    {
      name: 'anchored job reused with merge',
      yaml: 'scrape_configs:\n  - &base\n    job_name: a\n    scrape_interval: 1m\n  - <<: *base\n    job_name: b\n',
      errors: [],
    },
  ]),
);

t.test('http client', async (t) =>
  judge(t, [
    { name: 'basic auth', yaml: job('basic_auth: {username: u, password_file: /p}'), errors: [] },
    {
      name: 'password and password_file',
      yaml: job('basic_auth: {username: u, password: p, password_file: /p}'),
      errors: ['at most one of basic_auth password, password_file & password_ref must be configured'],
    },
    {
      name: 'password and password_file at 2.42',
      yaml: job('basic_auth: {username: u, password: p, password_file: /p}'),
      version: '2.42',
      errors: ['at most one of basic_auth password & password_file must be configured'],
    },
    {
      name: 'bearer token twice',
      yaml: job('bearer_token: t\nbearer_token_file: /t'),
      errors: ['at most one of bearer_token & bearer_token_file must be configured'],
    },
    {
      name: 'basic auth and bearer token',
      yaml: job('bearer_token: t\nbasic_auth: {username: u}'),
      errors: ['at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured'],
    },
    {
      name: 'authorization and basic auth',
      yaml: job('authorization: {credentials: c}\nbasic_auth: {username: u}'),
      errors: ['at most one of basic_auth, oauth2 & authorization must be configured'],
    },
    {
      name: 'authorization basic',
      yaml: job('authorization: {type: Basic, credentials: c}'),
      errors: ['authorization type cannot be set to "basic", use "basic_auth" instead'],
    },
    {
      name: 'credentials twice',
      yaml: job('authorization: {credentials: c, credentials_file: /c}'),
      errors: ['at most one of authorization credentials & credentials_file must be configured'],
    },
    {
      name: 'oauth2',
      yaml: job('oauth2: {client_id: i, client_secret: s, token_url: "https://t/token", scopes: [a]}'),
      errors: [],
    },
    { name: 'oauth2 without secret at 2.53', yaml: job('oauth2: {client_id: i, token_url: "https://t"}'), errors: [] },
    {
      name: 'oauth2 without secret at 2.50',
      yaml: job('oauth2: {client_id: i, token_url: "https://t"}'),
      version: '2.50',
      errors: ['either oauth2 client_secret or client_secret_file must be configured'],
    },
    {
      name: 'oauth2 without client_id',
      yaml: job('oauth2: {client_secret: s, token_url: "https://t"}'),
      errors: ['oauth2 client_id must be configured'],
    },
    {
      name: 'oauth2 without token_url',
      yaml: job('oauth2: {client_id: i, client_secret: s}'),
      errors: ['oauth2 token_url must be configured'],
    },
    {
      name: 'tls',
      yaml: job(
        'tls_config: {ca_file: /ca, cert_file: /c, key_file: /k, server_name: x, insecure_skip_verify: true, min_version: TLS12}',
      ),
      errors: [],
    },
    {
      name: 'tls cert without key',
      yaml: job('tls_config: {cert_file: /c}'),
      errors: ['exactly one of key or key_file must be configured when a client certificate is configured'],
    },
    {
      name: 'tls cert without key at 2.42 (promtool)',
      yaml: job('tls_config: {cert_file: /c}'),
      version: '2.42',
      errors: ['client cert file "/c" specified without client key file'],
    },
    {
      name: 'tls ca twice',
      yaml: job('tls_config: {ca: x, ca_file: /ca}'),
      errors: ['at most one of ca, ca_file & ca_ref must be configured'],
    },
    {
      name: 'inline ca at 2.44',
      yaml: job('tls_config: {ca: x}'),
      version: '2.44',
      errors: ['ca was added in Prometheus 2.45'],
    },
    { name: 'tls version', yaml: job('tls_config: {min_version: TLS14}'), errors: ['unknown TLS version: TLS14'] },
    {
      name: 'proxy',
      yaml: job('proxy_url: "http://proxy:3128"\nno_proxy: localhost\nproxy_connect_header: {X-A: [b]}'),
      errors: [],
    },
    {
      name: 'proxy from environment with proxy_url',
      yaml: job('proxy_from_environment: true\nproxy_url: "http://p"'),
      errors: ['if proxy_from_environment is configured, proxy_url must not be configured'],
    },
    {
      name: 'no_proxy without proxy_url',
      yaml: job('no_proxy: localhost'),
      errors: ['if no_proxy is configured, proxy_url must also be configured'],
    },
    {
      name: 'proxy_connect_header alone',
      yaml: job('proxy_connect_header: {X-A: [b]}'),
      errors: ['if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured'],
    },
    {
      name: 'proxy_from_environment at 2.42',
      yaml: job('proxy_from_environment: true'),
      version: '2.42',
      errors: ['proxy_from_environment was added in Prometheus 2.43'],
    },
    {
      name: 'bad proxy URL',
      yaml: job('proxy_url: "http://a b"'),
      errors: ['parse "http://a b": invalid character " " in host name'],
    },
    { name: 'redirects and http2', yaml: job('follow_redirects: false\nenable_http2: no'), errors: [] },
    { name: 'http_headers', yaml: job('http_headers: {X-Tenant: {values: [a]}}'), errors: [] },
    {
      name: 'reserved http header',
      yaml: job('http_headers: {user-agent: {values: [a]}}'),
      errors: ['setting header "User-Agent" is not allowed'],
    },
    {
      name: 'http_headers at 2.52',
      yaml: job('http_headers: {X-Tenant: {values: [a]}}'),
      version: '2.52',
      errors: ['http_headers was added in Prometheus 2.53'],
    },
  ]),
);

const rule = (body: string): string => job(`relabel_configs:\n  - ${body.replace(/\n/g, '\n    ')}`);

t.test('relabel configs', async (t) =>
  judge(t, [
    {
      name: 'replace',
      yaml: rule('source_labels: [__address__]\nregex: "(.*):9100"\ntarget_label: instance\nreplacement: $1'),
      errors: [],
    },
    {
      name: 'replace without target',
      yaml: rule('source_labels: [a]'),
      errors: ["relabel configuration for replace action requires 'target_label' value"],
    },
    { name: 'replace with template target', yaml: rule('source_labels: [a]\ntarget_label: "${1}_x"'), errors: [] },
    {
      name: 'replace with invalid target',
      yaml: rule('target_label: "a-b"'),
      errors: ['"a-b" is invalid \'target_label\' for replace action'],
    },
    { name: 'keep', yaml: rule('action: keep\nsource_labels: [job]\nregex: a|b'), errors: [] },
    { name: 'action is case-insensitive', yaml: rule('action: Keep\nsource_labels: [job]'), errors: [] },
    { name: 'unknown action', yaml: rule('action: delete'), errors: ['unknown relabel action "delete"'] },
    { name: 'null action', yaml: rule('action: null'), errors: ['relabel action cannot be empty'] },
    { name: 'hashmod', yaml: rule('action: hashmod\nsource_labels: [a]\nmodulus: 8\ntarget_label: shard'), errors: [] },
    {
      name: 'hashmod without modulus',
      yaml: rule('action: hashmod\nsource_labels: [a]\ntarget_label: shard'),
      errors: ['relabel configuration for hashmod requires non-zero modulus'],
    },
    { name: 'labelmap', yaml: rule('action: labelmap\nregex: __meta_(.+)'), errors: [] },
    {
      name: 'labelmap bad replacement',
      yaml: rule('action: labelmap\nreplacement: "l-$1"'),
      errors: ['"l-$1" is invalid \'replacement\' for labelmap action'],
    },
    { name: 'labeldrop', yaml: rule('action: labeldrop\nregex: tmp_.*'), errors: [] },
    {
      name: 'labeldrop with source_labels',
      yaml: rule('action: labeldrop\nsource_labels: [a]'),
      errors: ["labeldrop action requires only 'regex', and no other fields"],
    },
    {
      name: 'labelkeep with separator',
      yaml: rule('action: labelkeep\nseparator: ","'),
      errors: ["labelkeep action requires only 'regex', and no other fields"],
    },
    { name: 'lowercase', yaml: rule('action: lowercase\nsource_labels: [a]\ntarget_label: b'), errors: [] },
    {
      name: 'lowercase replacement',
      yaml: rule('action: lowercase\nsource_labels: [a]\ntarget_label: b\nreplacement: x'),
      errors: ["'replacement' can not be set for lowercase action"],
    },
    {
      name: 'uppercase without target',
      yaml: rule('action: uppercase\nsource_labels: [a]'),
      errors: ["relabel configuration for uppercase action requires 'target_label' value"],
    },
    { name: 'keepequal', yaml: rule('action: keepequal\nsource_labels: [a]\ntarget_label: b'), errors: [] },
    {
      name: 'dropequal without target',
      yaml: rule('action: dropequal\nsource_labels: [a]'),
      errors: ["relabel configuration for dropequal action requires 'target_label' value"],
    },
    {
      name: 'dropequal with regex',
      yaml: rule('action: dropequal\nsource_labels: [a]\ntarget_label: b\nregex: x'),
      errors: ["dropequal action requires only 'source_labels' and `target_label`, and no other fields"],
    },
    {
      name: 'templated lowercase target at 2.49',
      yaml: rule('action: lowercase\nsource_labels: [a]\ntarget_label: "${1}"'),
      version: '2.49',
      errors: [],
    },
    {
      name: 'templated lowercase target at 2.50',
      yaml: rule('action: lowercase\nsource_labels: [a]\ntarget_label: "${1}"'),
      version: '2.50',
      errors: ['"${1}" is invalid \'target_label\' for lowercase action'],
    },
    {
      name: 'invalid source label',
      yaml: rule('source_labels: ["a.b"]\ntarget_label: c'),
      errors: ['"a.b" is not a valid label name'],
    },
    { name: 'unknown field', yaml: rule('target: x'), errors: ['field target not found in type relabel.plain'] },
  ]),
);

t.test('regular expressions are Go RE2, anchored', async (t) =>
  judge(t, [
    { name: 'P-named group', yaml: rule('regex: "(?P<port>[0-9]+)"\ntarget_label: p'), errors: [] },
    {
      name: 'short named group at 2.50',
      yaml: rule('regex: "(?<port>[0-9]+)"\ntarget_label: p'),
      version: '2.50',
      errors: ['invalid or unsupported Perl syntax: `(?<`'],
    },
    {
      name: 'short named group at 2.51',
      yaml: rule('regex: "(?<port>[0-9]+)"\ntarget_label: p'),
      version: '2.51',
      errors: [],
    },
    {
      name: 'lookahead',
      yaml: rule('regex: "a(?=b)"\ntarget_label: p'),
      errors: ['error parsing regexp: invalid or unsupported Perl syntax: `(?=`'],
    },
    {
      name: 'backreference',
      yaml: rule('regex: "(a)\\\\1"\ntarget_label: p'),
      errors: ['error parsing regexp: invalid escape sequence: `\\1`'],
    },
    {
      name: 'unbalanced',
      yaml: rule('regex: abc(def\ntarget_label: p'),
      errors: ['error parsing regexp: missing closing ): `^(?:abc(def)$`'],
    },
    {
      name: 'unbalanced at 3.0, which anchors with the s flag',
      yaml: rule('regex: abc(def\ntarget_label: p'),
      version: '3.0',
      errors: ['error parsing regexp: missing closing ): `^(?s:abc(def)$`'],
    },
    { name: 'POSIX class', yaml: rule('regex: "[[:alpha:]]+"\ntarget_label: p'), errors: [] },
  ]),
);

t.test("promtool's own check of static targets (after relabelling)", async (t) =>
  judge(t, [
    {
      name: 'targets with and without ports',
      yaml: job('static_configs:\n  - targets: [a:9100, b, "[::1]:9100"]'),
      errors: [],
    },
    {
      name: 'relabelled into a URL',
      yaml: job(
        'static_configs:\n  - targets: [a]\nrelabel_configs:\n  - source_labels: [__address__]\n    target_label: __address__\n    replacement: http://$1/x',
      ),
      errors: ['instance 0 in group 0: "http://a/x" is not a valid hostname'],
    },
    {
      name: 'a label value with a newline does not match p.* at 2.55',
      yaml: job(
        'static_configs:\n  - targets: [a]\n    labels: {x: "p\\nq"}\nrelabel_configs:\n  - source_labels: [x]\n    regex: p.*\n    target_label: __address__\n    replacement: http://y/z',
      ),
      version: '2.55',
      errors: [],
    },
    {
      name: 'from 3.0 . matches a newline, so p.* rewrites the address',
      yaml: job(
        'static_configs:\n  - targets: [a]\n    labels: {x: "p\\nq"}\nrelabel_configs:\n  - source_labels: [x]\n    regex: p.*\n    target_label: __address__\n    replacement: http://y/z',
      ),
      version: '3.0',
      errors: ['instance 0 in group 0: "http://y/z" is not a valid hostname'],
    },
    {
      name: 'address dropped',
      yaml: job('static_configs:\n  - targets: [a]\nrelabel_configs:\n  - action: labeldrop\n    regex: __address__'),
      errors: ['instance 0 in group 0: no address'],
    },
    {
      name: 'target dropped on purpose',
      yaml: job(
        'static_configs:\n  - targets: [a]\nrelabel_configs:\n  - action: drop\n    source_labels: [__address__]\n    regex: a',
      ),
      errors: [],
    },
    {
      name: 'scheme without default port',
      yaml: job('scheme: ftp\nstatic_configs:\n  - targets: [a]'),
      errors: ['invalid scheme: "ftp"'],
    },
    { name: 'scheme with explicit port', yaml: job('scheme: ftp\nstatic_configs:\n  - targets: [a:21]'), errors: [] },
    {
      name: 'interval label',
      yaml: job('static_configs:\n  - targets: [a]\n    labels: {__scrape_interval__: "5"}'),
      errors: ['error parsing scrape interval: not a valid duration string: "5"'],
    },
    {
      name: 'timeout label above interval',
      yaml: job('static_configs:\n  - targets: [a]\n    labels: {__scrape_timeout__: 5m}'),
      errors: ['scrape timeout cannot be greater than scrape interval ("5m" > "1m")'],
    },
    {
      name: 'second group reported by index',
      yaml: job(
        'static_configs:\n  - targets: [a]\n  - targets: [b, c]\nrelabel_configs:\n  - source_labels: [__address__]\n    regex: c\n    target_label: __address__\n    replacement: ""',
      ),
      errors: ['instance 1 in group 1: no address'],
    },
  ]),
);

t.test('otlp (2.55)', async (t) =>
  judge(t, [
    {
      name: 'promoted attributes',
      yaml: 'otlp:\n  promote_resource_attributes: [service.instance.id, k8s.pod.name]\n',
      version: '2.55',
      errors: [],
    },
    {
      name: 'blank and duplicated',
      yaml: 'otlp:\n  promote_resource_attributes: [" ", a, " a"]\n',
      version: '2.55',
      errors: ['empty promoted OTel resource attribute', 'duplicated promoted OTel resource attribute "a"'],
    },
    { name: 'before 2.55', yaml: 'otlp: {}\n', version: '2.54', errors: ['otlp was added in Prometheus 2.55'] },
  ]),
);

t.test('metric name validation scheme (2.55)', async (t) =>
  judge(t, [
    {
      name: 'legacy',
      yaml: 'global:\n  metric_name_validation_scheme: legacy\n' + job(''),
      version: '2.55',
      errors: [],
    },
    {
      name: 'utf8 needs a feature flag',
      yaml: 'global:\n  metric_name_validation_scheme: utf8\n' + job(''),
      version: '2.55',
      errors: ['utf8 name validation requested but feature not enabled via --enable-feature=utf8-names'],
    },
    {
      name: 'unknown',
      yaml: 'global:\n  metric_name_validation_scheme: ascii\n' + job(''),
      version: '2.55',
      errors: ["unknown name validation method specified, must be either 'legacy' or 'utf8', got ascii"],
    },
  ]),
);

t.test('found by a differential run against promtool 2.53.3', async (t) =>
  judge(t, [
    { name: 'explicit !!bool on a quoted scalar', yaml: job('honor_labels: !!bool "true"'), errors: [] },
    {
      name: 'explicit !!int that is not one',
      yaml: job('sample_limit: !!int abc'),
      errors: ['cannot unmarshal !!int `abc` into uint'],
    },
    { name: 'unknown local tag', yaml: 'global: !foo {}\n', errors: [] },
    { name: 'group name used twice', yaml: rule('regex: "(?P<n>a)|(?P<n>b)"\ntarget_label: t'), errors: [] },
    {
      name: 'inline cert with key_file (promtool)',
      yaml: job('tls_config: {cert: x, key_file: y}'),
      errors: ['client key file "y" specified without client cert file'],
    },
  ]),
);

t.test('labelmap onto one name: which label wins changed in 2.43', async (t) => {
  const yaml =
    'scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: labelmap\n        regex: (.*)\n        replacement: __address__\n' +
    '    static_configs: [{targets: [a], labels: {x: "http://y"}}]\n';
  judge(t, [
    {
      name: 'sorted label set: x is last',
      yaml,
      version: '2.42',
      errors: ['instance 0 in group 0: "http://y" is not a valid hostname'],
    },
    { name: 'builder order: __scheme__ is last', yaml, version: '2.43', errors: [] },
  ]);
});

t.test('Go type names in messages, per release', async (t) =>
  judge(t, [
    {
      name: 'oauth2 decodes through plain from 2.43',
      yaml: job('oauth2: {client_id: a, client_secret: b, token_url: c, foo: 1}'),
      errors: ['field foo not found in type config.plain'],
    },
    {
      name: 'oauth2 at 2.42',
      yaml: job('oauth2: {client_id: a, client_secret: b, token_url: c, foo: 1}'),
      version: '2.42',
      errors: ['field foo not found in type config.OAuth2'],
    },
    {
      name: 'label value',
      yaml: job('static_configs:\n  - targets: [a]\n    labels: {a: [1]}'),
      errors: ['cannot unmarshal !!seq into model.LabelValue'],
    },
    {
      name: 'static_configs',
      yaml: job('static_configs: {a: 1}'),
      errors: ['cannot unmarshal !!map into []*targetgroup.Group'],
    },
    {
      name: 'scrape_configs',
      yaml: 'scrape_configs: {a: 1}\n',
      errors: ['cannot unmarshal !!map into []*config.ScrapeConfig'],
    },
    {
      name: 'proxy_connect_header',
      yaml: job('proxy_url: "http://p"\nproxy_connect_header: {a: b}'),
      errors: ['cannot unmarshal !!str `b` into []config.Secret'],
    },
  ]),
);

t.test('http_headers files: a warning where the loader reads them (2.53, 2.54)', async (t) => {
  const yaml = job('http_headers: {X-Token: {files: [/etc/token]}}');
  const at253 = checkPrometheusConfig(yaml, { prometheusVersion: '2.53' });
  t.same(at253.errors, []);
  t.match(at253.warnings, [
    /^scrape_configs\[0\]\.http_headers: header "X-Token" files \/etc\/token: Prometheus 2\.53 reads them when it loads/,
  ]);
  t.same(checkPrometheusConfig(yaml, { prometheusVersion: '2.55' }).warnings, [], 'common 0.59 no longer reads them');
});

// yaml.v2 skips a Go UnmarshalYAML (and leaves a pointer nil) only for `~`, `null` and nothing;
// `Null` and `NULL` reach the unmarshaler, or allocate the pointer, before they resolve to zero
// (verdicts and messages of promtool 2.55.1, found by npm run oracle:fuzz).
t.test('Null and NULL reach Go unmarshalers', async (t) =>
  judge(t, [
    { name: 'global: Null', yaml: 'global: Null\n', errors: [] },
    { name: 'scrape config NULL', yaml: 'scrape_configs:\n  - Null\n', errors: ['job_name is empty'] },
    { name: 'relabel rule NULL', yaml: job('relabel_configs:\n  - NULL'), errors: ['relabel action cannot be empty'] },
    { name: 'duration Null', yaml: job('scrape_interval: Null'), errors: ['empty duration string'] },
    { name: 'duration null', yaml: job('scrape_interval: null'), errors: [] },
    { name: 'TLS version NULL', yaml: job('tls_config:\n  min_version: NULL'), errors: ['unknown TLS version: '] },
    { name: 'static config NULL', yaml: job('static_configs:\n  - NULL'), errors: [] },
    { name: 'tls_config Null', yaml: job('tls_config: Null'), errors: [] },
    {
      name: 'kubernetes SD NULL',
      yaml: job('kubernetes_sd_configs:\n  - NULL'),
      errors: ['role missing (one of: pod, service, endpoints, endpointslice, node, ingress)'],
    },
    { name: 'remote write NULL', yaml: 'remote_write:\n  - NULL\n', errors: ['url for remote_write is empty'] },
    { name: 'alertmanager NULL', yaml: 'alerting:\n  alertmanagers:\n    - NULL\n', errors: [] },
  ]),
);

// A list written as null is Go's nil slice (the default, or the inherited value); a regex written
// as null is the empty regex, not the default (.*) (promtool 2.42.0, 2.53.4, 2.55.1).
t.test('null lists and a null regex', async (t) =>
  judge(t, [
    { name: 'global scrape_protocols null', yaml: 'global:\n  scrape_protocols:\n', errors: [] },
    {
      name: 'global scrape_protocols []',
      yaml: 'global:\n  scrape_protocols: []\n',
      errors: ['scrape_protocols cannot be empty for global config'],
    },
    { name: 'job scrape_protocols null', yaml: job('scrape_protocols:'), errors: [] },
    {
      name: 'job scrape_protocols []',
      yaml: job('scrape_protocols: []'),
      errors: ['scrape_protocols cannot be empty for scrape config with job name "j"'],
    },
    {
      name: 'labeldrop with a null regex drops nothing',
      yaml: job(
        'relabel_configs:\n  - regex:\n    action: labeldrop\nstatic_configs:\n  - targets: ["localhost:9090"]',
      ),
      errors: [],
    },
    {
      name: 'labelkeep with a null regex keeps nothing',
      yaml: job(
        'relabel_configs:\n  - regex:\n    action: labelkeep\nstatic_configs:\n  - targets: ["localhost:9090"]',
      ),
      errors: ['instance 0 in group 0: no address'],
    },
  ]),
);

// Go's url.Parse (Go 1.19 to 1.23) checks escapes in the host, user information, path and fragment
// but never in the query nor in an opaque URL; errors quote the URL without its fragment
// (verdicts and messages of promtool 2.55.1, found by npm run oracle:fuzz).
t.test('URLs as url.Parse reads them', async (t) => {
  const remoteRead = (url: string): string => `remote_read:\n  - url: ${JSON.stringify(url)}\n`;
  judge(
    t,
    [
      { url: 'http://h:80/p?q=%', errors: [] },
      { url: 'http://h/p?q=%zz', errors: [] },
      { url: 'http:foo%zz', errors: [] },
      { url: 'http://h/#\t', errors: [] },
      { url: 'http://ü/', errors: [] },
      { url: 'http://h/p%zz', errors: ['parse "http://h/p%zz": invalid URL escape "%zz"'] },
      { url: 'http://h/p#a%', errors: ['parse "http://h/p#a%": invalid URL escape "%"'] },
      { url: 'http://h/p%zz#x', errors: ['parse "http://h/p%zz": invalid URL escape "%zz"'] },
      { url: 'http://u^@h/', errors: ['parse "http://u^@h/": net/url: invalid userinfo'] },
      { url: 'http://u%zz@h/', errors: ['parse "http://u%zz@h/": invalid URL escape "%zz"'] },
      { url: 'http://h%41/', errors: ['parse "http://h%41/": invalid URL escape "%41"'] },
      { url: 'http://h^/', errors: ['parse "http://h^/": invalid character "^" in host name'] },
      { url: 'http://h:8a/', errors: ['parse "http://h:8a/": invalid port ":8a" after host'] },
      { url: 'a/b:c', errors: [] },
      { url: 'a:b/c', errors: [] },
      { url: '1a:b', errors: ['parse "1a:b": first path segment in URL cannot contain colon'] },
    ].map(({ url, errors }) => ({ name: url, yaml: remoteRead(url), errors, version: '2.55' })),
  );
});
