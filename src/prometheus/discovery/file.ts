// file_sd_configs (discovery/file SDConfig): unchanged from 2.42 to 2.55. The files themselves are
// not read (`--syntax-only` does not read them either); their names must be JSON or YAML paths
// with a glob only in the last path element.
import type { DecodeContext, DecodedStruct, StructSpec } from '../schema/decoder.js';
import { indexPath } from '../schema/decoder.js';
import { list, string } from '../schema/types.js';
import { duration } from '../model/duration.js';
import { goQuote } from '../model/go-string.js';
import { whenDecodedCleanly } from './sd-common.js';

/** Upstream's patFileSDName. */
const FILE_SD_NAME = /^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$/s;

function validateFile(sd: DecodedStruct, ctx: DecodeContext): void {
  const files = sd.get<(string | undefined)[]>('files') ?? [];
  if (files.length === 0) {
    return sd.error(
      ctx,
      'file service discovery config must contain at least one path name',
      sd.isSet('files') ? 'files' : undefined,
    );
  }
  const badIndex = files.findIndex((name) => !FILE_SD_NAME.test(name ?? ''));
  if (badIndex < 0) return;
  const message = `path name ${goQuote(files[badIndex] ?? '')} is not valid for file discovery`;
  const list = sd.nodeOf('files');
  const item = list.kind === 'seq' ? list.items[badIndex] : undefined;
  if (item === undefined) sd.error(ctx, message, 'files');
  else ctx.error(item, indexPath(sd.pathOf('files'), badIndex), message);
}

export const fileSpec: StructSpec = {
  goType: 'file.plain',
  fields: {
    files: { type: list(string) },
    refresh_interval: { type: duration, default: 300_000 },
  },
  validate: [whenDecodedCleanly(validateFile)],
};
