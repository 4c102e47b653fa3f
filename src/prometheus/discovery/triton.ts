// triton_sd_configs (discovery/triton, triton.SDConfig): Joyent Triton containers or compute nodes.
// It has its own `tls_config` but no other HTTP client settings.
import type { StructSpec } from '../schema/decoder.js';
import { struct } from '../schema/decoder.js';
import { int, list, string } from '../schema/types.js';
import { duration } from '../model/duration.js';
import { tlsConfigSpec } from '../http-client.js';
import type { Check } from './unmarshal-checks.js';
import { required, stringField, unmarshalChecks } from './unmarshal-checks.js';

const knownRole: Check = (sd) => {
  const role = stringField(sd, 'role');
  return role === 'container' || role === 'cn'
    ? undefined
    : { message: "triton SD configuration requires role to be 'container' or 'cn'", field: 'role' };
};

const positiveRefreshInterval: Check = (sd) =>
  (sd.get<number>('refresh_interval') ?? 0) <= 0
    ? {
        message: 'triton SD configuration requires RefreshInterval to be a positive integer',
        field: 'refresh_interval',
      }
    : undefined;

export const tritonSpec: StructSpec = {
  goType: 'triton.plain',
  fields: {
    account: { type: string },
    role: { type: string, default: 'container' },
    dns_suffix: { type: string },
    endpoint: { type: string },
    groups: { type: list(string) },
    port: { type: int, default: 9163 },
    refresh_interval: { type: duration, default: 60_000 },
    tls_config: { type: struct(tlsConfigSpec) },
    version: { type: int, default: 1 },
  },
  validate: [
    unmarshalChecks(
      [
        knownRole,
        required('account', 'triton SD configuration requires an account'),
        required('dns_suffix', 'triton SD configuration requires a dns_suffix'),
        required('endpoint', 'triton SD configuration requires an endpoint'),
        positiveRefreshInterval,
      ],
      'none',
    ),
  ],
};
