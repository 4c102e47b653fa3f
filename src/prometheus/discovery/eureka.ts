// eureka_sd_configs (discovery/eureka SDConfig): unchanged from 2.42 to 2.55.
import type { DecodeContext, DecodedStruct, StructSpec } from '../schema/decoder.js';
import { string } from '../schema/types.js';
import { duration } from '../model/duration.js';
import { parseGoUrl } from '../model/url.js';
import { httpClientFieldsSpec, validateHttpClient, whenDecodedCleanly } from './sd-common.js';

function validateEureka(sd: DecodedStruct, ctx: DecodeContext): void {
  const server = sd.get<string>('server') ?? '';
  if (server === '')
    return sd.error(ctx, 'eureka_sd: empty or null eureka server', sd.isSet('server') ? 'server' : undefined);
  const parsed = parseGoUrl(server);
  if ('error' in parsed) return sd.error(ctx, parsed.error, 'server');
  if (parsed.scheme === '' || parsed.host === '')
    return sd.error(ctx, 'eureka_sd: invalid eureka server URL', 'server');
  validateHttpClient(sd, ctx);
}

export const eurekaSpec: StructSpec = {
  goType: 'eureka.plain',
  fields: {
    server: { type: string },
    refresh_interval: { type: duration, default: 30_000 },
  },
  inline: [httpClientFieldsSpec],
  validate: [whenDecodedCleanly(validateEureka)],
};
