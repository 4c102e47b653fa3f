// oci_sd_configs (discovery/oci, oci.SDConfig, 3.14): Oracle Cloud Infrastructure compute instances
// of one region, signed in with an API key (tenancy, user, fingerprint, key file) or as an instance
// principal (none of those).
import type { StructSpec } from '../schema/decoder.js';
import { list, secret, string } from '../schema/types.js';
import { formatDuration } from '../model/duration.js';
import { goQuote } from '../model/go-string.js';
import type { Check } from './unmarshal-checks.js';
import { apiDiscoverySpec, stringField } from './unmarshal-checks.js';

export const OCI_SINCE = '3.14';

const API_KEY_FIELDS = ['tenancy', 'user', 'fingerprint', 'key_file'];
const CREDENTIAL_FIELDS = [...API_KEY_FIELDS, 'key_passphrase', 'key_passphrase_file'];

const authentication: Check = (sd) => {
  const auth = stringField(sd, 'auth');
  if (auth === 'api_key') {
    const missing = API_KEY_FIELDS.find((field) => stringField(sd, field) === '');
    if (missing !== undefined) return { message: `oci_sd: api_key auth requires ${missing}` };
    if (stringField(sd, 'key_passphrase') !== '' && stringField(sd, 'key_passphrase_file') !== '')
      return { message: 'oci_sd: at most one of key_passphrase and key_passphrase_file must be configured' };
    return undefined;
  }
  if (auth === 'instance_principal') {
    return CREDENTIAL_FIELDS.some((field) => stringField(sd, field) !== '')
      ? {
          message:
            'oci_sd: instance_principal auth must not have tenancy, user, fingerprint, key_file, key_passphrase, or key_passphrase_file set',
        }
      : undefined;
  }
  return {
    message: `oci_sd: unknown auth method ${goQuote(auth)}, expected "api_key" or "instance_principal"`,
    field: 'auth',
  };
};

export const ociSpec: StructSpec = apiDiscoverySpec(
  'oci.plain',
  {
    auth: { type: string, default: 'api_key' },
    tenancy: { type: string },
    user: { type: string },
    fingerprint: { type: string },
    key_file: { type: string },
    key_passphrase: { type: secret },
    key_passphrase_file: { type: string },
    region: { type: string },
    compartments: { type: list(string) },
  },
  [
    (sd) => (stringField(sd, 'region') === '' ? { message: 'oci_sd: region is required' } : undefined),
    authentication,
    (sd) => {
      const index = (sd.get<(string | undefined)[]>('compartments') ?? []).findIndex((id) => (id ?? '') === '');
      return index < 0
        ? undefined
        : { message: `oci_sd: compartments[${index}] must not be empty`, field: 'compartments' };
    },
    (sd) => {
      const refreshMs = sd.get<number>('refresh_interval') ?? 0;
      return refreshMs <= 0
        ? {
            message: `oci_sd: refresh_interval must be positive, got ${formatDuration(refreshMs)}`,
            field: 'refresh_interval',
          }
        : undefined;
    },
  ],
);
