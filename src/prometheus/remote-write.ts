// config.RemoteWriteConfig (`remote_write`): where Prometheus pushes samples, with its queue and
// metadata settings, write relabelling, extra headers and one authentication method (the HTTP
// client's basic_auth/authorization/oauth2, or sigv4, azuread from 2.45, google_iam from 2.55).
import type { ConfigSection, DecodeContext, DecodedStruct, FieldType, StructSpec } from './schema/decoder.js';
import { childPath, struct, typeError } from './schema/decoder.js';
import { bool, int, list, map, renamedStringType, secret, string } from './schema/types.js';
import { duration } from './model/duration.js';
import { goQuote } from './model/go-string.js';
import { url } from './model/url.js';
import { httpClientAuthMethods, httpClientConfigSpec } from './http-client.js';
import { relabelConfigSpec, validateRelabelRules } from './relabel.js';
import { globalDefaults, globalLabelNameScheme } from './global.js';

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

/** The first problem of sigv4.SigV4Config.Validate: the key pair (every release); external_id
 *  (sigv4 v0.4, Prometheus 3.10), session_name and tags (v0.5, 3.15) assume a role. */
function sigV4Problem(sigv4: DecodedStruct, ctx: DecodeContext): [string, string | undefined] | undefined {
  const text = (name: string): string => sigv4.get<string>(name) ?? '';
  if ((text('access_key') === '') !== (text('secret_key') === ''))
    return [
      'must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config',
      undefined,
    ];
  const withoutRole = text('role_arn') === '';
  if (ctx.atLeast('3.10') && text('external_id') !== '' && withoutRole)
    return ['external_id can only be used with role_arn', 'external_id'];
  if (!ctx.atLeast('3.15')) return undefined;
  const sessionName = text('session_name');
  if (sessionName !== '' && withoutRole) return ['session_name can only be used with role_arn', 'session_name'];
  if (sessionName !== '' && !SESSION_NAME.test(sessionName)) {
    return [`session_name must match ${SESSION_NAME.source} (2-64 alphanumeric and +=,.@- characters)`, 'session_name'];
  }
  const tags = sigv4.get<Map<string, string | undefined>>('tags') ?? new Map<string, string | undefined>();
  if (tags.size > 0 && withoutRole) return ['tags can only be used with role_arn', 'tags'];
  for (const [key, value] of tags) {
    if (key === '') return ['tag key must not be empty', 'tags'];
    if (Buffer.byteLength(key) > 128) return [`tag key ${goQuote(key)} exceeds maximum length of 128`, 'tags'];
    if (Buffer.byteLength(value ?? '') > 256)
      return [`tag value for key ${goQuote(key)} exceeds maximum length of 256`, 'tags'];
  }
  return undefined;
}

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

function validateSigV4(sigv4: DecodedStruct, ctx: DecodeContext): void {
  const problem = sigV4Problem(sigv4, ctx);
  if (problem !== undefined) sigv4.error(ctx, problem[0], problem[1]);
}

/** SigV4Config: prometheus/common/sigv4 v0.1.0 up to 3.0, then the prometheus/sigv4 module. */
export const sigV4ConfigSpec: StructSpec = {
  goType: 'sigv4.plain',
  fields: {
    region: { type: string },
    access_key: { type: string },
    secret_key: { type: secret },
    profile: { type: string },
    role_arn: { type: string },
    use_fips_sts_endpoint: { type: bool, since: '3.1' },
    service_name: { type: string, since: '3.5' },
    external_id: { type: string, since: '3.10' },
    session_name: { type: string, since: '3.15' },
    tags: { type: map(string, string), since: '3.15' },
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

/** The first violated rule of azuread.AzureADConfig.Validate of the judged release. Up to 3.6 the
 *  methods are compared pairwise: 2.45 knows only managed_identity, 2.48 added oauth, 2.52 sdk, and
 *  3.5 made the managed identity's client_id optional. From 3.7 exactly one method is required
 *  (workload_identity came then, certificate in 3.13), and 3.9 checks `scope`. (Its tenant_id
 *  "checks" can never fail.) */
function azureAdProblem(azure: DecodedStruct, ctx: DecodeContext): [string, string | undefined] | undefined {
  const cloud = azure.get<string>('cloud') ?? '';
  if (cloud !== '' && !AZURE_CLOUDS.has(cloud)) return ['must provide a cloud in the Azure AD config', 'cloud'];
  const methods = ctx.atLeast('3.7') ? countedMethodsProblem(azure, ctx) : pairwiseMethodsProblem(azure, ctx);
  if (methods !== undefined) return methods;
  const managedIdentity = azure.get<DecodedStruct>('managed_identity');
  if (managedIdentity) {
    const clientId = managedIdentity.get<string>('client_id') ?? '';
    if (clientId === '' && !ctx.atLeast('3.5'))
      return ['must provide an Azure Managed Identity client_id in the Azure AD config', 'managed_identity'];
    if (clientId !== '' && !isGoogleUuid(clientId)) {
      const message = ctx.atLeast('2.48')
        ? 'the provided Azure Managed Identity client_id is invalid'
        : 'the provided Azure Managed Identity client_id provided is invalid';
      return [message, 'managed_identity'];
    }
  }
  const credentials: Array<[string, string, string[], string[]]> = [
    ['workload_identity', 'Workload Identity', ['client_id', 'tenant_id'], ['client_id', 'tenant_id']],
    ['oauth', 'OAuth', ['client_id', 'client_secret', 'tenant_id'], ['client_id']],
    ['certificate', 'Certificate', ['client_id', 'tenant_id', 'certificate_path'], ['client_id']],
  ];
  for (const [field, name, required, uuids] of credentials) {
    const method = azure.get<DecodedStruct>(field);
    if (method === undefined) continue;
    const missing = required.find((key) => (method.get<string>(key) ?? '') === '');
    if (missing !== undefined) return [`must provide an Azure ${name} ${missing} in the Azure AD config`, field];
    const invalid = uuids.find((key) => !isGoogleUuid(method.get<string>(key) ?? ''));
    if (invalid !== undefined) return [`the provided Azure ${name} ${invalid} is invalid`, field];
  }
  const scope = azure.get<string>('scope') ?? '';
  if (scope !== '' && !AZURE_SCOPE.test(scope)) return ['the provided scope contains invalid characters', 'scope'];
  return undefined;
}

/** Go's `^[\w\s:/.\-]+$`: ASCII word characters, Go's \s (tab, newline, form feed, carriage return,
 *  space), `:/.-`. */
const AZURE_SCOPE = /^[A-Za-z0-9_\t\n\f\r :/.-]+$/;

function pairwiseMethodsProblem(azure: DecodedStruct, ctx: DecodeContext): [string, string | undefined] | undefined {
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
  return undefined;
}

function countedMethodsProblem(azure: DecodedStruct, ctx: DecodeContext): [string, string | undefined] | undefined {
  const withCertificate = ctx.atLeast('3.13');
  const methods = [
    'managed_identity',
    'workload_identity',
    'oauth',
    'sdk',
    ...(withCertificate ? ['certificate'] : []),
  ];
  const configured = methods.filter((method) => azure.get<DecodedStruct>(method) !== undefined);
  if (configured.length === 0) {
    const names = withCertificate
      ? 'Azure Managed Identity, Azure Workload Identity, Azure OAuth, Azure Certificate or Azure SDK'
      : 'Azure Managed Identity, Azure Workload Identity, Azure OAuth or Azure SDK';
    return [`must provide an ${names} in the Azure AD config`, undefined];
  }
  if (configured.length > 1)
    return ['cannot provide multiple authentication methods in the Azure AD config', configured[1]];
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
    workload_identity: {
      type: struct({
        goType: 'azuread.WorkloadIdentityConfig',
        fields: { client_id: { type: string }, tenant_id: { type: string }, token_file_path: { type: string } },
      }),
      since: '3.7',
    },
    oauth: {
      type: struct({
        goType: 'azuread.OAuthConfig',
        fields: { client_id: { type: string }, client_secret: { type: secret }, tenant_id: { type: string } },
      }),
      since: '2.48',
    },
    sdk: { type: struct({ goType: 'azuread.SDKConfig', fields: { tenant_id: { type: string } } }), since: '2.52' },
    certificate: {
      type: struct({
        goType: 'azuread.CertificateConfig',
        fields: {
          client_id: { type: string },
          tenant_id: { type: string },
          certificate_path: { type: string },
          certificate_key_path: { type: string },
          certificate_password: { type: secret },
          send_certificate_chain: { type: bool },
        },
      }),
      since: '3.13',
    },
    cloud: { type: string },
    scope: { type: string, since: '3.9' },
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

/** config.RemoteWriteProtoMsg (2.54), remote.WriteMessageType of client_golang from 3.8: a plain
 *  string type, checked after decoding, so an explicit null (the empty string) is refused too. */
const protobufMessage = renamedStringType([
  ['2.54', 'config.RemoteWriteProtoMsg'],
  ['3.8', 'remote.WriteMessageType'],
]);

function validateProtobufMessage(remoteWrite: DecodedStruct, ctx: DecodeContext): void {
  if (!ctx.atLeast('2.54')) return;
  const message = remoteWrite.get<string>('protobuf_message') ?? '';
  if (!PROTOBUF_MESSAGES.includes(message)) {
    const unknown = ctx.atLeast('3.8')
      ? 'unknown type for remote write protobuf message'
      : 'unknown remote write protobuf message';
    remoteWrite.error(
      ctx,
      `invalid protobuf_message value: ${unknown} ${message}, supported: ${PROTOBUF_MESSAGES.join(', ')}`,
      'protobuf_message',
    );
  }
}

/** QueueConfig.Validate (3.12), on the queue settings after their defaults; `queue_config: null`
 *  zeroes them all. */
function queueProblem(queue: DecodedStruct | undefined, zeroed: boolean): string | undefined {
  const value = (name: string): number =>
    zeroed ? 0 : (queue?.get<number>(name) ?? (queueConfigSpec.fields[name]!.default as number));
  if (value('max_shards') <= 0) return 'remote write queue max_shards must be positive';
  if (value('min_shards') <= 0) return 'remote write queue min_shards must be positive';
  if (value('min_shards') > value('max_shards'))
    return 'remote write queue min_shards must not be greater than max_shards';
  if (value('max_samples_per_send') <= 0) return 'remote write queue max_samples_per_send must be positive';
  if (value('capacity') <= 0) return 'remote write queue capacity must be positive';
  if (value('max_backoff') < value('min_backoff'))
    return 'remote write queue max_backoff must not be less than min_backoff';
  return undefined;
}

function validateQueue(remoteWrite: DecodedStruct, ctx: DecodeContext): void {
  if (!ctx.atLeast('3.12')) return;
  const zeroed = remoteWrite.isSet('queue_config') && !remoteWrite.isSetNonNull('queue_config');
  const problem = queueProblem(remoteWrite.get<DecodedStruct>('queue_config'), zeroed);
  if (problem !== undefined) remoteWrite.error(ctx, problem, 'queue_config');
}

/** RemoteWriteConfig.Validate (3.7): write relabelling under the global name validation scheme. */
function validateWriteRelabelling(config: DecodedStruct, ctx: DecodeContext): void {
  const scheme = globalLabelNameScheme(globalDefaults(config.get<DecodedStruct>('global')), ctx);
  for (const remoteWrite of config.get<(DecodedStruct | undefined)[]>('remote_write') ?? []) {
    if (remoteWrite?.decodedCleanly === true)
      validateRelabelRules(remoteWrite.get<(DecodedStruct | undefined)[]>('write_relabel_configs'), scheme, ctx);
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
    round_robin_dns: { type: bool, since: '3.1' },
    failed_request_logging: { type: bool, since: '3.15' },
    convert_nhcb_to_classic: { type: bool, since: '3.16' },
    protobuf_message: { type: protobufMessage, default: 'prometheus.WriteRequest', since: '2.54' },
    queue_config: { type: struct(queueConfigSpec) },
    metadata_config: { type: struct(metadataConfigSpec) },
    sigv4: { type: struct(sigV4ConfigSpec) },
    azuread: { type: struct(azureAdConfigSpec), since: '2.45' },
    google_iam: { type: struct(googleIamConfigSpec), since: '2.55' },
  },
  inline: [httpClientConfigSpec],
  validate: [
    validateRemoteWriteUrl,
    validateRemoteWriteHeaders,
    validateProtobufMessage,
    validateQueue,
    validateRemoteWriteAuth,
  ],
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

export const remoteWriteSection: ConfigSection = {
  fields: {
    remote_write: {
      type: structList(
        remoteWriteConfigSpec,
        '[]*config.RemoteWriteConfig',
        'empty or null remote write config section',
      ),
    },
  },
  validate: [
    (config, ctx) => validateUniqueNames(config, ctx, 'remote_write', 'remote write'),
    validateWriteRelabelling,
  ],
};
