// config.RemoteWriteConfig (`remote_write`): where Prometheus pushes samples, with its queue and
// metadata settings, write relabelling, extra headers and one authentication method (the HTTP
// client's basic_auth/authorization/oauth2, or sigv4, azuread from 2.45, google_iam from 2.55).
// Also `otlp` (2.55), the other write path, because config.ts has no section slot of its own for it.
import type { ConfigSection, DecodeContext, DecodedStruct, FieldType, StructSpec } from './schema/decoder.js';
import { childPath, struct, typeError } from './schema/decoder.js';
import { bool, int, list, map, secret, string } from './schema/types.js';
import { duration } from './model/duration.js';
import { goQuote } from './model/go-string.js';
import { url } from './model/url.js';
import { httpClientAuthMethods, httpClientConfigSpec } from './http-client.js';
import { relabelConfigSpec } from './relabel.js';

/** A Go slice of struct pointers under the name yaml.v2 prints when it is not a sequence
 *  (`[]*config.RemoteWriteConfig`, or a named slice type; `list(struct(…))` alone would say
 *  `[]config.plain`); a null item is refused with `nullItem`. */
export function structList(
  spec: StructSpec,
  goName: string,
  nullItem: string,
): FieldType<(DecodedStruct | undefined)[]> {
  const items = list(struct(spec), { nullItem });
  return {
    ...items,
    goName,
    decode(node, path, ctx) {
      if (node.kind === 'seq') return items.decode(node, path, ctx);
      ctx.error(node, path, typeError(node, goName));
      return undefined;
    },
  };
}

/** A `[]*relabel.Config` field. */
export function relabelRules(nullItem: string): FieldType<(DecodedStruct | undefined)[]> {
  return structList(relabelConfigSpec, '[]*relabel.Config', nullItem);
}

/** Headers Prometheus sets on remote requests itself (config.reservedHeaders, lower-case);
 *  `authorization` is judged separately, with a message that names the auth settings. */
const RESERVED_REMOTE_HEADERS = new Set([
  'host',
  'content-encoding',
  'content-length',
  'content-type',
  'user-agent',
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'www-authenticate',
  'accept-encoding',
  'x-prometheus-remote-write-version',
  'x-prometheus-remote-read-version',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
]);

/** validateHeaders / validateHeadersForTracing for the `headers` map of `owner`: each offending
 *  header is reported at its key (Go returns the first one of a randomly ordered map). */
export function validateCustomHeaders(owner: DecodedStruct, ctx: DecodeContext, authorizationMessage: string): void {
  const node = owner.nodeOf('headers');
  if (!owner.isSet('headers') || node.kind !== 'map') return;
  for (const entry of node.entries) {
    if (entry.key.kind !== 'scalar') continue;
    const header = entry.key.text;
    const lower = header.toLowerCase();
    let message: string | undefined;
    if (lower === 'authorization') message = authorizationMessage;
    else if (RESERVED_REMOTE_HEADERS.has(lower)) message = `${header} is a reserved header. It must not be changed`;
    if (message !== undefined) ctx.error(entry.key, childPath(owner.pathOf('headers'), header), message);
  }
}

/** The authentication settings remote write may use, as each release lists them in its messages. */
function authMethodNames(ctx: DecodeContext): string {
  if (ctx.atLeast('2.55')) return 'basic_auth, authorization, oauth2, sigv4, azuread or google_iam';
  if (ctx.atLeast('2.45')) return 'basic_auth, authorization, oauth2, sigv4, or azuread';
  return 'basic_auth, authorization, oauth2, or sigv4';
}

/** validateHeaders' message for an `authorization` header (remote read shares it, so it names
 *  remote write's settings there too). */
export function authorizationHeaderMessage(ctx: DecodeContext): string {
  return `authorization header must be changed via the ${authMethodNames(ctx)} parameter`;
}

function validateRemoteWriteHeaders(remoteWrite: DecodedStruct, ctx: DecodeContext): void {
  validateCustomHeaders(remoteWrite, ctx, authorizationHeaderMessage(ctx));
}

function validateRemoteWriteUrl(remoteWrite: DecodedStruct, ctx: DecodeContext): void {
  if (remoteWrite.get('url') === undefined) {
    remoteWrite.error(ctx, 'url for remote_write is empty', remoteWrite.isSet('url') ? 'url' : undefined);
  }
}

/** sigv4.SigV4Config.Validate. */
function validateSigV4(sigv4: DecodedStruct, ctx: DecodeContext): void {
  if (((sigv4.get<string>('access_key') ?? '') === '') !== ((sigv4.get<string>('secret_key') ?? '') === '')) {
    sigv4.error(
      ctx,
      'must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config',
    );
  }
}

/** prometheus/common/sigv4 SigV4Config (v0.1.0 in every supported release). */
export const sigV4ConfigSpec: StructSpec = {
  goType: 'sigv4.plain',
  fields: {
    region: { type: string },
    access_key: { type: string },
    secret_key: { type: secret },
    profile: { type: string },
    role_arn: { type: string },
  },
  validate: [validateSigV4],
};

/** github.com/google/uuid Parse: 36-char form, `urn:uuid:` prefix, one wrapping character on each
 *  side (Go skips the first and never looks at the last), or 32 hex digits. */
export function isGoogleUuid(text: string): boolean {
  const bytes = Buffer.from(text, 'utf8').toString('latin1');
  let dashed = bytes;
  if (bytes.length === 45) {
    if (bytes.slice(0, 9).toLowerCase() !== 'urn:uuid:') return false;
    dashed = bytes.slice(9);
  } else if (bytes.length === 38) dashed = bytes.slice(1, 37);
  else if (bytes.length === 32) return /^[0-9a-fA-F]{32}$/.test(bytes);
  else if (bytes.length !== 36) return false;
  return /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(dashed);
}

const AZURE_CLOUDS = new Set(['AzureChina', 'AzureGovernment', 'AzurePublic']);

/** The first violated rule of azuread.AzureADConfig.Validate of the judged release: 2.45 knows only
 *  managed_identity, 2.48 added oauth, 2.52 sdk. (Its tenant_id "checks" can never fail.) */
function azureAdProblem(azure: DecodedStruct, ctx: DecodeContext): [string, string | undefined] | undefined {
  const cloud = azure.get<string>('cloud') ?? '';
  if (cloud !== '' && !AZURE_CLOUDS.has(cloud)) return ['must provide a cloud in the Azure AD config', 'cloud'];
  const managedIdentity = azure.get<DecodedStruct>('managed_identity');
  const oauth = azure.get<DecodedStruct>('oauth');
  const sdk = azure.get<DecodedStruct>('sdk');
  if (!managedIdentity && !oauth && !sdk) {
    if (ctx.atLeast('2.52'))
      return ['must provide an Azure Managed Identity, Azure OAuth or Azure SDK in the Azure AD config', undefined];
    if (ctx.atLeast('2.48'))
      return ['must provide an Azure Managed Identity or Azure OAuth in the Azure AD config', undefined];
    return ['must provide an Azure Managed Identity in the Azure AD config', undefined];
  }
  if (managedIdentity && oauth)
    return ['cannot provide both Azure Managed Identity and Azure OAuth in the Azure AD config', 'oauth'];
  if (managedIdentity && sdk)
    return ['cannot provide both Azure Managed Identity and Azure SDK in the Azure AD config', 'sdk'];
  if (oauth && sdk) return ['cannot provide both Azure OAuth and Azure SDK in the Azure AD config', 'sdk'];
  if (managedIdentity) {
    const clientId = managedIdentity.get<string>('client_id') ?? '';
    if (clientId === '')
      return ['must provide an Azure Managed Identity client_id in the Azure AD config', 'managed_identity'];
    if (!isGoogleUuid(clientId)) {
      const message = ctx.atLeast('2.48')
        ? 'the provided Azure Managed Identity client_id is invalid'
        : 'the provided Azure Managed Identity client_id provided is invalid';
      return [message, 'managed_identity'];
    }
  }
  if (oauth) {
    for (const field of ['client_id', 'client_secret', 'tenant_id']) {
      if ((oauth.get<string>(field) ?? '') === '')
        return [`must provide an Azure OAuth ${field} in the Azure AD config`, 'oauth'];
    }
    if (!isGoogleUuid(oauth.get<string>('client_id') ?? ''))
      return ['the provided Azure OAuth client_id is invalid', 'oauth'];
  }
  return undefined;
}

function validateAzureAd(azure: DecodedStruct, ctx: DecodeContext): void {
  const problem = azureAdProblem(azure, ctx);
  if (problem) azure.error(ctx, problem[0], problem[1]);
}

/** storage/remote/azuread AzureADConfig. */
export const azureAdConfigSpec: StructSpec = {
  goType: 'azuread.plain',
  fields: {
    managed_identity: {
      type: struct({ goType: 'azuread.ManagedIdentityConfig', fields: { client_id: { type: string } } }),
    },
    oauth: {
      type: struct({
        goType: 'azuread.OAuthConfig',
        fields: { client_id: { type: string }, client_secret: { type: string }, tenant_id: { type: string } },
      }),
      since: '2.48',
    },
    sdk: { type: struct({ goType: 'azuread.SDKConfig', fields: { tenant_id: { type: string } } }), since: '2.52' },
    cloud: { type: string },
  },
  validate: [validateAzureAd],
};

/** storage/remote/googleiam Config (2.55): no rules of its own. */
const googleIamConfigSpec: StructSpec = {
  goType: 'googleiam.Config',
  fields: { credentials_file: { type: string } },
};

/** The authentication blocks set (non-null, a bearer token counting as `authorization`), in the
 *  order Go lists them. */
function configuredAuthMethods(remoteWrite: DecodedStruct): string[] {
  return [
    ...httpClientAuthMethods(remoteWrite),
    ...['sigv4', 'azuread', 'google_iam'].filter((name) => remoteWrite.get<DecodedStruct>(name) !== undefined),
  ];
}

/** "at most one authentication method", as each release words and counts it. */
function validateRemoteWriteAuth(remoteWrite: DecodedStruct, ctx: DecodeContext): void {
  const configured = configuredAuthMethods(remoteWrite);
  const httpClientAuth = configured.filter((name) => ['basic_auth', 'authorization', 'oauth2'].includes(name));
  // Two HTTP client methods are the HTTP client's own error (http-client.ts), which Go returns first.
  if (configured.length < 2 || httpClientAuth.length > 1) return;
  const field = configured[1];
  if (ctx.atLeast('2.55')) {
    remoteWrite.error(
      ctx,
      `at most one of ${authMethodNames(ctx)} must be configured. Currently configured: [${configured.join(' ')}]`,
      field,
    );
    return;
  }
  // Before 2.55 Go compared the HTTP client's methods with sigv4/azuread, and those two with each other.
  const others = configured.filter((name) => name === 'sigv4' || name === 'azuread');
  if ((httpClientAuth.length > 0 && others.length > 0) || others.length > 1) {
    const message = ctx.atLeast('2.45')
      ? 'at most one of basic_auth, authorization, oauth2, sigv4, & azuread must be configured'
      : 'at most one of basic_auth, authorization, oauth2, & sigv4 must be configured';
    remoteWrite.error(ctx, message, others[others.length - 1]);
  }
}

const PROTOBUF_MESSAGES = ['prometheus.WriteRequest', 'io.prometheus.write.v2.Request'];

/** config.RemoteWriteProtoMsg (2.54): a plain string type, checked after decoding, so an explicit
 *  null (the empty string) is refused too. */
const protobufMessage = { ...string, goName: 'config.RemoteWriteProtoMsg' };

function validateProtobufMessage(remoteWrite: DecodedStruct, ctx: DecodeContext): void {
  if (!ctx.atLeast('2.54')) return;
  const message = remoteWrite.get<string>('protobuf_message') ?? '';
  if (!PROTOBUF_MESSAGES.includes(message)) {
    remoteWrite.error(
      ctx,
      `invalid protobuf_message value: unknown remote write protobuf message ${message}, supported: ${PROTOBUF_MESSAGES.join(', ')}`,
      'protobuf_message',
    );
  }
}

export const queueConfigSpec: StructSpec = {
  goType: 'config.QueueConfig',
  fields: {
    capacity: { type: int, default: 10_000 },
    max_shards: { type: int, default: 50 },
    min_shards: { type: int, default: 1 },
    max_samples_per_send: { type: int, default: 2000 },
    batch_send_deadline: { type: duration, default: 5_000 },
    min_backoff: { type: duration, default: 30 },
    max_backoff: { type: duration, default: 5_000 },
    retry_on_http_429: { type: bool },
    sample_age_limit: { type: duration, since: '2.50' },
  },
};

export const metadataConfigSpec: StructSpec = {
  goType: 'config.MetadataConfig',
  fields: {
    send: { type: bool, default: true },
    send_interval: { type: duration, default: 60_000 },
    max_samples_per_send: { type: int, default: 2000 },
  },
};

export const remoteWriteConfigSpec: StructSpec = {
  goType: 'config.plain',
  fields: {
    url: { type: url },
    remote_timeout: { type: duration, default: 30_000 },
    headers: { type: map(string, string) },
    write_relabel_configs: {
      type: relabelRules('empty or null relabeling rule in remote write config'),
    },
    name: { type: string },
    send_exemplars: { type: bool },
    send_native_histograms: { type: bool },
    protobuf_message: { type: protobufMessage, default: 'prometheus.WriteRequest', since: '2.54' },
    queue_config: { type: struct(queueConfigSpec) },
    metadata_config: { type: struct(metadataConfigSpec) },
    sigv4: { type: struct(sigV4ConfigSpec) },
    azuread: { type: struct(azureAdConfigSpec), since: '2.45' },
    google_iam: { type: struct(googleIamConfigSpec), since: '2.55' },
  },
  inline: [httpClientConfigSpec],
  validate: [validateRemoteWriteUrl, validateRemoteWriteHeaders, validateProtobufMessage, validateRemoteWriteAuth],
};

/** Config.UnmarshalYAML: names of remote write/read configs are unique where set (an empty name
 *  is replaced by a hash of the config). */
export function validateUniqueNames(config: DecodedStruct, ctx: DecodeContext, field: string, kind: string): void {
  const seen = new Set<string>();
  for (const remote of config.get<(DecodedStruct | undefined)[]>(field) ?? []) {
    const name = remote?.get<string>('name') ?? '';
    if (remote === undefined || name === '') continue;
    if (seen.has(name)) remote.error(ctx, `found multiple ${kind} configs with job name ${goQuote(name)}`, 'name');
    seen.add(name);
  }
}

/** OTLPConfig.UnmarshalYAML (2.55): promoted resource attributes, trimmed, non-empty and unique;
 *  Go joins every problem into one error. */
function validateOtlp(otlp: DecodedStruct, ctx: DecodeContext): void {
  const node = otlp.nodeOf('promote_resource_attributes');
  const attributes = otlp.get<(string | undefined)[]>('promote_resource_attributes') ?? [];
  const seen = new Set<string>();
  attributes.forEach((attribute, index) => {
    const trimmed = (attribute ?? '').trim();
    const at = node.kind === 'seq' ? (node.items[index] ?? node) : node;
    const path = `${otlp.pathOf('promote_resource_attributes')}[${index}]`;
    if (trimmed === '') ctx.error(at, path, 'empty promoted OTel resource attribute');
    else if (seen.has(trimmed)) ctx.error(at, path, `duplicated promoted OTel resource attribute ${goQuote(trimmed)}`);
    seen.add(trimmed);
  });
}

export const otlpConfigSpec: StructSpec = {
  goType: 'config.plain',
  fields: { promote_resource_attributes: { type: list(string) } },
  validate: [validateOtlp],
};

export const remoteWriteSection: ConfigSection = {
  fields: {
    remote_write: {
      type: structList(
        remoteWriteConfigSpec,
        '[]*config.RemoteWriteConfig',
        'empty or null remote write config section',
      ),
    },
    otlp: { type: struct(otlpConfigSpec), since: '2.55' },
  },
  validate: [(config, ctx) => validateUniqueNames(config, ctx, 'remote_write', 'remote write')],
};
