// ovhcloud_sd_configs (discovery/ovhcloud, ovhcloud.SDConfig): OVHcloud dedicated servers or VPS.
// The OVH API client takes its credentials from these fields; no HTTP client settings.
import type { StructSpec } from '../schema/decoder.js';
import { secret, string } from '../schema/types.js';
import { duration } from '../model/duration.js';
import type { Check } from './unmarshal-checks.js';
import { required, stringField, unmarshalChecks } from './unmarshal-checks.js';

const knownService: Check = (sd) => {
  const service = stringField(sd, 'service');
  return service === 'dedicated_server' || service === 'vps'
    ? undefined
    : { message: `unknown service: ${service}`, field: 'service' };
};

export const ovhcloudSpec: StructSpec = {
  goType: 'ovhcloud.plain',
  fields: {
    endpoint: { type: string, default: 'ovh-eu' },
    application_key: { type: string },
    application_secret: { type: secret },
    consumer_key: { type: secret },
    refresh_interval: { type: duration, default: 60_000 },
    service: { type: string },
  },
  validate: [
    unmarshalChecks(
      [
        required('endpoint', 'endpoint can not be empty'),
        required('application_key', 'application key can not be empty'),
        required('application_secret', 'application secret can not be empty'),
        required('consumer_key', 'consumer key can not be empty'),
        knownService,
      ],
      'none',
    ),
  ],
};
