// outscale_sd_configs (discovery/outscale, outscale.SDConfig, 3.12): Outscale VMs of one region
// (default eu-west-2), with an access key and exactly one of secret_key and secret_key_file.
import type { StructSpec } from '../schema/decoder.js';
import { secret, string } from '../schema/types.js';
import { apiDiscoverySpec, required, stringField } from './unmarshal-checks.js';

export const OUTSCALE_SINCE = '3.12';

export const outscaleSpec: StructSpec = apiDiscoverySpec(
  'outscale.plain',
  {
    endpoint: { type: string },
    region: { type: string, default: 'eu-west-2' },
    access_key: { type: string },
    secret_key: { type: secret },
    secret_key_file: { type: string },
  },
  [
    required('region', 'outscale SD configuration requires a region'),
    required('access_key', 'outscale SD configuration requires access_key'),
    (sd) => {
      const inline = stringField(sd, 'secret_key') !== '';
      const file = stringField(sd, 'secret_key_file') !== '';
      if (!inline && !file) return { message: 'one of secret_key & secret_key_file must be configured' };
      return inline && file
        ? { message: 'at most one of secret_key & secret_key_file must be configured', field: 'secret_key_file' }
        : undefined;
    },
  ],
);
