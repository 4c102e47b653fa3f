// hetzner_sd_configs: hetzner.SDConfig's fields, the role type and UnmarshalYAML rules.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

t.test('hetzner_sd_configs', async (t) =>
  judgeSd(t, 'hetzner', [
    { name: 'hcloud', sd: 'role: hcloud\nauthorization: {credentials: abcdef}', errors: [] },
    {
      name: 'robot',
      sd: 'role: robot\nbasic_auth: {username: u, password: p}\nport: 9100\nrefresh_interval: 5m',
      errors: [],
    },
    { name: 'robot at 2.42', sd: 'role: robot', version: '2.42', errors: [] },
    {
      name: 'unknown role',
      sd: 'role: invalid',
      errors: ['unknown role "invalid"'],
      at: { line: 4, col: 15, path: 'scrape_configs[0].hetzner_sd_configs[0].role' },
    },
    { name: 'unknown role at 2.42', sd: 'role: Robot', version: '2.42', errors: ['unknown role "Robot"'] },
    { name: 'explicit empty role', sd: 'role: ""', errors: ['unknown role ""'] },
    { name: 'null role', sd: 'role:\nport: 80', errors: ['role missing (one of: robot, hcloud)'] },
    {
      name: 'role missing',
      sd: 'port: 80',
      errors: ['role missing (one of: robot, hcloud)'],
      at: { line: 4, col: 9, path: 'scrape_configs[0].hetzner_sd_configs[0].role' },
    },
    { name: 'role as a list', sd: 'role: [robot]', errors: ['cannot unmarshal !!seq into string'] },
    {
      name: 'basic_auth with oauth2',
      sd: 'role: hcloud\nbasic_auth: {username: u}\noauth2: {client_id: c, token_url: http://t}',
      errors: ['at most one of basic_auth, oauth2 & authorization must be configured'],
    },
    { name: 'typo', sd: 'role: hcloud\nrefresh: 1m', errors: ['field refresh not found in type hetzner.plain'] },
  ]),
);

t.test('hetzner_sd_configs label_selector (3.5)', async (t) =>
  judgeSd(t, 'hetzner', [
    {
      name: 'before 3.5',
      sd: 'role: hcloud\nlabel_selector: env=prod',
      version: '3.4',
      errors: ['label_selector was added in Prometheus 3.5'],
    },
    { name: 'label_selector', sd: 'role: hcloud\nlabel_selector: env=prod', version: '3.5', errors: [] },
  ]),
);
