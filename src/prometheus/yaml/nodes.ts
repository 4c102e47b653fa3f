// The small, position-carrying YAML node tree the Prometheus decoder works on. It is ours (not the
// `yaml` package's AST) so that the decoder sees exactly what Go's yaml.v2 sees: scalars as source
// text plus style and tag, merge keys already expanded, aliases already resolved.

/** 1-based position of a node's first character in the original text. */
export interface Position {
  line: number;
  col: number;
}

export type ScalarStyle = 'plain' | 'quoted' | 'block';

export interface ScalarNode extends Position {
  kind: 'scalar';
  /** The scalar's value as yaml.v2 hands it to a string field: plain scalars keep their source text,
   *  quoted and block scalars their decoded text, `!!binary` its decoded bytes (see
   *  model/go-string.ts for bytes that are not UTF-8). */
  text: string;
  style: ScalarStyle;
  /** Explicit tag in short form (`!!str`, `!!binary`, `!custom`), undefined when none. */
  tag: string | undefined;
  /** True for a plain untagged `~`, `null`, `Null`, `NULL` or empty scalar, and for `!!null`. */
  isNull: boolean;
}

export interface MapEntry {
  key: YamlNode;
  value: YamlNode;
  /** The entry came from a `<<` merge key rather than being written in this mapping. */
  merged: boolean;
}

export interface MapNode extends Position {
  kind: 'map';
  tag: string | undefined;
  entries: MapEntry[];
}

export interface SeqNode extends Position {
  kind: 'seq';
  tag: string | undefined;
  items: YamlNode[];
}

export type YamlNode = ScalarNode | MapNode | SeqNode;

/** yaml.v2 (like the YAML spec) refuses longer keys written without `?`. */
export const MAX_IMPLICIT_KEY_LENGTH = 1024;

/** The missing value of a key written without one (`key:`), placed at the key like yaml.v2. */
export function nullAt(line: number, col: number): ScalarNode {
  return { kind: 'scalar', text: '', style: 'plain', tag: undefined, isNull: true, line, col };
}

/** yaml.v2's short tag names, used in "cannot unmarshal !!str `x` into bool" messages. */
export function shortTag(node: YamlNode): string {
  if (node.tag !== undefined) return node.tag;
  if (node.kind === 'map') return '!!map';
  if (node.kind === 'seq') return '!!seq';
  return resolvePlainScalar(node).tag;
}

export type ResolvedScalar =
  | { tag: '!!null'; value: null }
  | { tag: '!!bool'; value: boolean }
  | { tag: '!!int'; value: number }
  | { tag: '!!float'; value: number }
  | { tag: '!!str'; value: string }
  | { tag: '!!binary'; value: string };

const YAML11_BOOLEANS = new Map<string, boolean>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE'].map((s) => [s, true] as const),
  ...['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE'].map((s) => [s, false] as const),
]);
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const SPECIAL_FLOATS = new Map<string, number>([
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s) => [s, Infinity] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, -Infinity] as const),
  ...['.nan', '.NaN', '.NAN'].map((s) => [s, NaN] as const),
]);

/** yaml.v2 skips a target's own UnmarshalYAML (and leaves a pointer nil) only for `~`, `null`, an
 *  empty plain scalar and `!!null`; a plain `Null` or `NULL` reaches the unmarshaler, or allocates
 *  the pointer, and resolves to the zero value only after that. */
export function skipsUnmarshaler(node: ScalarNode): boolean {
  return (
    node.tag === '!!null' || (node.tag === undefined && node.isNull && node.text !== 'Null' && node.text !== 'NULL')
  );
}

export function isPlainNull(text: string): boolean {
  // Every scalar is asked; the length test spares hashing the long ones.
  return text.length <= 4 && NULLS.has(text);
}

/** Go's strconv.ParseInt(s, 0, 64) after yaml.v2 removed underscores: decimal, 0x, 0o, 0b, leading-0 octal. */
function parseGoInt(text: string): number | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  const sign = m[1] === '-' ? -1n : 1n;
  const digits = m[2]!;
  let value: bigint;
  if (/^0[oO]/.test(digits)) value = BigInt('0o' + digits.slice(2));
  else if (/^0[xXbB]/.test(digits)) value = BigInt(digits.toLowerCase());
  else if (digits.length > 1 && digits.startsWith('0')) value = BigInt('0o' + digits.slice(1));
  else value = BigInt(digits);
  value *= sign;
  // yaml.v2 also accepts values up to MaxUint64; beyond that the scalar is a float or a string.
  if (value < -(2n ** 63n) || value > 2n ** 64n - 1n) return undefined;
  return Number(value);
}

/** How yaml.v2 resolves an untagged scalar (YAML 1.1 rules); quoted and block scalars are strings. */
/** Tags under which yaml.v2 resolves a scalar's text as if it were plain (and quoted: `!!bool "true"`). */
const TYPED_TAGS = new Set(['!!bool', '!!int', '!!float', '!!null']);

export function resolvePlainScalar(node: ScalarNode): ResolvedScalar {
  if (node.tag === '!!binary') return { tag: '!!binary', value: node.text };
  const typedTag = node.tag !== undefined && TYPED_TAGS.has(node.tag);
  if (!typedTag && (node.tag !== undefined || node.style !== 'plain')) return { tag: '!!str', value: node.text };
  if (node.isNull) return { tag: '!!null', value: null };
  const resolved = resolveText(node.text);
  // An explicit tag the text does not fit (`!!int abc`) leaves a string, which the field rejects.
  return typedTag && resolved.tag !== node.tag ? { tag: '!!str', value: node.text } : resolved;
}

function resolveText(text: string): ResolvedScalar {
  const bool = YAML11_BOOLEANS.get(text);
  if (bool !== undefined) return { tag: '!!bool', value: bool };
  const special = SPECIAL_FLOATS.get(text);
  if (special !== undefined) return { tag: '!!float', value: special };
  const withoutUnderscores = text.replaceAll('_', '');
  const int = parseGoInt(withoutUnderscores);
  if (int !== undefined) return { tag: '!!int', value: int };
  if (YAML_FLOAT.test(withoutUnderscores)) return { tag: '!!float', value: Number(withoutUnderscores) };
  return { tag: '!!str', value: text };
}
