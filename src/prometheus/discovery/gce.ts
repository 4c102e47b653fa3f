// gce_sd_configs (discovery/gce SDConfig): unchanged from 2.42 to 2.55; no HTTP client settings.
import type { DecodeContext, DecodedStruct, StructSpec } from '../schema/decoder.js';
import { int, string } from '../schema/types.js';
import { duration } from '../model/duration.js';
import { whenDecodedCleanly } from './sd-common.js';

function validateGce(sd: DecodedStruct, ctx: DecodeContext): void {
  for (const name of ['project', 'zone']) {
    if ((sd.get<string>(name) ?? '') === '')
      return sd.error(ctx, `GCE SD configuration requires a ${name}`, sd.isSet(name) ? name : undefined);
  }
}

export const gceSpec: StructSpec = {
  goType: 'gce.plain',
  fields: {
    project: { type: string },
    zone: { type: string },
    filter: { type: string },
    refresh_interval: { type: duration, default: 60_000 },
    port: { type: int, default: 80 },
    tag_separator: { type: string, default: ',' },
  },
  validate: [whenDecodedCleanly(validateGce)],
};
