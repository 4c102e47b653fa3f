// digitalocean_sd_configs (discovery/digitalocean, digitalocean.SDConfig): droplets, and from 3.12
// managed databases (`role`, default droplets); otherwise only the HTTP client settings are checked.
import type { StructSpec } from '../schema/decoder.js';
import { parsedString } from '../schema/types.js';
import { goQuote } from '../model/go-string.js';
import { apiDiscoverySpec, required } from './unmarshal-checks.js';

const ROLE_SINCE = '3.12';

/** digitalocean.Role: its UnmarshalYAML refuses other values (also an empty string). */
const role = parsedString<string>('digitalocean.Role', '', (text) =>
  text === 'droplets' || text === 'databases' ? text : { error: `unknown DigitalOcean SD role ${goQuote(text)}` },
);

export const digitaloceanSpec: StructSpec = apiDiscoverySpec(
  'digitalocean.plain',
  { role: { type: role, default: 'droplets', since: ROLE_SINCE } },
  [
    (sd, ctx) =>
      ctx.atLeast(ROLE_SINCE) ? required('role', 'role missing (one of: droplets, databases)')(sd, ctx) : undefined,
  ],
);
