// openstack_sd_configs (discovery/openstack SDConfig): its own tls_config instead of the HTTP
// client settings; role `loadbalancer` (Octavia) since 3.2.
import type { DecodeContext, DecodedStruct, StructSpec } from '../schema/decoder.js';
import { struct } from '../schema/decoder.js';
import { bool, int, parsedString, secret, string } from '../schema/types.js';
import { duration } from '../model/duration.js';
import { goQuote } from '../model/go-string.js';
import { tlsConfigSpec } from '../http-client.js';
import { whenDecodedCleanly } from './sd-common.js';

const LOADBALANCER_SINCE = '3.2';

function rolesOf(ctx: DecodeContext): string[] {
  return ctx.atLeast(LOADBALANCER_SINCE) ? ['instance', 'hypervisor', 'loadbalancer'] : ['instance', 'hypervisor'];
}

/** openstack.Role: its UnmarshalYAML refuses unknown roles (also an empty string). */
const role = parsedString<string>('openstack.Role', '', (text, ctx) =>
  rolesOf(ctx).includes(text) ? text : { error: `unknown OpenStack SD role ${goQuote(text)}` },
);

function validateOpenstack(sd: DecodedStruct, ctx: DecodeContext): void {
  const availability = sd.get<string>('availability') ?? '';
  if (!['public', 'internal', 'admin'].includes(availability)) {
    return sd.error(
      ctx,
      `unknown availability ${availability}, must be one of admin, internal or public`,
      'availability',
    );
  }
  if ((sd.get<string>('role') ?? '') === '')
    return sd.error(ctx, `role missing (one of: ${rolesOf(ctx).join(', ')})`, sd.isSet('role') ? 'role' : undefined);
  if ((sd.get<string>('region') ?? '') === '') {
    sd.error(ctx, 'openstack SD configuration requires a region', sd.isSet('region') ? 'region' : undefined);
  }
}

export const openstackSpec: StructSpec = {
  goType: 'openstack.plain',
  fields: {
    identity_endpoint: { type: string },
    username: { type: string },
    userid: { type: string },
    password: { type: secret },
    project_name: { type: string },
    project_id: { type: string },
    domain_name: { type: string },
    domain_id: { type: string },
    application_credential_name: { type: string },
    application_credential_id: { type: string },
    application_credential_secret: { type: secret },
    role: { type: role },
    region: { type: string },
    refresh_interval: { type: duration, default: 60_000 },
    port: { type: int, default: 80 },
    all_tenants: { type: bool },
    tls_config: { type: struct(tlsConfigSpec) },
    availability: { type: string, default: 'public' },
  },
  validate: [whenDecodedCleanly(validateOpenstack)],
};
