// http_sd_configs (discovery/http SDConfig); the HTTP client settings are validated from 2.48.
import type { DecodeContext, DecodedStruct, StructSpec } from '../schema/decoder.js';
import { string } from '../schema/types.js';
import { duration } from '../model/duration.js';
import { parseGoUrl } from '../model/url.js';
import { httpClientFieldsSpec, validateHttpClient, whenDecodedCleanly } from './sd-common.js';

const HTTP_CLIENT_VALIDATION_SINCE = '2.48';

function validateHttpSd(sd: DecodedStruct, ctx: DecodeContext): void {
  const text = sd.get<string>('url') ?? '';
  if (text === '') return sd.error(ctx, 'URL is missing', sd.isSet('url') ? 'url' : undefined);
  const parsed = parseGoUrl(text);
  if ('error' in parsed) return sd.error(ctx, parsed.error, 'url');
  if (parsed.scheme !== 'http' && parsed.scheme !== 'https')
    return sd.error(ctx, "URL scheme must be 'http' or 'https'", 'url');
  if (parsed.host === '') return sd.error(ctx, 'host is missing in URL', 'url');
  if (ctx.atLeast(HTTP_CLIENT_VALIDATION_SINCE)) validateHttpClient(sd, ctx);
}

export const httpSpec: StructSpec = {
  goType: 'http.plain',
  fields: {
    refresh_interval: { type: duration, default: 60_000 },
    url: { type: string },
  },
  inline: [httpClientFieldsSpec],
  validate: [whenDecodedCleanly(validateHttpSd)],
};
