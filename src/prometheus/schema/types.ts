// Field types shared by every section: Go scalars as yaml.v2 decodes them, and the containers.
// Types with their own Go UnmarshalYAML (durations, URLs, label names, regexps…) first decode a
// string (`scalarText`), then parse it and report the same message as Prometheus.
import type { YamlNode } from '../yaml/nodes.js';
import { resolvePlainScalar, skipsUnmarshaler } from '../yaml/nodes.js';
import type { DecodeContext, FieldType } from './decoder.js';
import { childPath, decodeValue, indexPath, typeError } from './decoder.js';

/** What a Go `string` target receives: the scalar's text (plain scalars keep their source, so
 *  `1e3` stays "1e3"), or a type error for collections. */
export function scalarText(node: YamlNode, path: string, ctx: DecodeContext, goName = 'string'): string | undefined {
  if (node.kind !== 'scalar') {
    ctx.error(node, path, typeError(node, goName));
    return undefined;
  }
  return node.text;
}

/** A type whose Go UnmarshalYAML reads a string and then parses it; `parse` returns the value or an
 *  error message (reported at the node). With `unmarshaler: 'text'` Go parses it in UnmarshalText
 *  instead, which yaml.v2 never calls for a null of any spelling: the field keeps its zero value. */
export function parsedString<T>(
  goName: string,
  zero: T | undefined,
  parse: (text: string, ctx: DecodeContext) => T | { error: string },
  { unmarshaler }: { unmarshaler: 'yaml' | 'text' } = { unmarshaler: 'yaml' },
): FieldType<T> {
  const parseAt = (text: string, node: YamlNode, path: string, ctx: DecodeContext): T | undefined => {
    const result = parse(text, ctx);
    if (result !== null && typeof result === 'object' && 'error' in (result as object)) {
      ctx.error(node, path, (result as { error: string }).error);
      return undefined;
    }
    return result as T;
  };
  return {
    goName,
    zero,
    decode(node, path, ctx) {
      const text = scalarText(node, path, ctx);
      return text === undefined ? undefined : parseAt(text, node, path, ctx);
    },
    // UnmarshalYAML reads the null into its string: "".
    ...(unmarshaler === 'yaml' && { decodeUnmarshaledNull: (node, path, ctx) => parseAt('', node, path, ctx) }),
  };
}

/** A Go string type (`string`, or a named one like `config.Secret`, which errors name). */
export function stringType(goName: string): FieldType<string> {
  return { goName, zero: '', decode: (node, path, ctx) => scalarText(node, path, ctx, goName) };
}

export const string = stringType('string');

/** A Go string type that a release moved or renamed: `[since, goName]` pairs, oldest first (the
 *  first `since` is the field's own). */
export function renamedStringType(names: ReadonlyArray<readonly [string, string]>): FieldType<string> {
  return {
    goName: names[0]![1],
    zero: '',
    decode(node, path, ctx) {
      const goName = names.reduce((current, [since, name]) => (ctx.atLeast(since) ? name : current), names[0]![1]);
      return scalarText(node, path, ctx, goName);
    },
  };
}

/** config.Secret: a string that Prometheus hides when printing. */
export const secret = stringType('config.Secret');

export const bool: FieldType<boolean> = {
  goName: 'bool',
  zero: false,
  decode(node, path, ctx) {
    if (node.kind === 'scalar') {
      const resolved = resolvePlainScalar(node);
      if (resolved.tag === '!!bool') return resolved.value;
    }
    ctx.error(node, path, typeError(node, 'bool'));
    return undefined;
  },
};

interface IntegerRange {
  min: number;
  max: number;
}

const INTEGER_RANGES: Record<string, IntegerRange> = {
  int: { min: -(2 ** 63), max: 2 ** 63 - 1 },
  int64: { min: -(2 ** 63), max: 2 ** 63 - 1 },
  int32: { min: -(2 ** 31), max: 2 ** 31 - 1 },
  uint: { min: 0, max: 2 ** 64 - 1 },
  uint64: { min: 0, max: 2 ** 64 - 1 },
  uint32: { min: 0, max: 2 ** 32 - 1 },
  uint8: { min: 0, max: 255 },
};

/** A Go integer type; yaml.v2 also accepts a float that fits (and truncates it). */
export function integer(goName: keyof typeof INTEGER_RANGES | string, rangeOf: string = goName): FieldType<number> {
  const range = INTEGER_RANGES[rangeOf] ?? INTEGER_RANGES.int!;
  return {
    goName,
    zero: 0,
    decode(node, path, ctx) {
      if (node.kind === 'scalar') {
        const resolved = resolvePlainScalar(node);
        if ((resolved.tag === '!!int' || resolved.tag === '!!float') && Number.isFinite(resolved.value)) {
          const value = Math.trunc(resolved.value);
          if (value >= range.min && value <= range.max) return value;
        }
      }
      ctx.error(node, path, typeError(node, goName));
      return undefined;
    },
  };
}

export const int = integer('int');
export const uint = integer('uint');

export const float: FieldType<number> = {
  goName: 'float64',
  zero: 0,
  decode(node, path, ctx) {
    if (node.kind === 'scalar') {
      const resolved = resolvePlainScalar(node);
      if (resolved.tag === '!!int' || resolved.tag === '!!float') return resolved.value;
    }
    ctx.error(node, path, typeError(node, 'float64'));
    return undefined;
  },
};

export interface ListOptions {
  /** Message when an item is null (Prometheus's "empty or null … section" checks on []*T lists). */
  nullItem?: string;
  /** Go's name of the slice type when it is not `[]<item type>`, e.g. `[]*config.ScrapeConfig`. */
  goName?: string;
}

/** A YAML sequence into a Go slice. yaml.v2 turns a null item of a []*T into nil. */
export function list<T>(of: FieldType<T>, options: ListOptions = {}): FieldType<(T | undefined)[]> {
  const goName = options.goName ?? `[]${of.goName}`;
  return {
    goName,
    zero: [],
    decode(node, path, ctx) {
      if (node.kind !== 'seq') {
        ctx.error(node, path, typeError(node, goName));
        return undefined;
      }
      const { items } = node;
      const values = new Array<T | undefined>(items.length);
      for (let index = 0; index < items.length; index++) {
        const item = items[index]!;
        const itemPath = indexPath(path, index);
        if (item.kind === 'scalar' && item.isNull && options.nullItem !== undefined && skipsUnmarshaler(item)) {
          ctx.error(item, itemPath, options.nullItem);
          values[index] = undefined;
        } else {
          values[index] = decodeValue(of, item, itemPath, ctx);
        }
      }
      return values;
    },
  };
}

/** A YAML mapping into a Go map; a key written twice (also through a merge) is an error. */
export function map<V>(key: FieldType<string>, value: FieldType<V>): FieldType<Map<string, V | undefined>> {
  const goName = `map[${key.goName}]${value.goName}`;
  return {
    goName,
    zero: new Map(),
    decode(node, path, ctx) {
      if (node.kind !== 'map') {
        ctx.error(node, path, typeError(node, goName));
        return undefined;
      }
      const result = new Map<string, V | undefined>();
      for (const entry of node.entries) {
        const name = decodeValue(key, entry.key, path, ctx);
        if (name === undefined) continue;
        const entryPath = childPath(path, name);
        if (result.has(name)) {
          ctx.error(entry.key, entryPath, `key ${JSON.stringify(name)} already set in map`);
          continue;
        }
        result.set(name, decodeValue(value, entry.value, entryPath, ctx));
      }
      return result;
    },
  };
}

/** Go's `interface{}`: any YAML value is accepted as it is (e.g. oauth2 `claims`). */
export const anyValue: FieldType<YamlNode> = {
  goName: 'interface {}',
  zero: undefined,
  decode: (node) => node,
};
