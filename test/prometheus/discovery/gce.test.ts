// gce_sd_configs: project and zone required.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

t.test('gce_sd_configs', async (t) =>
  judgeSd(t, 'gce', [
    {
      name: 'every field',
      sd: 'project: p\nzone: europe-west1-b\nfilter: status = RUNNING\nrefresh_interval: 1m\nport: 9100\ntag_separator: ";"',
      errors: [],
    },
    {
      name: 'no project',
      sd: 'zone: z',
      errors: ['GCE SD configuration requires a project'],
      at: { line: 4, col: 9, path: 'scrape_configs[0].gce_sd_configs[0]' },
    },
    {
      name: 'empty zone',
      sd: 'project: p\nzone: ""',
      errors: ['GCE SD configuration requires a zone'],
      at: { line: 5, col: 15, path: 'scrape_configs[0].gce_sd_configs[0].zone' },
    },
    {
      name: 'unknown field',
      sd: 'project: p\nzone: z\nzones: [a]',
      errors: ['field zones not found in type gce.plain'],
    },
  ]),
);
