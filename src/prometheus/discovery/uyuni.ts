// uyuni_sd_configs (discovery/uyuni, uyuni.SDConfig): systems managed by an Uyuni/SUSE Manager
// server. Its UnmarshalYAML validates the HTTP client settings only from 2.48.
import type { StructSpec } from '../schema/decoder.js';
import { secret, string } from '../schema/types.js';
import { duration } from '../model/duration.js';
import { parsesAsUrl, required, unmarshalChecks } from './unmarshal-checks.js';
import { httpClientFieldsSpec } from './sd-common.js';

export const uyuniSpec: StructSpec = {
  goType: 'uyuni.plain',
  fields: {
    server: { type: string },
    username: { type: string },
    password: { type: secret },
    entitlement: { type: string, default: 'monitoring_entitled' },
    separator: { type: string, default: ',' },
    refresh_interval: { type: duration, default: 60_000 },
  },
  inline: [httpClientFieldsSpec],
  validate: [
    unmarshalChecks(
      [
        required('server', 'Uyuni SD configuration requires server host'),
        parsesAsUrl('server', (error) => `Uyuni Server URL is not valid: ${error}`),
        required('username', 'Uyuni SD configuration requires a username'),
        required('password', 'Uyuni SD configuration requires a password'),
      ],
      { since: '2.48' },
    ),
  ],
};
