// azure_sd_configs (discovery/azure SDConfig). Authentication method `SDK` since 2.52; the HTTP
// client settings are validated from 2.48.
import type { DecodeContext, DecodedStruct, StructSpec } from '../schema/decoder.js';
import { int, secret, string } from '../schema/types.js';
import { duration } from '../model/duration.js';
import { goQuote } from '../model/go-string.js';
import { httpClientFieldsSpec, validateHttpClient, whenDecodedCleanly } from './sd-common.js';

const SDK_AUTHENTICATION_SINCE = '2.52';
const HTTP_CLIENT_VALIDATION_SINCE = '2.48';

function authenticationMethodProblem(method: string, ctx: DecodeContext): string | undefined {
  const sdk = ctx.atLeast(SDK_AUTHENTICATION_SINCE);
  const supported = sdk ? ['OAuth', 'ManagedIdentity', 'SDK'] : ['OAuth', 'ManagedIdentity'];
  if (supported.includes(method)) return undefined;
  const listed = sdk ? `"OAuth", "ManagedIdentity" or "SDK"` : `"OAuth" or "ManagedIdentity"`;
  const hint = method === 'SDK' ? ` (SDK was added in Prometheus ${SDK_AUTHENTICATION_SINCE})` : '';
  return `unknown authentication_type ${goQuote(method)}. Supported types are ${listed}${hint}`;
}

function validateAzure(sd: DecodedStruct, ctx: DecodeContext): void {
  const method = sd.get<string>('authentication_method') ?? '';
  const required =
    method === 'OAuth' ? ['subscription_id', 'tenant_id', 'client_id', 'client_secret'] : ['subscription_id'];
  const missing = required.find((name) => (sd.get<string>(name) ?? '') === '');
  if (missing !== undefined)
    return sd.error(ctx, `azure SD configuration requires a ${missing}`, sd.isSet(missing) ? missing : undefined);
  const problem = authenticationMethodProblem(method, ctx);
  if (problem !== undefined) return sd.error(ctx, problem, 'authentication_method');
  if (ctx.atLeast(HTTP_CLIENT_VALIDATION_SINCE)) validateHttpClient(sd, ctx);
}

export const azureSpec: StructSpec = {
  goType: 'azure.plain',
  fields: {
    environment: { type: string, default: 'AzurePublicCloud' },
    port: { type: int, default: 80 },
    subscription_id: { type: string },
    tenant_id: { type: string },
    client_id: { type: string },
    client_secret: { type: secret },
    refresh_interval: { type: duration, default: 300_000 },
    authentication_method: { type: string, default: 'OAuth' },
    resource_group: { type: string },
  },
  inline: [httpClientFieldsSpec],
  validate: [whenDecodedCleanly(validateAzure)],
};
