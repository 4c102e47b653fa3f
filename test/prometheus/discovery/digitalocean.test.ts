// digitalocean_sd_configs: digitalocean.SDConfig's fields and the HTTP client rules.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

t.test('digitalocean_sd_configs', async (t) =>
  judgeSd(t, 'digitalocean', [
    { name: 'token', sd: 'authorization: {credentials: abcdef}', errors: [] },
    {
      name: 'port and refresh',
      sd: 'port: 9100\nrefresh_interval: 30s\nproxy_url: http://proxy:3128',
      version: '2.42',
      errors: [],
    },
    {
      name: 'oauth2 without client_id',
      sd: 'oauth2: {client_secret: s, token_url: http://t}',
      errors: ['oauth2 client_id must be configured'],
    },
    { name: 'negative refresh', sd: 'refresh_interval: -1m', errors: ['not a valid duration string: "-1m"'] },
    {
      name: 'typo',
      sd: 'token: abc',
      errors: ['field token not found in type digitalocean.plain'],
      at: { line: 4, col: 9, path: 'scrape_configs[0].digitalocean_sd_configs[0].token' },
    },
  ]),
);

t.test('digitalocean_sd_configs role (3.12)', async (t) =>
  judgeSd(t, 'digitalocean', [
    { name: 'before 3.12', sd: 'role: databases', version: '3.11', errors: ['role was added in Prometheus 3.12'] },
    { name: 'databases', sd: 'role: databases', version: '3.12', errors: [] },
    {
      name: 'unknown role',
      sd: 'role: kubernetes',
      version: '3.16',
      errors: ['unknown DigitalOcean SD role "kubernetes"'],
    },
    { name: 'null role', sd: 'role: ~', version: '3.16', errors: ['role missing (one of: droplets, databases)'] },
  ]),
);
