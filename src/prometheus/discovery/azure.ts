// azure_sd_configs (discovery/azure SDConfig). Authentication method `SDK` since 2.52,
// `WorkloadIdentity` since 3.11; the HTTP client settings are validated from 2.48.
import type { DecodeContext, DecodedStruct, StructSpec } from '../schema/decoder.js';
import { int, secret, string } from '../schema/types.js';
import { duration } from '../model/duration.js';
import { goQuote } from '../model/go-string.js';
import { httpClientFieldsSpec, validateHttpClient, whenDecodedCleanly } from './sd-common.js';

const HTTP_CLIENT_VALIDATION_SINCE = '2.48';

/** Each authentication method and the release that added it, in the order Go lists them. */
const AUTHENTICATION_METHODS: ReadonlyArray<[string, string]> = [
  ['OAuth', '2.42'],
  ['ManagedIdentity', '2.42'],
  ['SDK', '2.52'],
  ['WorkloadIdentity', '3.11'],
];

function authenticationMethodProblem(method: string, ctx: DecodeContext): string | undefined {
  const supported = AUTHENTICATION_METHODS.filter(([, since]) => ctx.atLeast(since)).map(([name]) => name);
  if (supported.includes(method)) return undefined;
  const quoted = supported.map((name) => goQuote(name));
  const listed = `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
  const since = AUTHENTICATION_METHODS.find(([name]) => name === method)?.[1];
  const hint = since === undefined ? '' : ` (${method} was added in Prometheus ${since})`;
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
