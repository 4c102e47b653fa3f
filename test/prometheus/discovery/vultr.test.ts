// vultr_sd_configs: vultr.SDConfig's fields and the HTTP client rules.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

t.test('vultr_sd_configs', async (t) =>
  judgeSd(t, 'vultr', [
    { name: 'token', sd: 'authorization: {credentials: abcdef}', errors: [] },
    { name: 'port and refresh', sd: 'port: 9100\nrefresh_interval: 2m\nenable_http2: no', errors: [] },
    {
      name: 'http_headers before 2.53',
      sd: 'http_headers: {X-A: {values: [b]}}',
      version: '2.52',
      errors: ['http_headers was added in Prometheus 2.53'],
    },
    {
      name: 'two bearer tokens',
      sd: 'bearer_token: a\nbearer_token_file: b',
      errors: ['at most one of bearer_token & bearer_token_file must be configured'],
    },
    { name: 'port out of int range', sd: 'port: 1e30', errors: ['cannot unmarshal !!float `1e30` into int'] },
    { name: 'typo', sd: 'api_key: x', errors: ['field api_key not found in type vultr.plain'] },
  ]),
);
