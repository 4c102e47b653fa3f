// linode_sd_configs: linode.SDConfig's fields (region from 2.52) and the HTTP client rules.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

t.test('linode_sd_configs', async (t) =>
  judgeSd(t, 'linode', [
    { name: 'token', sd: 'authorization: {credentials: abcdef}', errors: [] },
    {
      name: 'every field',
      sd: 'authorization: {credentials_file: /t}\nport: 9100\ntag_separator: ";"\nregion: us-east\nrefresh_interval: 1m',
      errors: [],
    },
    { name: 'empty item', sd: '{}', errors: [] },
    {
      name: 'region before 2.52',
      sd: 'region: us-east',
      version: '2.51',
      errors: [
        'field region not found in type linode.plain (region was added in Prometheus 2.52; prometheusVersion is 2.51)',
      ],
    },
    { name: 'region at 2.52', sd: 'region: us-east', version: '2.52', errors: [] },
    {
      name: 'bearer token with authorization',
      sd: 'bearer_token: a\nauthorization: {credentials: b}',
      errors: ['authorization is not compatible with bearer_token & bearer_token_file'],
    },
    { name: 'typo', sd: 'tags_separator: ","', errors: ['field tags_separator not found in type linode.plain'] },
  ]),
);
