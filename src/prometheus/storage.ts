// config.StorageConfig (`storage`): the reloadable TSDB and exemplar settings. From 3.8 the TSDB
// retention can be set here too (`retention.time`, `retention.size`, 3.11 `retention.percentage`),
// 3.10 adds `stale_series_compaction_threshold`, 3.13 `chunk_encoding.floats`.
import type { ConfigSection, DecodeContext, DecodedStruct, StructSpec } from './schema/decoder.js';
import { struct } from './schema/decoder.js';
import { float, integer, string } from './schema/types.js';
import { duration } from './model/duration.js';
import { base2Bytes, formatBase2Bytes } from './model/units.js';
import { goFloat, goQuote } from './model/go-string.js';

/** TSDBRetentionConfig.UnmarshalYAML (3.11): no negative size, a percentage of the disk. */
function validateRetention(retention: DecodedStruct, ctx: DecodeContext): void {
  if (!ctx.atLeast('3.11')) return;
  const size = retention.get<number>('size') ?? 0;
  if (size < 0) {
    retention.error(
      ctx,
      `'storage.tsdb.retention.size' must be greater than or equal to 0, got ${formatBase2Bytes(size)}`,
      'size',
    );
    return;
  }
  const percentage = retention.get<number>('percentage') ?? 0;
  if (percentage < 0 || percentage > 100) {
    retention.error(
      ctx,
      `'storage.tsdb.retention.percentage' must be in the range [0, 100], got ${goFloat(percentage)}`,
      'percentage',
    );
  }
}

const retentionConfigSpec: StructSpec = {
  goType: 'config.plain',
  goTypeBefore: { before: '3.11', goType: 'config.TSDBRetentionConfig' },
  fields: {
    time: { type: duration },
    size: { type: base2Bytes },
    percentage: { type: float, since: '3.11' },
  },
  validate: [validateRetention],
};

const FLOAT_CHUNK_ENCODINGS = ['', 'xor', 'xor2'];

/** TSDBConfig.UnmarshalYAML (3.13): the float chunk encoding, when given, is xor or xor2. */
function validateTsdb(tsdb: DecodedStruct, ctx: DecodeContext): void {
  const floats = tsdb.get<DecodedStruct>('chunk_encoding')?.get<string>('floats') ?? '';
  if (!FLOAT_CHUNK_ENCODINGS.includes(floats)) {
    tsdb.error(
      ctx,
      `'storage.tsdb.chunk_encoding.floats' must be 'xor' or 'xor2', or the field must be omitted entirely, got ${goQuote(floats)}`,
      'chunk_encoding',
    );
  }
}

/** TSDBConfig decodes through a local `plain` type. */
const tsdbConfigSpec: StructSpec = {
  goType: 'config.plain',
  fields: {
    out_of_order_time_window: { type: duration },
    retention: { type: struct(retentionConfigSpec), since: '3.8' },
    stale_series_compaction_threshold: { type: float, since: '3.10' },
    chunk_encoding: {
      type: struct({ goType: 'config.ChunkEncodingConfig', fields: { floats: { type: string } } }),
      since: '3.13',
    },
  },
  validate: [validateTsdb],
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
