// outscale_sd_configs (3.12): region (default eu-west-2), access key, one secret key.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

t.test('outscale_sd_configs', async (t) =>
  judgeSd(t, 'outscale', [
    {
      name: 'before 3.12',
      sd: 'access_key: a\nsecret_key: b',
      version: '3.11',
      errors: ['outscale_sd_configs was added in Prometheus 3.12'],
    },
    { name: 'valid', sd: 'access_key: a\nsecret_key_file: /s', version: '3.12', errors: [] },
    {
      name: 'no region',
      sd: 'region: ""\naccess_key: a\nsecret_key: b',
      version: '3.16',
      errors: ['outscale SD configuration requires a region'],
    },
    {
      name: 'no access key',
      sd: 'secret_key: b',
      version: '3.16',
      errors: ['outscale SD configuration requires access_key'],
    },
    {
      name: 'no secret',
      sd: 'access_key: a',
      version: '3.16',
      errors: ['one of secret_key & secret_key_file must be configured'],
    },
    {
      name: 'two secrets',
      sd: 'access_key: a\nsecret_key: b\nsecret_key_file: c',
      version: '3.16',
      errors: ['at most one of secret_key & secret_key_file must be configured'],
    },
  ]),
);
