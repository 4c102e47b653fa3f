// config.StorageConfig (`storage`): the reloadable TSDB and exemplar settings. Neither has rules
// beyond its field types.
import type { ConfigSection, StructSpec } from './schema/decoder.js';
import { struct } from './schema/decoder.js';
import { integer } from './schema/types.js';
import { duration } from './model/duration.js';

/** TSDBConfig decodes through a local `plain` type. */
const tsdbConfigSpec: StructSpec = {
  goType: 'config.plain',
  fields: { out_of_order_time_window: { type: duration } },
};

const exemplarsConfigSpec: StructSpec = {
  goType: 'config.ExemplarsConfig',
  fields: { max_exemplars: { type: integer('int64'), default: 100_000 } },
};

const storageConfigSpec: StructSpec = {
  goType: 'config.StorageConfig',
  fields: {
    tsdb: { type: struct(tsdbConfigSpec) },
    exemplars: { type: struct(exemplarsConfigSpec) },
  },
};

export const storageSection: ConfigSection = {
  fields: { storage: { type: struct(storageConfigSpec) } },
};
