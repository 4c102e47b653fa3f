// prometheus/common config.HTTPClientConfig, inlined into scrape configs, most service discoveries,
// alertmanager, remote write/read: authentication, TLS, proxy, redirects, HTTP/2, extra headers.
// Field availability and messages follow the prometheus/common release each Prometheus shipped:
// 2.42 common 0.39, 2.43 0.42 (proxy_from_environment, no_proxy), 2.45 0.44 (inline ca/cert/key),
// 2.49 0.45 (username_file), 2.51 (client secret optional), 2.53 0.54 (*_ref, http_headers),
// 3.8 0.67.4 (oauth2 jwt-bearer grant).
import type { DecodeContext, DecodedStruct, StructSpec } from './schema/decoder.js';
import { struct } from './schema/decoder.js';
import { anyValue, bool, list, map, parsedString, secret, string } from './schema/types.js';
import { url } from './model/url.js';
import type { ParsedUrl } from './model/url.js';
import { goQuote } from './model/go-string.js';
import { formatVersion } from './version.js';

/** Non-empty string fields among `names`. */
function setFields(value: DecodedStruct, names: string[]): string[] {
  return names.filter((name) => {
    const field = value.get<unknown>(name);
    return typeof field === 'string' && field.length > 0;
  });
}

function isEmptyString(value: DecodedStruct, name: string): boolean {
  const field = value.get<string>(name);
  return field === undefined || field === '';
}

const TLS_VERSIONS = new Set(['TLS10', 'TLS11', 'TLS12', 'TLS13']);

const tlsVersion = parsedString<string>('config.TLSVersion', '', (text) =>
  TLS_VERSIONS.has(text) ? text : { error: `unknown TLS version: ${text}` },
);

/** TLSConfig.Validate, from 2.45 (common 0.44); older releases left it to promtool (see scrape.ts). */
function validateTls(value: DecodedStruct, ctx: DecodeContext): void {
  if (!ctx.atLeast('2.45')) return;
  const withRefs = ctx.atLeast('2.53');
  const pairs: Array<[string, string, string]> = [
    [
      'ca',
      'ca_file',
      withRefs
        ? 'at most one of ca, ca_file & ca_ref must be configured'
        : 'at most one of ca and ca_file must be configured',
    ],
    [
      'cert',
      'cert_file',
      withRefs
        ? 'at most one of cert, cert_file & cert_ref must be configured'
        : 'at most one of cert and cert_file must be configured',
    ],
    ['key', 'key_file', 'at most one of key and key_file must be configured'],
  ];
  for (const [inline, file, message] of pairs) {
    if (setFields(value, [inline, file, `${inline}_ref`]).length > 1) {
      value.error(ctx, message, file);
      return;
    }
  }
  const usingCert = setFields(value, ['cert', 'cert_file', 'cert_ref']).length > 0;
  const usingKey = setFields(value, ['key', 'key_file', 'key_ref']).length > 0;
  if (usingCert && !usingKey) {
    value.error(ctx, 'exactly one of key or key_file must be configured when a client certificate is configured');
  } else if (usingKey && !usingCert) {
    value.error(ctx, 'exactly one of cert or cert_file must be configured when a client key is configured');
  }
}

export const tlsConfigSpec: StructSpec = {
  goType: 'config.plain',
  fields: {
    ca: { type: string, since: '2.45' },
    cert: { type: string, since: '2.45' },
    key: { type: secret, since: '2.45' },
    ca_file: { type: string },
    cert_file: { type: string },
    key_file: { type: string },
    ca_ref: { type: string, since: '2.53' },
    cert_ref: { type: string, since: '2.53' },
    key_ref: { type: string, since: '2.53' },
    server_name: { type: string },
    insecure_skip_verify: { type: bool },
    min_version: { type: tlsVersion },
    max_version: { type: tlsVersion },
  },
  validate: [validateTls],
};

function proxyUrlIsSet(value: DecodedStruct): boolean {
  const proxy = value.get<ParsedUrl>('proxy_url');
  return proxy !== undefined && proxy.text !== '';
}

/** ProxyConfig.Validate (common 0.42+) and its 0.39 predecessor inside HTTPClientConfig.Validate. */
function validateProxy(value: DecodedStruct, ctx: DecodeContext): void {
  const connectHeaders = value.get<Map<string, unknown>>('proxy_connect_header');
  const hasConnectHeaders = connectHeaders !== undefined && connectHeaders.size > 0;
  if (!ctx.atLeast('2.43')) {
    if (hasConnectHeaders && !proxyUrlIsSet(value)) {
      value.error(
        ctx,
        'if proxy_connect_header is configured proxy_url must also be configured',
        'proxy_connect_header',
      );
    }
    return;
  }
  const fromEnvironment = value.get<boolean>('proxy_from_environment') === true;
  const noProxy = !isEmptyString(value, 'no_proxy');
  if (hasConnectHeaders && !fromEnvironment && !proxyUrlIsSet(value)) {
    value.error(
      ctx,
      'if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured',
      'proxy_connect_header',
    );
  } else if (fromEnvironment && proxyUrlIsSet(value)) {
    value.error(ctx, 'if proxy_from_environment is configured, proxy_url must not be configured', 'proxy_url');
  } else if (fromEnvironment && noProxy) {
    value.error(ctx, 'if proxy_from_environment is configured, no_proxy must not be configured', 'no_proxy');
  } else if (value.get<ParsedUrl>('proxy_url') === undefined && noProxy) {
    value.error(ctx, 'if no_proxy is configured, proxy_url must also be configured', 'no_proxy');
  }
}

export const proxyConfigSpec: StructSpec = {
  goType: 'config.ProxyConfig',
  fields: {
    proxy_url: { type: url },
    no_proxy: { type: string, since: '2.43' },
    proxy_from_environment: { type: bool, since: '2.43' },
    proxy_connect_header: { type: map(string, list(secret)) },
  },
};

export const basicAuthSpec: StructSpec = {
  goType: 'config.plain',
  fields: {
    username: { type: string },
    username_file: { type: string, since: '2.49' },
    username_ref: { type: string, since: '2.53' },
    password: { type: secret },
    password_file: { type: string },
    password_ref: { type: string, since: '2.53' },
  },
};

export const authorizationSpec: StructSpec = {
  goType: 'config.Authorization',
  fields: {
    type: { type: string },
    credentials: { type: secret },
    credentials_file: { type: string },
    credentials_ref: { type: string, since: '2.53' },
  },
};

/** common 0.67.4 (3.8): the RFC 7523 JWT bearer grant, signed with a client certificate key. */
const JWT_BEARER_SINCE = '3.8';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const SIGNATURE_ALGORITHMS = ['RS256', 'RS384', 'RS512'];

export const oauth2Spec: StructSpec = {
  goType: 'config.plain',
  goTypeBefore: { before: '2.43', goType: 'config.OAuth2' },
  fields: {
    client_id: { type: string },
    client_secret: { type: secret },
    client_secret_file: { type: string },
    client_secret_ref: { type: string, since: '2.53' },
    client_certificate_key_id: { type: string, since: JWT_BEARER_SINCE },
    client_certificate_key: { type: secret, since: JWT_BEARER_SINCE },
    client_certificate_key_file: { type: string, since: JWT_BEARER_SINCE },
    client_certificate_key_ref: { type: string, since: JWT_BEARER_SINCE },
    grant_type: { type: string, since: JWT_BEARER_SINCE },
    signature_algorithm: { type: string, since: JWT_BEARER_SINCE },
    iss: { type: string, since: JWT_BEARER_SINCE },
    audience: { type: string, since: JWT_BEARER_SINCE },
    claims: { type: map(string, anyValue), since: JWT_BEARER_SINCE },
    scopes: { type: list(string) },
    token_url: { type: string },
    endpoint_params: { type: map(string, string) },
    tls_config: { type: struct(tlsConfigSpec) },
  },
  inline: [proxyConfigSpec],
  validate: [validateProxy],
};

/** Headers that Prometheus sets itself; `http_headers` may not override them (common 0.54). */
const RESERVED_HEADERS = new Set([
  'Authorization',
  'Host',
  'Content-Encoding',
  'Content-Length',
  'Content-Type',
  'User-Agent',
  'Connection',
  'Keep-Alive',
  'Proxy-Authenticate',
  'Proxy-Authorization',
  'Www-Authenticate',
  'Accept-Encoding',
  'X-Prometheus-Remote-Write-Version',
  'X-Prometheus-Remote-Read-Version',
  'X-Prometheus-Scrape-Timeout-Seconds',
  'X-Amz-Date',
  'X-Amz-Security-Token',
  'X-Amz-Content-Sha256',
]);

/** Go's http.CanonicalHeaderKey for the usual token characters. */
export function canonicalHeaderKey(name: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return name;
  return name
    .split('-')
    .map((part) => (part === '' ? part : part[0]!.toUpperCase() + part.slice(1).toLowerCase()))
    .join('-');
}

const headerSpec: StructSpec = {
  goType: 'config.Header',
  fields: {
    values: { type: list(string) },
    secrets: { type: list(secret) },
    files: { type: list(string) },
  },
};

function validateHttpHeaders(value: DecodedStruct, ctx: DecodeContext): void {
  const headers = value.get<Map<string, DecodedStruct | undefined>>('http_headers');
  if (headers === undefined) return;
  for (const name of headers.keys()) {
    if (RESERVED_HEADERS.has(canonicalHeaderKey(name))) {
      value.error(ctx, `setting header ${goQuote(canonicalHeaderKey(name))} is not allowed`, 'http_headers');
      return;
    }
  }
  // common 0.54/0.55 (Prometheus 2.53, 2.54) read header files while loading the config, so there
  // promtool fails when a file is missing on the machine it runs on; a webhook cannot look.
  if (ctx.atLeast('2.55')) return;
  for (const [name, header] of headers) {
    const files = (header?.get<(string | undefined)[]>('files') ?? []).filter(
      (file) => file !== undefined && file !== '',
    );
    if (files.length > 0) {
      ctx.warnings.push(
        `${value.pathOf('http_headers')}: header ${goQuote(canonicalHeaderKey(name))} files ${files.join(', ')}: ` +
          `Prometheus ${formatVersion(ctx.version)} reads them when it loads the config and fails if one is missing; ` +
          'promgate cannot check that they exist on the Prometheus host',
      );
    }
  }
}

/** The HTTP client's authentication settings as HTTPClientConfig.Validate leaves them, in Go's
 *  order: it turns a bearer_token or bearer_token_file into an `authorization`, which the checks
 *  of remote write and Alertmanager configs then count. */
export function httpClientAuthMethods(value: DecodedStruct): string[] {
  const bearer = !isEmptyString(value, 'bearer_token') || !isEmptyString(value, 'bearer_token_file');
  return [
    ...(value.get('basic_auth') !== undefined ? ['basic_auth'] : []),
    ...(value.get('authorization') !== undefined || bearer ? ['authorization'] : []),
    ...(value.get('oauth2') !== undefined ? ['oauth2'] : []),
  ];
}

/** HTTPClientConfig.Validate: which authentication settings may be combined. */
function validateAuthentication(value: DecodedStruct, ctx: DecodeContext): void {
  const basicAuth = value.get<DecodedStruct>('basic_auth');
  const authorization = value.get<DecodedStruct>('authorization');
  const oauth2 = value.get<DecodedStruct>('oauth2');
  const bearerToken = !isEmptyString(value, 'bearer_token');
  const bearerTokenFile = !isEmptyString(value, 'bearer_token_file');
  const withRefs = ctx.atLeast('2.53');
  const fail = (message: string, field: string): void => value.error(ctx, message, field);

  if (bearerToken && bearerTokenFile)
    return fail('at most one of bearer_token & bearer_token_file must be configured', 'bearer_token_file');
  if ((basicAuth || oauth2) && (bearerToken || bearerTokenFile)) {
    return fail(
      'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured',
      bearerToken ? 'bearer_token' : 'bearer_token_file',
    );
  }
  if (basicAuth) {
    if (ctx.atLeast('2.49') && setFields(basicAuth, ['username', 'username_file', 'username_ref']).length > 1) {
      const message = withRefs
        ? 'at most one of basic_auth username, username_file & username_ref must be configured'
        : 'at most one of basic_auth username & username_file must be configured';
      return fail(message, 'basic_auth');
    }
    if (setFields(basicAuth, ['password', 'password_file', 'password_ref']).length > 1) {
      const message = withRefs
        ? 'at most one of basic_auth password, password_file & password_ref must be configured'
        : 'at most one of basic_auth password & password_file must be configured';
      return fail(message, 'basic_auth');
    }
  }
  if (authorization) {
    if (bearerToken || bearerTokenFile)
      return fail('authorization is not compatible with bearer_token & bearer_token_file', 'authorization');
    if (setFields(authorization, ['credentials', 'credentials_file', 'credentials_ref']).length > 1) {
      return fail('at most one of authorization credentials & credentials_file must be configured', 'authorization');
    }
    const type = (authorization.get<string>('type') ?? '').trim();
    if (type.toLowerCase() === 'basic')
      return fail('authorization type cannot be set to "basic", use "basic_auth" instead', 'authorization');
    if (basicAuth || oauth2)
      return fail('at most one of basic_auth, oauth2 & authorization must be configured', 'authorization');
  }
  if (oauth2) {
    if (basicAuth) return fail('at most one of basic_auth, oauth2 & authorization must be configured', 'oauth2');
    if (isEmptyString(oauth2, 'client_id')) return fail('oauth2 client_id must be configured', 'oauth2');
    const secrets = setFields(oauth2, ['client_secret', 'client_secret_file', 'client_secret_ref']);
    if (!ctx.atLeast('2.51') && secrets.length === 0) {
      return fail('either oauth2 client_secret or client_secret_file must be configured', 'oauth2');
    }
    if (isEmptyString(oauth2, 'token_url')) return fail('oauth2 token_url must be configured', 'oauth2');
    if (ctx.atLeast(JWT_BEARER_SINCE)) return validateOAuth2Grant(oauth2, secrets, fail);
    if (secrets.length > 1) {
      const message = withRefs
        ? 'at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be configured'
        : 'at most one of oauth2 client_secret & client_secret_file must be configured';
      return fail(message, 'oauth2');
    }
  }
}

/** The credentials of the oauth2 grant in use (3.8): a client secret for client_credentials, a
 *  client certificate key for the JWT bearer grant. */
function validateOAuth2Grant(
  oauth2: DecodedStruct,
  secrets: string[],
  fail: (message: string, field: string) => void,
): void {
  if (oauth2.get<string>('grant_type') !== JWT_BEARER) {
    if (secrets.length > 1) {
      fail(
        'at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be configured using grant-type=client_credentials',
        'oauth2',
      );
    }
    return;
  }
  const keys = setFields(oauth2, [
    'client_certificate_key',
    'client_certificate_key_file',
    'client_certificate_key_ref',
  ]);
  if (keys.length > 1) {
    return fail(
      `at most one of oauth2 client_certificate_key, client_certificate_key_file & client_certificate_key_ref must be configured using grant-type=${JWT_BEARER}`,
      'oauth2',
    );
  }
  const algorithm = oauth2.get<string>('signature_algorithm') ?? '';
  if (algorithm !== '' && !SIGNATURE_ALGORITHMS.includes(algorithm))
    fail('valid signature algorithms are RS256, RS384 and RS512', 'oauth2');
}

export const httpClientConfigSpec: StructSpec = {
  goType: 'config.HTTPClientConfig',
  fields: {
    basic_auth: { type: struct(basicAuthSpec) },
    authorization: { type: struct(authorizationSpec) },
    oauth2: { type: struct(oauth2Spec) },
    bearer_token: { type: secret },
    bearer_token_file: { type: string },
    tls_config: { type: struct(tlsConfigSpec) },
    follow_redirects: { type: bool, default: true },
    enable_http2: { type: bool, default: true },
    http_headers: { type: map(string, struct(headerSpec)), since: '2.53' },
  },
  inline: [proxyConfigSpec],
  validate: [validateAuthentication, validateProxy, validateHttpHeaders],
};
