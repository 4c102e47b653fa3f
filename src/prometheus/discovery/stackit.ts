// stackit_sd_configs (discovery/stackit, stackit.SDConfig, 3.5): STACKIT Cloud servers of one
// project. The region defaults to eu01; an endpoint, when set, must parse as a URL.
import type { StructSpec } from '../schema/decoder.js';
import { secret, string } from '../schema/types.js';
import { goQuote } from '../model/go-string.js';
import { apiDiscoverySpec, parsesAsUrl, stringField } from './unmarshal-checks.js';

export const STACKIT_SINCE = '3.5';

export const stackitSpec: StructSpec = apiDiscoverySpec(
  'stackit.plain',
  {
    project: { type: string },
    region: { type: string, default: 'eu01' },
    endpoint: { type: string },
    service_account_key: { type: secret },
    private_key: { type: secret },
    service_account_key_path: { type: string },
    private_key_path: { type: string },
    credentials_file_path: { type: string },
  },
  [
    (sd) =>
      stringField(sd, 'endpoint') === '' && stringField(sd, 'region') === ''
        ? { message: 'stackit_sd: endpoint and region missing' }
        : undefined,
    (sd, ctx) =>
      parsesAsUrl(
        'endpoint',
        (error) => `stackit_sd: invalid endpoint ${goQuote(stringField(sd, 'endpoint'))}: ${error}`,
      )(sd, ctx),
  ],
);
