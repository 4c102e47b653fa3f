// config.RuntimeConfig (`runtime`, 2.53): Go runtime tuning. gogc 0 (or absent) means "use the
// GOGC environment variable or 75"; any integer is accepted.
import type { ConfigSection, StructSpec } from './schema/decoder.js';
import { struct } from './schema/decoder.js';
import { int } from './schema/types.js';

const runtimeConfigSpec: StructSpec = {
  goType: 'config.RuntimeConfig',
  fields: { gogc: { type: int } },
};

export const runtimeSection: ConfigSection = {
  fields: { runtime: { type: struct(runtimeConfigSpec), since: '2.53' } },
};
