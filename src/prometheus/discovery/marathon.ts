// marathon_sd_configs (discovery/marathon SDConfig): unchanged from 2.42 to 2.55.
import type { DecodeContext, DecodedStruct, StructSpec } from '../schema/decoder.js';
import { list, secret, string } from '../schema/types.js';
import { duration } from '../model/duration.js';
import { httpClientFieldsSpec, validateHttpClient, whenDecodedCleanly } from './sd-common.js';

function filled(sd: DecodedStruct, name: string): boolean {
  return (sd.get<string>(name) ?? '') !== '';
}

/** auth_token(_file) against the HTTP client's own authentication, in upstream's order. */
function authTokenProblem(sd: DecodedStruct): string | undefined {
  if (filled(sd, 'auth_token') && filled(sd, 'auth_token_file'))
    return 'marathon_sd: at most one of auth_token & auth_token_file must be configured';
  if (!filled(sd, 'auth_token') && !filled(sd, 'auth_token_file')) return undefined;
  if (sd.get<DecodedStruct>('basic_auth') !== undefined)
    return 'marathon_sd: at most one of basic_auth, auth_token & auth_token_file must be configured';
  if (filled(sd, 'bearer_token') || filled(sd, 'bearer_token_file')) {
    return 'marathon_sd: at most one of bearer_token, bearer_token_file, auth_token & auth_token_file must be configured';
  }
  if (sd.get<DecodedStruct>('authorization') !== undefined)
    return 'marathon_sd: at most one of auth_token, auth_token_file & authorization must be configured';
  return undefined;
}

function validateMarathon(sd: DecodedStruct, ctx: DecodeContext): void {
  if ((sd.get<unknown[]>('servers') ?? []).length === 0) {
    return sd.error(
      ctx,
      'marathon_sd: must contain at least one Marathon server',
      sd.isSet('servers') ? 'servers' : undefined,
    );
  }
  const problem = authTokenProblem(sd);
  if (problem !== undefined) return sd.error(ctx, problem, filled(sd, 'auth_token') ? 'auth_token' : 'auth_token_file');
  validateHttpClient(sd, ctx);
}

export const marathonSpec: StructSpec = {
  goType: 'marathon.plain',
  fields: {
    servers: { type: list(string) },
    refresh_interval: { type: duration, default: 30_000 },
    auth_token: { type: secret },
    auth_token_file: { type: string },
  },
  inline: [httpClientFieldsSpec],
  validate: [whenDecodedCleanly(validateMarathon)],
};
