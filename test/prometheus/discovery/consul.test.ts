// consul_sd_configs: server required; username/password act as basic_auth; token vs authorization.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

t.test('consul_sd_configs', async (t) =>
  judgeSd(t, 'consul', [
    { name: 'defaults', sd: 'services: [web]', errors: [] },
    {
      name: 'every field',
      sd: 'server: consul:8500\npath_prefix: /consul\ntoken: t\ndatacenter: dc1\nnamespace: ns\npartition: p\ntag_separator: ";"\nscheme: https\nusername: u\npassword: p\nallow_stale: false\nrefresh_interval: 1m\nservices: [a]\ntags: [b]\nnode_meta: {rack: r1}\ntls_config: {insecure_skip_verify: true}',
      errors: [],
    },
    {
      name: 'path_prefix at 2.44',
      sd: 'path_prefix: /consul',
      version: '2.44',
      errors: [
        'field path_prefix not found in type consul.plain (path_prefix was added in Prometheus 2.45; prometheusVersion is 2.44)',
      ],
    },
    {
      name: 'blank server',
      sd: 'server: "  "',
      errors: ['consul SD configuration requires a server address'],
      at: { line: 4, col: 17, path: 'scrape_configs[0].consul_sd_configs[0].server' },
    },
    {
      name: 'username and basic_auth',
      sd: 'username: u\nbasic_auth:\n  username: v',
      errors: ['at most one of consul SD configuration username and password and basic auth can be configured'],
    },
    {
      name: 'password meets bearer token as basic auth',
      sd: 'password: p\nbearer_token: b',
      errors: ['at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured'],
    },
    {
      name: 'token and authorization',
      sd: 'token: t\nauthorization:\n  credentials: c',
      errors: ['at most one of consul SD token, authorization, or oauth2 can be configured'],
    },
    { name: 'duplicate node_meta key', sd: 'node_meta:\n  a: x\n  a: y', errors: ['key "a" already set in map'] },
    { name: 'unknown field', sd: 'service: [a]', errors: ['field service not found in type consul.plain'] },
  ]),
);

t.test('consul_sd_configs filters (3.0, 3.11)', async (t) =>
  judgeSd(t, 'consul', [
    { name: 'filter', sd: 'filter: x', version: '3.0', errors: [] },
    {
      name: 'health_filter before 3.11',
      sd: 'health_filter: y',
      version: '3.10',
      errors: ['health_filter was added in Prometheus 3.11'],
    },
    { name: 'health_filter', sd: 'filter: x\nhealth_filter: y', version: '3.11', errors: [] },
  ]),
);
