// marathon_sd_configs: servers required; auth_token(_file) against the HTTP authentication.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

t.test('marathon_sd_configs', async (t) =>
  judgeSd(t, 'marathon', [
    {
      name: 'servers and token',
      sd: 'servers: [http://marathon:8080]\nauth_token: t\nrefresh_interval: 1m',
      errors: [],
    },
    {
      name: 'no servers',
      sd: 'servers: []',
      errors: ['marathon_sd: must contain at least one Marathon server'],
      at: { line: 4, col: 18, path: 'scrape_configs[0].marathon_sd_configs[0].servers' },
    },
    {
      name: 'token and token file',
      sd: 'servers: [a]\nauth_token: t\nauth_token_file: f',
      errors: ['marathon_sd: at most one of auth_token & auth_token_file must be configured'],
    },
    {
      name: 'token file and bearer token',
      sd: 'servers: [a]\nauth_token_file: f\nbearer_token: b',
      errors: [
        'marathon_sd: at most one of bearer_token, bearer_token_file, auth_token & auth_token_file must be configured',
      ],
    },
    {
      name: 'HTTP client rules',
      sd: 'servers: [a]\nbearer_token: b\nbearer_token_file: f',
      errors: ['at most one of bearer_token & bearer_token_file must be configured'],
    },
  ]),
);
