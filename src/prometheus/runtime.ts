// config.RuntimeConfig (`runtime`, 2.53): process tuning. gogc 0 (or absent) means "use the GOGC
// environment variable or 75"; any integer is accepted. 3.15 adds `log_level` (promslog's levels,
// case-insensitive; empty keeps the command-line level).
import type { ConfigSection, FieldType, StructSpec } from './schema/decoder.js';
import { struct } from './schema/decoder.js';
import { int, scalarText } from './schema/types.js';

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'];

/** config.LogLevel: promslog.Level's UnmarshalYAML, which decodes through a local `plain` string. */
const logLevel: FieldType<string> = {
  goName: 'config.LogLevel',
  zero: '',
  decode(node, path, ctx) {
    const text = scalarText(node, path, ctx, 'promslog.plain');
    if (text === undefined) return undefined;
    if (text !== '' && !LOG_LEVELS.includes(text.toLowerCase())) {
      ctx.error(node, path, `unrecognized log level ${text}`);
      return undefined;
    }
    return text;
  },
};

const runtimeConfigSpec: StructSpec = {
  goType: 'config.RuntimeConfig',
  fields: { gogc: { type: int }, log_level: { type: logLevel, since: '3.15' } },
};

export const runtimeSection: ConfigSection = {
  fields: { runtime: { type: struct(runtimeConfigSpec), since: '2.53' } },
};
