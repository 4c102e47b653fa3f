// Positional YAML loader: text → our node tree (./nodes.ts) with 1-based line/col on every node,
// judged the way Go's yaml.v2 reads a Prometheus config (YAML 1.1 scalars, merge keys, only the
// first document). Parsing is the `yaml` package's (linear, CST based); this file converts its AST
// and bounds what an attacker can make the decoder do: alias expansion and nesting depth.
import { Alias, LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Node as YamlLibNode } from 'yaml';
import type { MapEntry, MapNode, Position, ScalarNode, SeqNode, YamlNode } from './nodes.js';
import { isPlainNull } from './nodes.js';
import { bytesToGoString } from '../model/go-string.js';
import { findExcessiveNesting } from './depth.js';

export interface YamlProblem extends Position {
  message: string;
}

export interface LoadedYaml {
  /** The first document's root, undefined when the text holds no document (or only comments). */
  root: YamlNode | undefined;
  errors: YamlProblem[];
  warnings: string[];
}

/** Deeper nesting than any Prometheus config needs; bounds recursion in loader and decoder. */
export const MAX_NESTING_DEPTH = 200;
/** How many nodes the document may expand to once aliases and merges are followed. A legitimate
 *  config expands to about its own size; an alias bomb to billions. */
export const MAX_EXPANDED_NODES = 2_000_000;

class LoadAborted extends Error {}

const TAG_PREFIX = 'tag:yaml.org,2002:';

function shortTagName(tag: string | undefined): string | undefined {
  if (tag === undefined) return undefined;
  return tag.startsWith(TAG_PREFIX) ? '!!' + tag.slice(TAG_PREFIX.length) : tag;
}

/** The `yaml` package's messages carry a position and a source excerpt; we print our own position. */
function firstLineWithoutPosition(message: string): string {
  const firstLine = message.split('\n')[0] ?? message;
  return firstLine.replace(/ at line \d+, column \d+:?$/, '');
}

function decodeBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) return undefined;
  return Uint8Array.from(Buffer.from(compact, 'base64'));
}

class Converter {
  private readonly anchors = new Map<string, YamlNode>();
  /** Expanded size of each converted node, so shared (aliased) subtrees are counted once per use. */
  private readonly expandedSize = new WeakMap<YamlNode, number>();
  private totalExpanded = 0;
  readonly errors: YamlProblem[] = [];

  constructor(private readonly lineCounter: LineCounter) {}

  private position(offset: number | undefined): Position {
    const { line, col } = this.lineCounter.linePos(offset ?? 0);
    return { line, col };
  }

  private abort(at: Position, message: string): never {
    this.errors.push({ ...at, message });
    throw new LoadAborted(message);
  }

  private count(node: YamlNode, size: number, at: Position): YamlNode {
    this.expandedSize.set(node, size);
    this.totalExpanded += size;
    if (this.totalExpanded > MAX_EXPANDED_NODES) {
      this.abort(
        at,
        `document contains excessive aliasing: it expands to more than ${MAX_EXPANDED_NODES} nodes (alias bomb?)`,
      );
    }
    return node;
  }

  private sizeOf(node: YamlNode): number {
    return this.expandedSize.get(node) ?? 1;
  }

  convert(node: YamlLibNode | null | undefined, depth: number, fallbackOffset: number): YamlNode {
    const at = this.position(node?.range?.[0] ?? fallbackOffset);
    if (depth > MAX_NESTING_DEPTH) {
      this.abort(at, `document nests deeper than ${MAX_NESTING_DEPTH} levels`);
    }
    if (node === null || node === undefined) {
      const empty: ScalarNode = { kind: 'scalar', text: '', style: 'plain', tag: undefined, isNull: true, ...at };
      return this.count(empty, 1, at);
    }
    if (isAlias(node)) return this.resolveAlias(node, at);
    const converted = this.convertCollectionOrScalar(node, depth, at);
    if (node.anchor) this.anchors.set(node.anchor, converted);
    return converted;
  }

  private resolveAlias(alias: Alias, at: Position): YamlNode {
    const target = this.anchors.get(alias.source);
    if (target === undefined) this.abort(at, `unknown anchor '${alias.source}' referenced`);
    // The alias shares the anchored node; its whole expanded size counts again for this use.
    this.totalExpanded += this.sizeOf(target);
    if (this.totalExpanded > MAX_EXPANDED_NODES) {
      this.abort(
        at,
        `document contains excessive aliasing: it expands to more than ${MAX_EXPANDED_NODES} nodes (alias bomb?)`,
      );
    }
    return target;
  }

  private convertCollectionOrScalar(node: YamlLibNode, depth: number, at: Position): YamlNode {
    const tag = shortTagName(node.tag);
    if (isScalar(node)) {
      const style = node.type === 'PLAIN' || node.type === undefined ? 'plain' : node.type.startsWith('QUOTE') ? 'quoted' : 'block';
      const text = style === 'plain' && typeof node.source === 'string' ? node.source : String(node.value ?? '');
      const isNull = tag === '!!null' || (tag === undefined && style === 'plain' && isPlainNull(text));
      const scalar: ScalarNode = { kind: 'scalar', text, style, tag, isNull, ...at };
      if (tag === '!!binary') {
        const bytes = decodeBase64(text);
        if (bytes === undefined) this.errors.push({ ...at, message: `!!binary value contains invalid base64 data` });
        else scalar.text = bytesToGoString(bytes);
      }
      return this.count(scalar, 1, at);
    }
    if (isSeq(node)) {
      const seq: SeqNode = { kind: 'seq', tag, items: [], ...at };
      let size = 1;
      for (const item of node.items) {
        const child = this.convert(item as YamlLibNode | null, depth + 1, node.range?.[0] ?? 0);
        seq.items.push(child);
        size += this.sizeOf(child);
      }
      return this.count(seq, size, at);
    }
    if (isMap(node)) {
      const map: MapNode = { kind: 'map', tag, entries: [], ...at };
      let size = 1;
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as YamlLibNode | null;
        const valueOffset = keyNode?.range?.[1] ?? node.range?.[0] ?? 0;
        const key = this.convert(keyNode, depth + 1, node.range?.[0] ?? 0);
        const value = this.convert(pair.value as YamlLibNode | null, depth + 1, valueOffset);
        if (isMergeKey(key)) {
          size += this.mergeInto(map, value, at);
          continue;
        }
        map.entries.push({ key, value, merged: false });
        size += this.sizeOf(key) + this.sizeOf(value);
      }
      return this.count(map, size, at);
    }
    return this.abort(at, 'unsupported YAML node');
  }

  /** yaml.v2 merges a mapping, or a sequence of mappings, given to `<<`; anything else is an error. */
  private mergeInto(target: MapNode, source: YamlNode, at: Position): number {
    const sources = source.kind === 'seq' ? source.items : [source];
    let size = 0;
    for (const merged of sources) {
      if (merged.kind !== 'map') {
        this.errors.push({
          line: merged.line,
          col: merged.col,
          message: 'map merge requires map or sequence of maps as the value',
        });
        continue;
      }
      const entries: MapEntry[] = merged.entries.map((entry) => ({ ...entry, merged: true }));
      target.entries.push(...entries);
      size += this.sizeOf(merged);
    }
    this.totalExpanded += size;
    if (this.totalExpanded > MAX_EXPANDED_NODES) {
      this.abort(
        at,
        `document contains excessive aliasing: it expands to more than ${MAX_EXPANDED_NODES} nodes (alias bomb?)`,
      );
    }
    return size;
  }
}

function isMergeKey(key: YamlNode): boolean {
  return key.kind === 'scalar' && key.style === 'plain' && key.tag === undefined && key.text === '<<';
}

/** Parse `text` like yaml.v2 would for `yaml.UnmarshalStrict`: first document only. */
export function loadYaml(text: string): LoadedYaml {
  const lineCounter = new LineCounter();
  const warnings: string[] = [];
  const errors: YamlProblem[] = [];
  // A byte-order mark is fine for Go's yaml.v2; stripping it keeps columns on line 1 right.
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const tooDeep = findExcessiveNesting(source, MAX_NESTING_DEPTH);
  if (tooDeep !== undefined) {
    errors.push({
      line: tooDeep.line,
      col: tooDeep.col,
      message: `document nests deeper than ${MAX_NESTING_DEPTH} levels; refusing to parse it`,
    });
    return { root: undefined, errors, warnings };
  }
  const documents = parseAllDocuments(source, {
    version: '1.1',
    schema: 'failsafe',
    uniqueKeys: false,
    keepSourceTokens: false,
    lineCounter,
    prettyErrors: false,
  });
  const list = Array.isArray(documents) ? documents : [documents];
  const first = list[0];
  if (list.length > 1) {
    warnings.push(
      `the value holds ${list.length} YAML documents; Prometheus reads only the first, the rest is ignored`,
    );
  }
  if (first === undefined) return { root: undefined, errors, warnings };
  for (const problem of first.errors) {
    const { line, col } = lineCounter.linePos(problem.pos[0]);
    const message =
      problem.code === 'RESOURCE_EXHAUSTION'
        ? `document nests too deeply to be parsed (${firstLineWithoutPosition(problem.message)})`
        : firstLineWithoutPosition(problem.message);
    errors.push({ line, col, message });
  }
  if (errors.length > 0) return { root: undefined, errors, warnings };
  const converter = new Converter(lineCounter);
  let root: YamlNode | undefined;
  if (first.contents !== null) {
    try {
      root = converter.convert(first.contents as YamlLibNode, 0, 0);
    } catch (error) {
      if (!(error instanceof LoadAborted)) throw error;
      root = undefined;
    }
  }
  return { root, errors: converter.errors, warnings };
}
