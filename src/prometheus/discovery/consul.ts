// consul_sd_configs (discovery/consul SDConfig); `path_prefix` since 2.45, the catalog `filter`
// since 3.0, `health_filter` since 3.11.
import type { DecodeContext, DecodedStruct, StructSpec } from '../schema/decoder.js';
import { DecodedStruct as Decoded } from '../schema/decoder.js';
import { bool, list, map, secret, string } from '../schema/types.js';
import { duration } from '../model/duration.js';
import { basicAuthSpec } from '../http-client.js';
import { httpClientFieldsSpec, validateHttpClient, whenDecodedCleanly } from './sd-common.js';

function validateConsul(sd: DecodedStruct, ctx: DecodeContext): void {
  if ((sd.get<string>('server') ?? '').trim() === '') {
    return sd.error(
      ctx,
      'consul SD configuration requires a server address',
      sd.isSet('server') ? 'server' : undefined,
    );
  }
  const username = sd.get<string>('username') ?? '';
  const password = sd.get<string>('password') ?? '';
  if (username !== '' || password !== '') {
    if (sd.get<DecodedStruct>('basic_auth') !== undefined) {
      return sd.error(
        ctx,
        'at most one of consul SD configuration username and password and basic auth can be configured',
        'basic_auth',
      );
    }
    // Upstream turns username/password into basic_auth before the HTTP client rules run, so they
    // meet bearer_token, oauth2 and authorization as basic_auth would.
    const basicAuth = new Decoded(basicAuthSpec, sd.node, sd.pathOf(username !== '' ? 'username' : 'password'));
    basicAuth.set('username', username);
    basicAuth.set('password', password);
    sd.set('basic_auth', basicAuth);
  }
  if (
    (sd.get<string>('token') ?? '') !== '' &&
    (sd.get<DecodedStruct>('authorization') !== undefined || sd.get<DecodedStruct>('oauth2') !== undefined)
  ) {
    return sd.error(ctx, 'at most one of consul SD token, authorization, or oauth2 can be configured', 'token');
  }
  validateHttpClient(sd, ctx);
}

export const consulSpec: StructSpec = {
  goType: 'consul.plain',
  fields: {
    server: { type: string, default: 'localhost:8500' },
    path_prefix: { type: string, since: '2.45' },
    token: { type: secret },
    datacenter: { type: string },
    namespace: { type: string },
    partition: { type: string },
    tag_separator: { type: string, default: ',' },
    scheme: { type: string, default: 'http' },
    username: { type: string },
    password: { type: secret },
    allow_stale: { type: bool, default: true },
    refresh_interval: { type: duration, default: 30_000 },
    services: { type: list(string) },
    tags: { type: list(string) },
    node_meta: { type: map(string, string) },
    filter: { type: string, since: '3.0' },
    health_filter: { type: string, since: '3.11' },
  },
  inline: [httpClientFieldsSpec],
  validate: [whenDecodedCleanly(validateConsul)],
};
