// scaleway_sd_configs (discovery/scaleway, scaleway.SDConfig): Scaleway instances or bare-metal
// servers. After its own checks, UnmarshalYAML builds a scaleway-sdk-go client from the settings, and
// the SDK's option validation (settings.validate) refuses malformed keys, IDs, zones and API URLs.
import type { DecodeContext, DecodedStruct, StructSpec } from '../schema/decoder.js';
import { list, secret, string } from '../schema/types.js';
import { parseGoUrl } from '../model/url.js';
import type { Check } from './unmarshal-checks.js';
import { apiDiscoverySpec, required, roleType, stringField } from './unmarshal-checks.js';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const ACCESS_KEY = /^SCW[A-Z0-9]{17}$/;
const ZONE = /^[a-z]{2}-[a-z]{3}-[1-9]$/;
const EXPECTED_UUID = 'expected a UUID: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx';

/** scw.AllZones of the SDK release each Prometheus bundles (only the error message lists them):
 *  beta.12 in 2.42, nl-ams-3 from beta.14 (2.43), pl-waw-3 from beta.21 (2.48). */
function knownZones(ctx: DecodeContext): string[] {
  const zones = ['fr-par-1', 'fr-par-2', 'fr-par-3', 'nl-ams-1', 'nl-ams-2'];
  if (ctx.atLeast('2.43')) zones.push('nl-ams-3');
  zones.push('pl-waw-1', 'pl-waw-2');
  if (ctx.atLeast('2.48')) zones.push('pl-waw-3');
  return zones;
}

const sdkError = (message: string, field: string) => ({ message: `scaleway-sdk-go: ${message}`, field });

const onlyOneSecret: Check = (sd) => {
  const hasKey = stringField(sd, 'secret_key') !== '';
  const hasFile = stringField(sd, 'secret_key_file') !== '';
  if (!hasKey && !hasFile) return { message: 'one of secret_key & secret_key_file must be configured' };
  if (hasKey && hasFile)
    return { message: 'at most one of secret_key & secret_key_file must be configured', field: 'secret_key_file' };
  return undefined;
};

/** The checks of scaleway-sdk-go's settings.validate on the profile Prometheus builds. The SDK
 *  prints a malformed secret key in its message; we say `<secret>` instead, as Prometheus does
 *  whenever it prints a config.Secret. A secret_key_file stands in as a valid all-zero UUID. */
const sdkAcceptsProfile: Check = (sd: DecodedStruct, ctx: DecodeContext) => {
  const accessKey = stringField(sd, 'access_key');
  if (!ACCESS_KEY.test(accessKey)) {
    return sdkError(`invalid access key format '${accessKey}', expected SCWXXXXXXXXXXXXXXXXX format`, 'access_key');
  }
  if (stringField(sd, 'secret_key_file') === '' && !UUID.test(stringField(sd, 'secret_key'))) {
    return sdkError(`invalid secret key format '<secret>', ${EXPECTED_UUID}`, 'secret_key');
  }
  const project = stringField(sd, 'project_id');
  if (!UUID.test(project)) return sdkError(`invalid project ID format '${project}', ${EXPECTED_UUID}`, 'project_id');
  const zone = stringField(sd, 'zone');
  if (zone === '') return sdkError('default zone cannot be empty', 'zone');
  if (!ZONE.test(zone)) {
    return sdkError(
      `invalid default zone format '${zone}', available zones are: ${knownZones(ctx).join(', ')}`,
      'zone',
    );
  }
  const apiUrl = stringField(sd, 'api_url');
  // The SDK looks at the last character of the URL without checking its length: an empty api_url
  // makes Prometheus panic while it loads the configuration.
  if (apiUrl === '')
    return { message: 'api_url must not be empty (Prometheus crashes on an empty Scaleway api_url)', field: 'api_url' };
  if ('error' in parseGoUrl(apiUrl)) return sdkError(`invalid url ${apiUrl}`, 'api_url');
  if (apiUrl.endsWith('/')) return sdkError(`invalid url ${apiUrl} it should not have a trailing slash`, 'api_url');
  return undefined;
};

export const scalewaySpec: StructSpec = apiDiscoverySpec(
  'scaleway.plain',
  {
    project_id: { type: string },
    api_url: { type: string, default: 'https://api.scaleway.com' },
    zone: { type: string, default: 'fr-par-1' },
    access_key: { type: string },
    secret_key: { type: secret },
    secret_key_file: { type: string },
    name_filter: { type: string },
    tags_filter: { type: list(string) },
    role: { type: roleType('scaleway.role', ['instance', 'baremetal']) },
  },
  [
    required('role', 'role missing (one of: instance, baremetal)'),
    required('project_id', 'project_id is mandatory'),
    onlyOneSecret,
    required('access_key', 'access_key is mandatory'),
    sdkAcceptsProfile,
  ],
);
