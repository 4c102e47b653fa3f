// ionos_sd_configs: ionos.SDConfig's fields and UnmarshalYAML rules.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

t.test('ionos_sd_configs', async (t) =>
  judgeSd(t, 'ionos', [
    {
      name: 'datacenter with credentials',
      sd: 'datacenter_id: 8feda53f-15f0-447f-badf-ebe32dad2fc0\nauthorization: {credentials: abcdef}\nport: 9100\nrefresh_interval: 1m',
      errors: [],
    },
    { name: 'at 2.42', sd: 'datacenter_id: x\nbasic_auth: {username: u, password: p}', version: '2.42', errors: [] },
    {
      name: 'datacenter missing',
      sd: 'port: 80',
      errors: ["datacenter id can't be empty"],
      at: { line: 4, col: 9, path: 'scrape_configs[0].ionos_sd_configs[0].datacenter_id' },
    },
    {
      name: 'datacenter empty',
      sd: 'datacenter_id: ""',
      errors: ["datacenter id can't be empty"],
      at: { line: 4, col: 24, path: 'scrape_configs[0].ionos_sd_configs[0].datacenter_id' },
    },
    { name: 'datacenter as a map', sd: 'datacenter_id: {id: x}', errors: ['cannot unmarshal !!map into string'] },
    {
      name: 'two passwords',
      sd: 'datacenter_id: x\nbasic_auth: {username: u, password: p, password_file: f}',
      errors: ['at most one of basic_auth password, password_file & password_ref must be configured'],
    },
    { name: 'typo', sd: 'datacenter: x', errors: ['field datacenter not found in type ionos.plain'] },
  ]),
);
