// triton_sd_configs: triton.SDConfig's fields (its own tls_config) and UnmarshalYAML rules.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

const valid = 'account: testAccount\ndns_suffix: triton.example.com\nendpoint: triton.example.com';

t.test('triton_sd_configs', async (t) =>
  judgeSd(t, 'triton', [
    { name: 'container role by default', sd: valid, errors: [] },
    {
      name: 'every field',
      sd: `${valid}\nrole: cn\ngroups: [web]\nport: 9163\nrefresh_interval: 1m\nversion: 1\ntls_config:\n  cert_file: c\n  key_file: k`,
      errors: [],
    },
    { name: 'at 2.42', sd: `${valid}\nrole: container`, version: '2.42', errors: [] },
    {
      name: 'unknown role',
      sd: `${valid}\nrole: vm`,
      errors: ["triton SD configuration requires role to be 'container' or 'cn'"],
      at: { line: 7, col: 15, path: 'scrape_configs[0].triton_sd_configs[0].role' },
    },
    {
      name: 'null role',
      sd: `${valid}\nrole:`,
      errors: ["triton SD configuration requires role to be 'container' or 'cn'"],
    },
    {
      name: 'account missing',
      sd: 'dns_suffix: d\nendpoint: e',
      errors: ['triton SD configuration requires an account'],
    },
    {
      name: 'dns_suffix missing',
      sd: 'account: a\nendpoint: e',
      errors: ['triton SD configuration requires a dns_suffix'],
    },
    {
      name: 'endpoint missing',
      sd: 'account: a\ndns_suffix: d',
      errors: ['triton SD configuration requires an endpoint'],
    },
    {
      name: 'zero refresh interval',
      sd: `${valid}\nrefresh_interval: 0s`,
      errors: ['triton SD configuration requires RefreshInterval to be a positive integer'],
    },
    {
      name: 'TLS key without certificate',
      sd: `${valid}\ntls_config: {key_file: k}`,
      errors: ['exactly one of cert or cert_file must be configured when a client key is configured'],
    },
    {
      name: 'no other HTTP client settings',
      sd: `${valid}\nbasic_auth: {username: u}`,
      errors: ['field basic_auth not found in type triton.plain'],
    },
    { name: 'version as a word', sd: `${valid}\nversion: one`, errors: ['cannot unmarshal !!str `one` into int'] },
  ]),
);
