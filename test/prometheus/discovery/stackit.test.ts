// stackit_sd_configs (3.5): region (default eu01) or endpoint, which must parse as a URL.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

t.test('stackit_sd_configs', async (t) =>
  judgeSd(t, 'stackit', [
    {
      name: 'before 3.5',
      sd: 'project: p',
      version: '3.4',
      errors: ['stackit_sd_configs was added in Prometheus 3.5'],
    },
    {
      name: 'all fields',
      sd: 'project: p\nservice_account_key_path: /a\nprivate_key_path: /b\ncredentials_file_path: /c\nendpoint: https://x/',
      version: '3.5',
      errors: [],
    },
    {
      name: 'neither region nor endpoint',
      sd: 'project: p\nregion: ""',
      version: '3.16',
      errors: ['stackit_sd: endpoint and region missing'],
    },
    {
      name: 'endpoint not a URL',
      sd: 'endpoint: "://invalid"',
      version: '3.5',
      errors: ['stackit_sd: invalid endpoint "://invalid": parse "://invalid": missing protocol scheme'],
    },
  ]),
);
