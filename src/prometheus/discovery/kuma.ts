// kuma_sd_configs (discovery/xds KumaSDConfig); `client_id` since 2.50.
import type { DecodeContext, DecodedStruct, StructSpec } from '../schema/decoder.js';
import { string } from '../schema/types.js';
import { duration } from '../model/duration.js';
import { parseGoUrl } from '../model/url.js';
import { httpClientFieldsSpec, validateHttpClient, whenDecodedCleanly } from './sd-common.js';

function validateKuma(sd: DecodedStruct, ctx: DecodeContext): void {
  const server = sd.get<string>('server') ?? '';
  if (server === '')
    return sd.error(ctx, 'kuma SD server must not be empty: ', sd.isSet('server') ? 'server' : undefined);
  const parsed = parseGoUrl(server);
  if ('error' in parsed) return sd.error(ctx, parsed.error, 'server');
  if (parsed.scheme === '' || parsed.host === '') {
    return sd.error(ctx, `kuma SD server must not be empty and have a scheme: ${server}`, 'server');
  }
  validateHttpClient(sd, ctx);
}

export const kumaSpec: StructSpec = {
  goType: 'xds.plainKumaConf',
  fields: {
    refresh_interval: { type: duration, default: 15_000 },
    fetch_timeout: { type: duration, default: 120_000 },
    server: { type: string },
    client_id: { type: string, since: '2.50' },
  },
  inline: [httpClientFieldsSpec],
  validate: [whenDecodedCleanly(validateKuma)],
};
