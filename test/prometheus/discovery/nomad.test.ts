// nomad_sd_configs: a server address; HTTP client rules.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

t.test('nomad_sd_configs', async (t) =>
  judgeSd(t, 'nomad', [
    { name: 'defaults', sd: 'region: global', errors: [] },
    {
      name: 'every field',
      sd: 'server: http://nomad:4646\nallow_stale: false\nnamespace: ns\nrefresh_interval: 30s\nregion: r\ntag_separator: ";"\nauthorization:\n  credentials: c',
      errors: [],
    },
    {
      name: 'blank server',
      sd: 'server: " "',
      errors: ['nomad SD configuration requires a server address'],
      at: { line: 4, col: 17, path: 'scrape_configs[0].nomad_sd_configs[0].server' },
    },
    {
      name: 'HTTP client rules',
      sd: 'authorization:\n  type: Basic',
      errors: ['authorization type cannot be set to "basic", use "basic_auth" instead'],
    },
    { name: 'unknown field', sd: 'datacenter: d', errors: ['field datacenter not found in type nomad.plain'] },
  ]),
);
