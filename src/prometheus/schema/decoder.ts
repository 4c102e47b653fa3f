// The schema-driven decoder: every Prometheus struct is declared as data (a StructSpec: its YAML
// fields and their types, plus validator functions for cross-field rules), and one decoder walks the
// YAML node tree against it the way Go's yaml.v2 `UnmarshalStrict` walks a Go struct. Errors are
// collected, each with the line/col of the node at fault and a field path.
import type { MapEntry, Position, ScalarNode, YamlNode } from '../yaml/nodes.js';
import { shortTag, skipsUnmarshaler } from '../yaml/nodes.js';
import type { PrometheusVersion } from '../version.js';
import { formatVersion, isAtLeast } from '../version.js';

export interface ConfigError {
  line: number;
  col: number;
  /** Field path such as `scrape_configs[2].scrape_interval`; empty for the document itself. */
  path: string;
  message: string;
  /** When the config was judged for several releases: those that report this error (`major.minor`). */
  releases?: string[];
}

export class DecodeContext {
  readonly errors: ConfigError[] = [];
  readonly warnings: string[] = [];

  constructor(readonly version: PrometheusVersion) {}

  error(at: Position, path: string, message: string): void {
    this.errors.push({ line: at.line, col: at.col, path, message });
  }

  /** True when the configured Prometheus release is `since` or later. */
  atLeast(since: string): boolean {
    return isAtLeast(this.version, since);
  }
}

/** A YAML-decodable type: how one Go type turns a node into a value. */
export interface FieldType<T> {
  /** The Go type name yaml.v2 prints in "cannot unmarshal !!str `x` into <goName>". */
  readonly goName: string;
  /** The value when the YAML says null (`~`, `null`, empty): Go's zero value of the type. */
  readonly zero: T | undefined;
  /** Decode a non-null node. Returns undefined after reporting an error. */
  decode(node: YamlNode, path: string, ctx: DecodeContext): T | undefined;
  /** For Go types with their own UnmarshalYAML and pointers to structs: what a plain `Null` or
   *  `NULL` gives, which yaml.v2 hands to the unmarshaler before resolving it to null (see
   *  `skipsUnmarshaler`). Absent: the zero value, as for `null`. */
  decodeUnmarshaledNull?(node: ScalarNode, path: string, ctx: DecodeContext): T | undefined;
}

/** `[A-Za-z_][A-Za-z0-9_]*`: a field path segment needs no quoting. */
function isIdentifier(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    const letter = (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
    if (!letter && (i === 0 || code < 48 || code > 57)) return false;
  }
  return true;
}

export function childPath(path: string, name: string): string {
  // A quoted segment starts with `"`, so only identifiers are written after a dot.
  const identifier = isIdentifier(name);
  const segment = identifier ? name : JSON.stringify(name);
  return path === '' ? segment : identifier ? `${path}.${segment}` : `${path}[${segment}]`;
}

/** `[0]`, `[1]`, …: list items are many, their indexes mostly small. */
const INDEX_SUFFIXES = Array.from({ length: 1024 }, (_, index) => `[${index}]`);

export function indexPath(path: string, index: number): string {
  return path + (INDEX_SUFFIXES[index] ?? `[${index}]`);
}

/** yaml.v2's type error, e.g. "cannot unmarshal !!str `abc` into bool" (values cut at 10 chars). */
export function typeError(node: YamlNode, goName: string): string {
  const tag = shortTag(node);
  let value = '';
  if (node.kind === 'scalar') {
    value = node.text.length > 10 ? ` \`${node.text.slice(0, 7)}...\`` : ` \`${node.text}\``;
  }
  return `cannot unmarshal ${tag}${value} into ${goName}`;
}

/** Decode a node or, when it is YAML null, take the type's zero value (yaml.v2 calls no custom
 *  unmarshaler for `~`, `null` or nothing, but does for `Null` and `NULL`). */
export function decodeValue<T>(type: FieldType<T>, node: YamlNode, path: string, ctx: DecodeContext): T | undefined {
  if (node.kind === 'scalar' && node.isNull) {
    if (type.decodeUnmarshaledNull === undefined || skipsUnmarshaler(node)) return type.zero;
    return type.decodeUnmarshaledNull(node, path, ctx);
  }
  return type.decode(node, path, ctx);
}

export interface FieldSpec<T = unknown> {
  type: FieldType<T>;
  /** Value when the key is absent (Prometheus's Default* struct); explicit null gives the type's zero. */
  default?: T;
  /** First Prometheus release that knows the field, e.g. "2.47"; older releases reject it as unknown. */
  since?: string;
  /** First release that no longer knows the field. */
  removedIn?: string;
  /** The field's name from `removedIn` on, when the release renamed it (named in the error). */
  renamedTo?: string;
}

export type StructValidator = (value: DecodedStruct, ctx: DecodeContext) => void;

export interface StructSpec {
  /** Type name in "field x not found in type <goType>": `config.plain` for structs whose Go
   *  UnmarshalYAML decodes through a local `plain` type, else the struct's own name. */
  goType: string;
  /** The type name before a release, when a later release added a Go UnmarshalYAML (which makes
   *  the name `<pkg>.plain`), e.g. `{ before: '2.43', goType: 'config.OAuth2' }`. */
  goTypeBefore?: { before: string; goType: string };
  fields: Record<string, FieldSpec>;
  /** Structs embedded with `yaml:",inline"`: their fields and validators belong to this struct. */
  inline?: StructSpec[];
  /** Cross-field rules, run after the fields are decoded (Go's UnmarshalYAML/Validate bodies). */
  validate?: StructValidator[];
}

/** A struct type's fields as the decoder uses them, worked out once per spec: inline structs'
 *  fields first, the spec's own last (they win on a name clash, as before). */
interface FieldTable {
  /** Slot of each field by YAML name. */
  slots: Map<string, number>;
  names: string[];
  fields: FieldSpec[];
  /** Path segment after a parent path (`.name`, or `["odd name"]`), and as the whole path. */
  suffixes: string[];
  segments: string[];
  /** Slots of the fields with a default: scrape configs have dozens of fields, only a few defaults. */
  defaulted: number[];
  /** Which slots the judged release knows (`since`/`removedIn`), by `major * 1000 + minor`. */
  knownByRelease: Map<number, boolean[]>;
  validators: StructValidator[];
}

function collectFields(spec: StructSpec, into: Map<string, FieldSpec>): Map<string, FieldSpec> {
  for (const inline of spec.inline ?? []) collectFields(inline, into);
  for (const [name, field] of Object.entries(spec.fields)) {
    into.set(name, field);
  }
  return into;
}

function collectValidators(spec: StructSpec): StructValidator[] {
  return [...(spec.inline ?? []).flatMap(collectValidators), ...(spec.validate ?? [])];
}

const fieldTables = new WeakMap<StructSpec, FieldTable>();
function fieldTableOf(spec: StructSpec): FieldTable {
  let table = fieldTables.get(spec);
  if (table === undefined) {
    const fields = collectFields(spec, new Map());
    const names = [...fields.keys()];
    const fieldList = [...fields.values()];
    table = {
      slots: new Map(names.map((name, slot) => [name, slot])),
      names,
      fields: fieldList,
      suffixes: names.map((name) => childPath('_', name).slice(1)),
      segments: names.map((name) => childPath('', name)),
      defaulted: fieldList.flatMap((field, slot) => (field.default !== undefined ? [slot] : [])),
      knownByRelease: new Map(),
      validators: collectValidators(spec),
    };
    fieldTables.set(spec, table);
  }
  return table;
}

interface FieldOccurrence {
  key: YamlNode;
  value: YamlNode;
}

/** A decoded struct: values by YAML field name, with the nodes they came from for positions. */
export class DecodedStruct {
  private readonly table: FieldTable;
  /** Values and occurrences by field slot (see FieldTable): no map per struct. */
  private readonly values: unknown[];
  private readonly occurrences: (FieldOccurrence | undefined)[];
  /** False when a field of this struct could not be decoded (its own rules were skipped): rules of
   *  an enclosing struct that read it would only add follow-on noise. */
  decodedCleanly = true;

  constructor(
    readonly spec: StructSpec,
    readonly node: YamlNode,
    readonly path: string,
  ) {
    this.table = fieldTableOf(spec);
    this.values = new Array<unknown>(this.table.names.length);
    this.occurrences = new Array<FieldOccurrence | undefined>(this.table.names.length);
  }

  private slotOf(name: string): number {
    const slot = this.table.slots.get(name);
    if (slot === undefined) throw new Error(`${name} is not a field of ${this.spec.goType}`);
    return slot;
  }

  set(name: string, value: unknown, occurrence?: FieldOccurrence): void {
    this.setSlot(this.slotOf(name), value, occurrence);
  }

  /** `set` by the field's slot in the struct's FieldTable (the decoder knows it already). */
  setSlot(slot: number, value: unknown, occurrence?: FieldOccurrence): void {
    this.values[slot] = value;
    if (occurrence) this.occurrences[slot] = occurrence;
  }

  /** The decoded value, or the field's default when it was absent. */
  get<T>(name: string): T | undefined {
    const slot = this.table.slots.get(name);
    return slot === undefined ? undefined : (this.values[slot] as T | undefined);
  }

  private occurrenceOf(name: string): FieldOccurrence | undefined {
    const slot = this.table.slots.get(name);
    return slot === undefined ? undefined : this.occurrences[slot];
  }

  /** Written in the YAML (even as null). */
  isSet(name: string): boolean {
    return this.occurrenceOf(name) !== undefined;
  }

  /** Written in the YAML with a non-null value: a nil slice or pointer in Go when it is null. */
  isSetNonNull(name: string): boolean {
    const value = this.occurrenceOf(name)?.value;
    return value !== undefined && !(value.kind === 'scalar' && value.isNull);
  }

  /** Was the field in `slot` written in the YAML? */
  isSlotSet(slot: number): boolean {
    return this.occurrences[slot] !== undefined;
  }

  /** The node of the field's value, or of the struct when the field is absent: where errors point. */
  nodeOf(name: string): YamlNode {
    return this.occurrenceOf(name)?.value ?? this.node;
  }

  keyNodeOf(name: string): YamlNode {
    return this.occurrenceOf(name)?.key ?? this.node;
  }

  /** Report an error at one key of a map-valued field (e.g. one external label). */
  errorAtMapKey(ctx: DecodeContext, message: string, field: string, key: string): void {
    const mapNode = this.nodeOf(field);
    const entry =
      mapNode.kind === 'map' ? mapNode.entries.find((e) => e.key.kind === 'scalar' && e.key.text === key) : undefined;
    ctx.error(entry?.key ?? mapNode, childPath(this.pathOf(field), key), message);
  }

  pathOf(name: string): string {
    return childPath(this.path, name);
  }

  /** Report an error at a field (its value's position) or at the struct itself. */
  error(ctx: DecodeContext, message: string, field?: string): void {
    if (field === undefined) ctx.error(this.node, this.path, message);
    else ctx.error(this.nodeOf(field), this.pathOf(field), message);
  }
}

/** The Go type name yaml.v2 prints for this struct in the judged release. */
export function goTypeOf(spec: StructSpec, ctx: DecodeContext): string {
  const earlier = spec.goTypeBefore;
  return earlier !== undefined && !ctx.atLeast(earlier.before) ? earlier.goType : spec.goType;
}

function isKnown(field: FieldSpec, ctx: DecodeContext): boolean {
  if (field.since !== undefined && !ctx.atLeast(field.since)) return false;
  if (field.removedIn !== undefined && ctx.atLeast(field.removedIn)) return false;
  return true;
}

function unknownFieldMessage(name: string, spec: StructSpec, field: FieldSpec | undefined, ctx: DecodeContext): string {
  const base = `field ${name} not found in type ${goTypeOf(spec, ctx)}`;
  if (field?.since !== undefined && !ctx.atLeast(field.since)) {
    return `${base} (${name} was added in Prometheus ${field.since}; prometheusVersion is ${formatVersion(ctx.version)})`;
  }
  if (field?.removedIn !== undefined) {
    const change = field.renamedTo === undefined ? 'removed' : `renamed ${field.renamedTo}`;
    return `${base} (${name} was ${change} in Prometheus ${field.removedIn}; prometheusVersion is ${formatVersion(ctx.version)})`;
  }
  return base;
}

/** Was `name` written (not merged in) before `entries[index]`? Only asked when the field is already
 *  set, which is rare, so no set of written names is kept per struct. */
function writtenBefore(entries: MapEntry[], index: number, name: string): boolean {
  for (let i = 0; i < index; i++) {
    const earlier = entries[i]!;
    if (!earlier.merged && earlier.key.kind === 'scalar' && earlier.key.text === name) return true;
  }
  return false;
}

/** Which fields of `table` the judged release knows, worked out once per release. */
function knownSlots(table: FieldTable, ctx: DecodeContext): boolean[] {
  const release = ctx.version.major * 1000 + ctx.version.minor;
  let known = table.knownByRelease.get(release);
  if (known === undefined) {
    known = table.fields.map((field) => isKnown(field, ctx));
    table.knownByRelease.set(release, known);
  }
  return known;
}

/** A struct decoded from `Null` or `NULL`: the Go UnmarshalYAML sets its defaults, then decoding
 *  the null into its `plain` copy zeroes every field, and its checks run on those zeros. */
function decodeZeroStruct(spec: StructSpec, node: ScalarNode, path: string, ctx: DecodeContext): DecodedStruct {
  const decoded = new DecodedStruct(spec, node, path);
  for (const validator of fieldTableOf(spec).validators) validator(decoded, ctx);
  return decoded;
}

/** Decode a mapping into a struct: unknown and repeated fields are errors, defaults fill the rest,
 *  then the validators run. */
export function decodeStruct(
  spec: StructSpec,
  node: YamlNode,
  path: string,
  ctx: DecodeContext,
): DecodedStruct | undefined {
  if (node.kind !== 'map') {
    ctx.error(node, path, typeError(node, goTypeOf(spec, ctx)));
    return undefined;
  }
  const decoded = new DecodedStruct(spec, node, path);
  const table = fieldTableOf(spec);
  const known = knownSlots(table, ctx);
  for (const slot of table.defaulted) {
    if (known[slot]) decoded.setSlot(slot, table.fields[slot]!.default);
  }
  let fieldFailed = false;
  const entries = node.entries;
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index]!;
    const name = entry.key.kind === 'scalar' ? entry.key.text : undefined;
    const slot = name === undefined ? undefined : table.slots.get(name);
    if (name === undefined || slot === undefined || !known[slot]) {
      const keyText = name ?? shortTag(entry.key);
      const field = slot === undefined ? undefined : table.fields[slot];
      ctx.error(entry.key, childPath(path, keyText), unknownFieldMessage(keyText, spec, field, ctx));
      fieldFailed = true;
      continue;
    }
    const fieldPath = path === '' ? table.segments[slot]! : path + table.suffixes[slot]!;
    if (!entry.merged) {
      // yaml.v2 only complains about a field written twice in the same mapping; merged-in keys are
      // overridden silently by whatever comes later.
      if (decoded.isSlotSet(slot) && writtenBefore(entries, index, name)) {
        ctx.error(entry.key, fieldPath, `field ${name} already set in type ${goTypeOf(spec, ctx)}`);
        fieldFailed = true;
        continue;
      }
    }
    const errorsBeforeField = ctx.errors.length;
    const value = decodeValue(table.fields[slot]!.type, entry.value, fieldPath, ctx);
    if (value === undefined && ctx.errors.length > errorsBeforeField) fieldFailed = true;
    decoded.setSlot(slot, value, entry);
  }
  // Go's UnmarshalYAML returns on the first field error before its cross-field checks run. We keep
  // going to list every error, but a rule reading a field that could not be decoded at all would
  // only add follow-on noise, so such a struct's rules are skipped, as after an unknown or repeated
  // field (a typo like `regexx` would otherwise also yield "regex missing"-style complaints). (Errors deeper inside a field,
  // e.g. in one list item, leave the parent's rules running.)
  if (fieldFailed) decoded.decodedCleanly = false;
  else for (const validator of table.validators) validator(decoded, ctx);
  return decoded;
}

/** A nested struct as a field type. */
export function struct(spec: StructSpec): FieldType<DecodedStruct> {
  return {
    goName: spec.goType,
    zero: undefined,
    decode: (node, path, ctx) => decodeStruct(spec, node, path, ctx),
    decodeUnmarshaledNull: (node, path, ctx) => decodeZeroStruct(spec, node, path, ctx),
  };
}

/** A top-level section of the configuration file contributed by its own module (remote-write.ts,
 *  alerting.ts, …): its fields of config.Config, and rules that run on the whole decoded Config. */
export interface ConfigSection {
  fields: Record<string, FieldSpec>;
  validate?: StructValidator[];
}
