// file_sd_configs (discovery/file SDConfig): unchanged from 2.42 to 2.55. The files themselves are
// not read (`--syntax-only` does not read them either); their names must be JSON or YAML paths
// with a glob only in the last path element.
import type { DecodeContext, DecodedStruct, StructSpec } from '../schema/decoder.js';
import { list, string } from '../schema/types.js';
import { duration } from '../model/duration.js';
import { goQuote } from '../model/go-string.js';

/** Upstream's patFileSDName. */
const FILE_SD_NAME = /^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$/s;

function validateFile(sd: DecodedStruct, ctx: DecodeContext): void {
  const files = sd.get<(string | undefined)[]>('files') ?? [];
  if (files.length === 0) {
    return sd.error(ctx, 'file service discovery config must contain at least one path name', sd.isSet('files') ? 'files' : undefined);
  }
  const bad = files.find((name) => !FILE_SD_NAME.test(name ?? ''));
  if (bad !== undefined) sd.error(ctx, `path name ${goQuote(bad ?? '')} is not valid for file discovery`, 'files');
}

export const fileSpec: StructSpec = {
  goType: 'file.plain',
  fields: {
    files: { type: list(string) },
    refresh_interval: { type: duration, default: 300_000 },
  },
  validate: [validateFile],
};
