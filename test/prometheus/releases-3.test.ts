// What Prometheus 3.x changed, release by release: each case is judged at several releases and
// names the message (upstream's wording) each must produce, or '' for a valid config. The verdicts
// at 2.55, 3.5, 3.7 and 3.16 were checked against upstream promtool of those releases; the others follow
// upstream's source at that tag.
import t from 'tap';
import { checkPrometheusConfig } from '../../src/prometheus/index.js';

interface Case {
  name: string;
  yaml: string;
  /** Release → expected message substring of the first error, '' when valid. */
  at: Record<string, string>;
}

const job = (body: string): string => `scrape_configs:\n  - job_name: j\n${body.replace(/^/gm, '    ')}\n`;

const cases: Case[] = [
  {
    name: 'UTF-8 external label name; legacy global scheme from 3.7',
    yaml: 'global:\n  metric_name_validation_scheme: legacy\n  external_labels:\n    "foo.bar": x\n',
    at: {
      '2.55': '"foo.bar" is not a valid label name',
      '3.0': '',
      '3.6': '',
      '3.7': '"foo.bar" is not a valid label name',
    },
  },
  {
    name: 'UTF-8 target group label and source label',
    yaml: job(
      'relabel_configs:\n  - source_labels: ["a.b"]\n    target_label: "c.d"\nstatic_configs:\n  - targets: [a:1]\n    labels: {"k8s.pod": x}',
    ),
    at: { '2.55': '"a.b" is not a valid label name', '3.0': '', '3.16': '' },
  },
  {
    name: "a job's legacy scheme governs its relabelling from 3.7",
    yaml: job(
      'metric_name_validation_scheme: legacy\nrelabel_configs:\n  - source_labels: [a]\n    target_label: "c.d"',
    ),
    at: {
      '2.55': `"c.d" is invalid 'target_label' for replace action`,
      '3.3': '',
      '3.4': 'utf8 metric names requested but validation scheme is not set to UTF8',
      '3.6': 'utf8 metric names requested but validation scheme is not set to UTF8',
      '3.7': `"c.d" is invalid 'target_label' for replace action`,
    },
  },
  {
    name: 'templated UTF-8 target: relabelTarget up to 3.1, any UTF-8 name from 3.2',
    yaml: job('relabel_configs:\n  - source_labels: [a]\n    target_label: "c.${1}"'),
    at: { '2.55': `"c.\${1}" is invalid 'target_label'`, '3.1': `"c.\${1}" is invalid 'target_label'`, '3.2': '' },
  },
  {
    name: 'labelmap replacement under the legacy global scheme',
    yaml:
      'global:\n  metric_name_validation_scheme: legacy\n' +
      job('relabel_configs:\n  - action: labelmap\n    regex: (.*)\n    replacement: x.$1'),
    at: { '3.5': '', '3.6': '', '3.7': `"x.$1" is invalid 'replacement' for labelmap action` },
  },
  {
    name: 'lowercase into a UTF-8 label',
    yaml: job('relabel_configs:\n  - action: lowercase\n    source_labels: [a]\n    target_label: x-y'),
    at: { '2.55': `"x-y" is invalid 'target_label' for lowercase action`, '3.0': '' },
  },
  {
    name: 'write and alert relabelling follow the global scheme from 3.7',
    yaml:
      'global:\n  metric_name_validation_scheme: legacy\nremote_write:\n  - url: http://a/\n    write_relabel_configs:\n      - {source_labels: [a], target_label: c.d}\n' +
      'alerting:\n  alert_relabel_configs:\n    - {source_labels: [a], target_label: c.d}\n',
    at: { '3.5': '', '3.7': `"c.d" is invalid 'target_label' for replace action` },
  },
  {
    name: 'Alertmanager API v1',
    yaml: 'alerting:\n  alertmanagers:\n    - api_version: v1\n      static_configs: [{targets: [a:9093]}]\n',
    at: { '2.55': '', '3.0': 'expected Alertmanager api version to be one of [v2] but got v1' },
  },
  {
    name: 'scrape_classic_histograms became always_scrape_classic_histograms',
    yaml: job('scrape_classic_histograms: true'),
    at: {
      '2.55': '',
      '3.0':
        'field scrape_classic_histograms not found in type config.ScrapeConfig (scrape_classic_histograms was renamed always_scrape_classic_histograms in Prometheus 3.0',
    },
  },
  {
    name: 'classic histogram switches per job (3.0) and global (3.4, 3.5)',
    yaml:
      'global:\n  convert_classic_histograms_to_nhcb: true\n  always_scrape_classic_histograms: true\n' +
      job('always_scrape_classic_histograms: false\nconvert_classic_histograms_to_nhcb: false'),
    at: {
      '2.55': 'field convert_classic_histograms_to_nhcb not found in type config.plain',
      '3.4': 'always_scrape_classic_histograms was added in Prometheus 3.5',
      '3.5': '',
    },
  },
  {
    name: 'fallback_scrape_protocol',
    yaml: job('fallback_scrape_protocol: PrometheusText9'),
    at: {
      '2.55': 'fallback_scrape_protocol was added in Prometheus 3.0',
      '3.5':
        'invalid fallback_scrape_protocol for scrape config with job name "j": unknown scrape protocol PrometheusText9, supported: [OpenMetricsText0.0.1 OpenMetricsText1.0.0 PrometheusProto PrometheusText0.0.4 PrometheusText1.0.0]',
      '3.15':
        'supported: [OpenMetricsText0.0.1 OpenMetricsText1.0.0 OpenMetricsText2.0.0 PrometheusProto PrometheusText0.0.4 PrometheusText1.0.0]',
    },
  },
  {
    name: 'PrometheusText1.0.0 (3.0) and OpenMetricsText2.0.0 (3.15)',
    yaml: 'global:\n  scrape_protocols: [PrometheusText1.0.0, OpenMetricsText2.0.0]\n',
    at: {
      '2.55': 'unknown scrape protocol PrometheusText1.0.0',
      '3.14': 'unknown scrape protocol OpenMetricsText2.0.0',
      '3.15': '',
    },
  },
  {
    name: 'unknown global validation scheme',
    yaml: 'global:\n  metric_name_validation_scheme: bogus\n' + job(''),
    at: {
      '2.55': "unknown name validation method specified, must be either 'legacy' or 'utf8', got bogus",
      '3.3': "unknown name validation method specified, must be either 'legacy' or 'utf8', got bogus",
      '3.5': "unknown global name validation method specified, must be either 'legacy' or 'utf8', got bogus",
      '3.6': 'unrecognized ValidationScheme: "bogus"',
    },
  },
  {
    name: 'the validation scheme is only judged through a job before 3.6',
    yaml: 'global:\n  metric_name_validation_scheme: bogus\n',
    at: { '3.5': '', '3.6': 'unrecognized ValidationScheme: "bogus"' },
  },
  {
    name: 'utf8 needed a feature flag in 2.55',
    yaml: 'global:\n  metric_name_validation_scheme: utf8\n' + job(''),
    at: { '2.55': 'utf8 name validation requested but feature not enabled via --enable-feature=utf8-names', '3.0': '' },
  },
  {
    name: 'unknown escaping schemes: 3.4–3.5 print the validation scheme',
    yaml: 'global:\n  metric_name_escaping_scheme: bogus\n' + job(''),
    at: {
      '3.3': 'metric_name_escaping_scheme was added in Prometheus 3.4',
      '3.5':
        "unknown global name escaping method specified, must be one of 'allow-utf-8', 'underscores', 'dots', or 'values', got utf8",
      '3.6':
        "unknown global name escaping method specified, must be one of 'allow-utf-8', 'underscores', 'dots', or 'values', got \"bogus\"",
    },
  },
  {
    name: 'unknown escaping scheme of a job',
    yaml: job('metric_name_escaping_scheme: bogus'),
    at: {
      '3.5':
        "unknown scrape config name escaping method specified, must be one of 'allow-utf-8', 'underscores', 'dots', or 'values', got utf8",
      '3.16': 'got "bogus"',
    },
  },
  {
    name: 'legacy validation with allow-utf-8 escaping',
    yaml: 'global:\n  metric_name_validation_scheme: legacy\n  metric_name_escaping_scheme: allow-utf-8\n' + job(''),
    at: {
      '3.4': 'utf8 metric names requested but validation scheme is not set to UTF8',
      '3.16': 'utf8 metric names requested',
    },
  },
  {
    name: 'OTLP translation strategies',
    yaml: 'global:\n  metric_name_validation_scheme: legacy\notlp:\n  translation_strategy: NoUTF8EscapingWithSuffixes\n',
    at: {
      '2.55': 'translation_strategy was added in Prometheus 3.0',
      '3.0': 'OTLP translation strategy NoUTF8EscapingWithSuffixes is not allowed when UTF8 is disabled',
      '3.4': 'OTLP translation strategy "NoUTF8EscapingWithSuffixes" is not allowed when UTF8 is disabled',
    },
  },
  {
    name: 'OTLP strategy added in 3.6',
    yaml: 'otlp:\n  translation_strategy: UnderscoreEscapingWithoutSuffixes\n',
    at: { '3.5': 'unsupported OTLP translation strategy "UnderscoreEscapingWithoutSuffixes"', '3.6': '' },
  },
  {
    name: 'OTLP promote-all with promoted attributes',
    yaml: 'otlp:\n  promote_all_resource_attributes: true\n  promote_resource_attributes: [a]\n',
    at: {
      '3.4': 'promote_all_resource_attributes was added in Prometheus 3.5',
      '3.5': "'promote_all_resource_attributes' and 'promote_resource_attributes' cannot be configured simultaneously",
    },
  },
  {
    name: 'OTLP duplicated ignored attribute',
    yaml: 'otlp:\n  promote_all_resource_attributes: true\n  ignore_resource_attributes: [a, " a"]\n',
    at: { '3.5': `invalid 'ignore_resource_attributes': duplicated ignored OTel resource attribute "a"` },
  },
  {
    name: 'OTLP fields of 3.1, 3.4, 3.6 and 3.8',
    yaml: 'otlp:\n  keep_identifying_resource_attributes: true\n  convert_histograms_to_nhcb: true\n  promote_scope_metadata: true\n  label_name_underscore_sanitization: false\n  label_name_preserve_multiple_underscores: false\n',
    at: {
      '3.0': 'keep_identifying_resource_attributes was added in Prometheus 3.1',
      '3.7': 'label_name_underscore_sanitization was added in Prometheus 3.8',
      '3.8': '',
    },
  },
  {
    name: 'storage.tsdb retention (3.8) with a negative size (checked from 3.11)',
    yaml: 'storage:\n  tsdb:\n    retention:\n      time: 15d\n      size: -1536B\n',
    at: {
      '3.7': 'retention was added in Prometheus 3.8',
      '3.10': '',
      '3.11': "'storage.tsdb.retention.size' must be greater than or equal to 0, got -1KiB-512B",
    },
  },
  {
    name: 'retention percentage',
    yaml: 'storage:\n  tsdb:\n    retention:\n      percentage: 150\n',
    at: {
      '3.10': 'percentage was added in Prometheus 3.11',
      '3.11': "'storage.tsdb.retention.percentage' must be in the range [0, 100], got 150",
    },
  },
  {
    name: 'float chunk encoding',
    yaml: 'storage:\n  tsdb:\n    stale_series_compaction_threshold: 0.5\n    chunk_encoding:\n      floats: gorilla\n',
    at: {
      '3.9': 'stale_series_compaction_threshold was added in Prometheus 3.10',
      '3.13': `'storage.tsdb.chunk_encoding.floats' must be 'xor' or 'xor2', or the field must be omitted entirely, got "gorilla"`,
    },
  },
  {
    name: 'runtime log level',
    yaml: 'runtime:\n  log_level: verbose\n',
    at: { '3.14': 'log_level was added in Prometheus 3.15', '3.15': 'unrecognized log level verbose' },
  },
  { name: 'runtime log level, any case', yaml: 'runtime:\n  log_level: DEBUG\n', at: { '3.16': '' } },
  {
    name: 'remote write queue checked from 3.12',
    yaml: 'remote_write:\n  - url: http://a/\n    queue_config: {min_shards: 10, max_shards: 5}\n',
    at: { '3.11': '', '3.12': 'remote write queue min_shards must not be greater than max_shards' },
  },
  {
    name: 'a null queue is all zeros',
    yaml: 'remote_write:\n  - url: http://a/\n    queue_config: ~\n',
    at: { '3.11': '', '3.12': 'remote write queue max_shards must be positive' },
  },
  {
    name: 'remote write fields of 3.1, 3.15, 3.16',
    yaml: 'remote_write:\n  - url: http://a/\n    round_robin_dns: true\n    failed_request_logging: true\n    convert_nhcb_to_classic: true\n',
    at: {
      '3.0': 'round_robin_dns was added in Prometheus 3.1',
      '3.15': 'convert_nhcb_to_classic was added in Prometheus 3.16',
      '3.16': '',
    },
  },
  {
    name: 'unknown protobuf message, reworded in 3.8',
    yaml: 'remote_write:\n  - url: http://a/\n    protobuf_message: v3\n',
    at: {
      '3.7':
        'invalid protobuf_message value: unknown remote write protobuf message v3, supported: prometheus.WriteRequest, io.prometheus.write.v2.Request',
      '3.8':
        'invalid protobuf_message value: unknown type for remote write protobuf message v3, supported: prometheus.WriteRequest, io.prometheus.write.v2.Request',
    },
  },
  {
    name: 'no default port since 3.0, so no scheme check on static targets',
    yaml: job('scheme: ftp\nstatic_configs:\n  - targets: [localhost]'),
    at: { '2.55': 'instance 0 in group 0: invalid scheme: "ftp"', '3.0': '' },
  },
  {
    name: 'histogram switches relabelled per target (3.13)',
    yaml: job(
      'relabel_configs:\n  - target_label: __scrape_native_histograms__\n    replacement: maybe\nstatic_configs:\n  - targets: [localhost:1]',
    ),
    at: {
      '3.12': '',
      '3.13':
        'instance 0 in group 0: error parsing scrape native histograms: strconv.ParseBool: parsing "maybe": invalid syntax',
    },
  },
  {
    name: 'global scrape switches of 3.8, 3.10 and query limits of 3.16',
    yaml:
      'global:\n  scrape_native_histograms: true\n  extra_scrape_metrics: true\n  query_max_duration: 1h\n  query_max_samples_read: 100\n  query_max_series: 10\n' +
      job('scrape_native_histograms: false\nextra_scrape_metrics: false'),
    at: {
      '3.7': 'scrape_native_histograms was added in Prometheus 3.8',
      '3.15': 'query_max_duration was added in Prometheus 3.16',
      '3.16': '',
    },
  },
  {
    name: 'STACKIT service discovery (3.5)',
    yaml: job('stackit_sd_configs:\n  - project: p\n    region: ""'),
    at: { '3.4': 'stackit_sd_configs was added in Prometheus 3.5', '3.5': 'stackit_sd: endpoint and region missing' },
  },
  {
    name: 'STACKIT endpoint must parse',
    yaml: job('stackit_sd_configs:\n  - endpoint: "://invalid"'),
    at: { '3.5': 'stackit_sd: invalid endpoint "://invalid": parse "://invalid": missing protocol scheme' },
  },
  {
    name: 'oauth2 JWT bearer grant (common 0.67.4, 3.8)',
    yaml: job(
      'oauth2:\n  client_id: x\n  token_url: http://t/\n  grant_type: urn:ietf:params:oauth:grant-type:jwt-bearer\n  client_certificate_key: k\n  client_certificate_key_file: f\n  claims: {a: 1, b: [x]}',
    ),
    at: {
      '3.7': 'field grant_type not found in type config.plain (grant_type was added in Prometheus 3.8',
      '3.8':
        'at most one of oauth2 client_certificate_key, client_certificate_key_file & client_certificate_key_ref must be configured using grant-type=urn:ietf:params:oauth:grant-type:jwt-bearer',
    },
  },
  {
    name: 'oauth2 JWT signature algorithm',
    yaml: job(
      'oauth2:\n  client_id: x\n  token_url: http://t/\n  grant_type: urn:ietf:params:oauth:grant-type:jwt-bearer\n  signature_algorithm: HS256',
    ),
    at: { '3.16': 'valid signature algorithms are RS256, RS384 and RS512' },
  },
  {
    name: 'two oauth2 client secrets, reworded in 3.8',
    yaml: job('oauth2:\n  client_id: x\n  token_url: http://t/\n  client_secret: a\n  client_secret_file: b'),
    at: {
      '3.7': 'at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be configured',
      '3.8':
        'at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be configured using grant-type=client_credentials',
    },
  },
  {
    name: 'sigv4 fields of 3.1 and 3.5',
    yaml: 'remote_write:\n  - url: http://a/\n    sigv4: {region: eu-west-1, use_fips_sts_endpoint: true, service_name: aps}\n',
    at: {
      '3.0': 'use_fips_sts_endpoint was added in Prometheus 3.1',
      '3.4': 'service_name was added in Prometheus 3.5',
      '3.5': '',
    },
  },
  {
    name: 'sigv4 external_id needs role_arn (3.10)',
    yaml: 'remote_write:\n  - url: http://a/\n    sigv4: {region: eu-west-1, external_id: x}\n',
    at: { '3.9': 'external_id was added in Prometheus 3.10', '3.10': 'external_id can only be used with role_arn' },
  },
  {
    name: 'sigv4 session name (3.15)',
    yaml: 'remote_write:\n  - url: http://a/\n    sigv4: {region: eu-west-1, role_arn: "arn:aws:iam::1:role/x", session_name: "a b"}\n',
    at: { '3.15': 'session_name must match ^[\\w+=,.@-]{2,64}$ (2-64 alphanumeric and +=,.@- characters)' },
  },
  {
    name: 'Azure AD managed identity without client_id (optional from 3.5)',
    yaml: 'remote_write:\n  - url: http://a/\n    azuread:\n      managed_identity: {}\n',
    at: { '3.4': 'must provide an Azure Managed Identity client_id in the Azure AD config', '3.5': '' },
  },
  {
    name: 'Azure AD methods counted from 3.7, certificate in 3.13',
    yaml: 'remote_write:\n  - url: http://a/\n    azuread:\n      cloud: AzurePublic\n',
    at: {
      '3.6': 'must provide an Azure Managed Identity, Azure OAuth or Azure SDK in the Azure AD config',
      '3.7':
        'must provide an Azure Managed Identity, Azure Workload Identity, Azure OAuth or Azure SDK in the Azure AD config',
      '3.13':
        'must provide an Azure Managed Identity, Azure Workload Identity, Azure OAuth, Azure Certificate or Azure SDK in the Azure AD config',
    },
  },
  {
    name: 'two Azure AD methods',
    yaml: 'remote_write:\n  - url: http://a/\n    azuread:\n      managed_identity: {client_id: 00000000-0000-0000-0000-000000000000}\n      sdk: {}\n',
    at: {
      '3.6': 'cannot provide both Azure Managed Identity and Azure SDK in the Azure AD config',
      '3.7': 'cannot provide multiple authentication methods in the Azure AD config',
    },
  },
  {
    name: 'Azure AD workload identity (3.7) and scope (3.9)',
    yaml: 'remote_write:\n  - url: http://a/\n    azuread:\n      workload_identity: {client_id: 00000000-0000-0000-0000-000000000000, tenant_id: x}\n',
    at: {
      '3.6': 'workload_identity was added in Prometheus 3.7',
      '3.7': 'the provided Azure Workload Identity tenant_id is invalid',
    },
  },
  {
    name: 'Azure AD scope characters',
    yaml: 'remote_write:\n  - url: http://a/\n    azuread:\n      sdk: {}\n      scope: "a*"\n',
    at: { '3.8': 'scope was added in Prometheus 3.9', '3.9': 'the provided scope contains invalid characters' },
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    for (const [version, expected] of Object.entries(c.at)) {
      const { errors } = checkPrometheusConfig(c.yaml, { prometheusVersion: version });
      const messages = errors.map((error) => `${error.line}:${error.col}: ${error.path}: ${error.message}`);
      if (expected === '') t.same(messages, [], `${version}: valid`);
      else t.ok(errors[0]?.message.includes(expected), `${version}: ${expected}`, { messages });
    }
  });
}
