// nomad_sd_configs (discovery/nomad SDConfig): unchanged from 2.42 to 2.55.
import type { DecodeContext, DecodedStruct, StructSpec } from '../schema/decoder.js';
import { bool, string } from '../schema/types.js';
import { duration } from '../model/duration.js';
import { httpClientFieldsSpec, validateHttpClient, whenDecodedCleanly } from './sd-common.js';

function validateNomad(sd: DecodedStruct, ctx: DecodeContext): void {
  if ((sd.get<string>('server') ?? '').trim() === '') {
    return sd.error(ctx, 'nomad SD configuration requires a server address', sd.isSet('server') ? 'server' : undefined);
  }
  validateHttpClient(sd, ctx);
}

export const nomadSpec: StructSpec = {
  goType: 'nomad.plain',
  fields: {
    allow_stale: { type: bool, default: true },
    namespace: { type: string, default: 'default' },
    refresh_interval: { type: duration, default: 60_000 },
    region: { type: string, default: 'global' },
    server: { type: string, default: 'http://localhost:4646' },
    tag_separator: { type: string, default: ',' },
  },
  inline: [httpClientFieldsSpec],
  validate: [whenDecodedCleanly(validateNomad)],
};
