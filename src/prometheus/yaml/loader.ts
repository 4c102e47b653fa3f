// Positional YAML loader: text → our node tree (./nodes.ts) with 1-based line/col on every node,
// judged the way Go's yaml.v2 reads a Prometheus config (YAML 1.1 scalars, merge keys, only the
// first document). Texts in the subset of YAML that configs are written in are read in one pass by
// ./scanner.ts; the rest (and every error) by js-yaml (the fastest linear parser available here, see
// docs/adr/010-yaml-loader-js-yaml-events.md): its `listener` reports every node as it is opened and closed, and
// we build our tree from those events, reading styles, tags and anchors from the source text. This
// file also bounds what an attacker can make the decoder do: alias expansion and nesting depth.
import jsYaml from 'js-yaml';
import type { MapEntry, MapNode, Position, ScalarNode, SeqNode, YamlNode } from './nodes.js';
import { isPlainNull, MAX_IMPLICIT_KEY_LENGTH, nullAt } from './nodes.js';
import { bytesToGoString } from '../model/go-string.js';
import { findExcessiveNesting } from './depth.js';
import { lineIndexAt } from '../../common/line-index.js';
import { scanYaml } from './scanner.js';

export interface YamlProblem extends Position {
  message: string;
}

export interface LoadedYaml {
  /** The first document's root, undefined when the text holds no document (or only comments). */
  root: YamlNode | undefined;
  errors: YamlProblem[];
  warnings: string[];
}

/** Deeper nesting than any Prometheus config needs; bounds recursion in parser, loader and decoder. */
export const MAX_NESTING_DEPTH = 200;
/** How many nodes the document may expand to once aliases and merges are followed, whatever the
 *  alias ratio. A ConfigMap (at most 1 MiB) holds far fewer; an alias bomb expands to billions. */
export const MAX_EXPANDED_NODES = 2_000_000;

const TAG_PREFIX = 'tag:yaml.org,2002:';

/** yaml.v2's YAML 1.1 tags: accepted explicitly and kept as text, typed later by resolvePlainScalar. */
const YAML11_SCALAR_TAGS = ['null', 'bool', 'int', 'float', 'binary', 'timestamp', 'merge'];
/** Local tags (`!foo`) on any kind of node: yaml.v2 ignores them where it does not know them. */
const LOCAL_TAGS = (['scalar', 'sequence', 'mapping'] as const).map(
  (kind) => new jsYaml.Type('!', { kind, multi: true, resolve: () => true, construct: (data: unknown) => data }),
);
/** Standard tags yaml.v2 tolerates on a collection of another kind (`global: !!str` + a mapping). */
const MISPLACED_STANDARD_TAGS = (['sequence', 'mapping'] as const).map(
  (kind) => new jsYaml.Type(TAG_PREFIX, { kind, multi: true, resolve: () => true, construct: (data: unknown) => data }),
);
const SCHEMA = jsYaml.FAILSAFE_SCHEMA.extend([
  ...YAML11_SCALAR_TAGS.map(
    (name) =>
      new jsYaml.Type(TAG_PREFIX + name, {
        kind: 'scalar',
        resolve: () => true,
        construct: (data: unknown) => data ?? '',
      }),
  ),
  ...LOCAL_TAGS,
  ...MISPLACED_STANDARD_TAGS,
]);

/** The part of js-yaml's parser state the listener reads. */
interface ParserState {
  position: number;
  input: string;
  kind: 'scalar' | 'mapping' | 'sequence' | null;
  result: unknown;
  tag: string | null;
  anchor: string | null;
}

class LoadAborted extends Error {}

/** Characters that end a `!tag` or `&anchor` property: whitespace and flow indicators. */
const PROPERTY_END = new Set([32, 9, 10, 13, 44, 91, 93, 123, 125]);

/** yaml.v2's limit on the share of nodes decoded through aliases: 99% up to 400 000 decoded nodes,
 *  falling linearly to 10% at 4 000 000 (it fails "document contains excessive aliasing"). */
export function allowedAliasRatio(decodedNodes: number): number {
  const low = 400_000;
  const high = 4_000_000;
  if (decodedNodes <= low) return 0.99;
  if (decodedNodes >= high) return 0.1;
  return 0.99 - 0.89 * ((decodedNodes - low) / (high - low));
}

function excessiveAliasing(totalNodes: number, aliasedNodes: number): string {
  return (
    `document contains excessive aliasing: ${aliasedNodes} of the ${totalNodes} nodes it expands to ` +
    `come from aliases (alias bomb?)`
  );
}

function decodeBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) return undefined;
  return Uint8Array.from(Buffer.from(compact, 'base64'));
}

/** js-yaml's object for a mapping, once our node for it is built (see the listener). Never written:
 *  js-yaml only stores it in the parent (merges keep the real objects, see `mayDiscardMappings`). */
const DISCARDED_MAPPING = Object.freeze({});

/** Builds our tree from js-yaml's open/close events. */
class TreeBuilder {
  // The nodes js-yaml is reading, innermost last, as parallel stacks (no object per node read).
  private readonly openOffsets: number[] = [];
  /** `totalExpanded` when the node opened: its expanded size is the growth until it closes. */
  private readonly expandedAtOpen: number[] = [];
  /** Where the node's children start in `children`. */
  private readonly firstChild: number[] = [];
  /** Line index of the node's open offset (its content starts on that line or a later one). */
  private readonly openLines: number[] = [];
  /** Line index of the last open offset: offsets open in document order, mostly. */
  private lastOpenLine = 0;
  /** The children with content of every open node, in order, innermost node's last (js-yaml also
   *  reports failed attempts to read a node: those events without content are left out). Entries
   *  from `childCount` on are stale. */
  private readonly children: YamlNode[] = [];
  /** Start and end offset of each child, two numbers per child. */
  private readonly spans: number[] = [];
  private childCount = 0;
  /** Reused while a mapping's entries are collected (then copied at their exact size): the first
   *  `pendingCount` are the mapping's. Not emptied between mappings, which would free its storage. */
  private readonly pendingEntries: MapEntry[] = [];
  private pendingCount = 0;

  private readonly anchors = new Map<string, YamlNode>();
  /** Expanded size of each anchored node (its subtree with aliases followed): an alias to it costs
   *  that much again. Only anchored nodes need one, so this stays small. */
  private readonly anchoredSize = new Map<YamlNode, number>();
  private totalExpanded = 0;
  /** The part of `totalExpanded` reached through aliases (yaml.v2's aliasCount). */
  private aliasedNodes = 0;
  readonly roots: YamlNode[] = [];
  readonly errors: YamlProblem[] = [];

  /** False when the text could name js-yaml's merge tag (`!!merge`, a `%TAG` directive, a
   *  %-escaped tag): then js-yaml merges mapping objects itself and needs their content. */
  private readonly mayDiscardMappings: boolean;

  /** `lineStarts`: the offset where each line starts (see lineStartsOf). */
  constructor(
    private readonly text: string,
    private readonly lineStarts: number[],
  ) {
    this.mayDiscardMappings = !text.includes('merge') && !text.includes('%');
  }

  /** Line index of the last position asked for: nodes arrive nearly in document order, so the
   *  next answer is usually on that line or the next. */
  private lastLine = 0;

  /** 0-based index of the line holding `offset`. */
  private lineIndex(offset: number): number {
    const starts = this.lineStarts;
    const line = this.lastLine;
    if (starts[line]! <= offset && (line + 1 >= starts.length || offset < starts[line + 1]!)) return line;
    this.lastLine = lineIndexAt(starts, offset);
    return this.lastLine;
  }

  /** 0-based index of the line holding `offset`, found by walking forward from line `from` (a line
   *  at or before it, usually the same or the previous one). */
  private lineFrom(from: number, offset: number): number {
    const starts = this.lineStarts;
    if (starts[from]! > offset) return this.lineIndex(offset);
    let line = from;
    while (line + 1 < starts.length && starts[line + 1]! <= offset) line++;
    return line;
  }

  position(offset: number): Position {
    const line = this.lineIndex(offset);
    return { line: line + 1, col: offset - this.lineStarts[line]! + 1 };
  }

  readonly listener = (event: 'open' | 'close', state: ParserState): void => {
    if (event === 'open') {
      this.lastOpenLine = this.lineFrom(this.lastOpenLine, state.position);
      this.openOffsets.push(state.position);
      this.expandedAtOpen.push(this.totalExpanded);
      this.firstChild.push(this.childCount);
      this.openLines.push(this.lastOpenLine);
      return;
    }
    const openOffset = this.openOffsets.pop()!;
    const expandedAtOpen = this.expandedAtOpen.pop()!;
    const first = this.firstChild.pop()!;
    const openLine = this.openLines.pop()!;
    const startOffset = this.contentStart(openOffset);
    const isAlias = this.text.charCodeAt(startOffset) === 42; /* * */
    if (state.kind === null && state.tag === null && state.anchor === null && !isAlias) {
      // An event without content (a failed read): nothing reads it, but it counts as a node.
      this.childCount = first;
      this.addExpanded(1, startOffset);
      return;
    }
    const node = this.build(first, expandedAtOpen, state, startOffset, this.lineFrom(openLine, startOffset));
    if (this.text.charCodeAt(startOffset) === 34 /* " */ && state.kind === 'scalar') {
      this.checkYaml11Escapes(startOffset, state.position, node);
    }
    this.childCount = first;
    if (this.openOffsets.length > 0) {
      const index = this.childCount++;
      this.children[index] = node;
      this.spans[2 * index] = startOffset;
      this.spans[2 * index + 1] = state.position;
    } else {
      this.roots.push(node);
    }
    // Our tree now holds this mapping; js-yaml's own object for it would only be kept alive by its
    // parent until the document ends (most of the garbage a large config makes). A shared empty
    // object stands in for it: js-yaml reads a mapping's content again only to merge it under an
    // explicit merge tag, and documents that could hold one keep the real objects.
    if (state.kind === 'mapping' && this.mayDiscardMappings) state.result = DISCARDED_MAPPING;
  };

  private abort(at: Position, message: string): never {
    this.errors.push({ ...at, message });
    throw new LoadAborted(message);
  }

  /** Charge `size` nodes read at `offset` (its position is only worked out for the error). */
  private addExpanded(size: number, offset: number, throughAlias = false): void {
    this.totalExpanded += size;
    if (throughAlias) this.aliasedNodes += size;
    const tooManyAliased =
      this.aliasedNodes > 100 &&
      this.totalExpanded > 1000 &&
      this.aliasedNodes / this.totalExpanded > allowedAliasRatio(this.totalExpanded);
    if (this.totalExpanded > MAX_EXPANDED_NODES || tooManyAliased) {
      this.abort(this.position(offset), excessiveAliasing(this.totalExpanded, this.aliasedNodes));
    }
  }

  /** Offset of the node's content: after separation space, comments and its `!tag` / `&anchor`. */
  private contentStart(offset: number): number {
    const text = this.text;
    let i = offset;
    for (;;) {
      let code = text.charCodeAt(i);
      while (code === 32 || code === 10 || code === 13 || code === 9) code = text.charCodeAt(++i);
      if (code === 35 /* # */) {
        while (i < text.length && text.charCodeAt(i) !== 10) i++;
        continue;
      }
      if (code === 33 /* ! */ || code === 38 /* & */) {
        while (i < text.length && !PROPERTY_END.has(text.charCodeAt(i))) i++;
        continue;
      }
      return i;
    }
  }

  /** js-yaml reads a top-level flow collection as a would-be mapping key and, finding no `:`,
   *  keeps that inner node as the result: then this node is its one child. */
  private keptAttempt(
    first: number,
    expandedAtOpen: number,
    state: ParserState,
    line: number,
    col: number,
  ): YamlNode | undefined {
    if (state.kind !== 'mapping' && state.kind !== 'sequence') return undefined;
    if (this.childCount - first !== 1) return undefined;
    const only = this.children[first]!;
    const sameKind = (state.kind === 'mapping') === (only.kind === 'map') && only.kind !== 'scalar';
    const samePlace = only.line === line && only.col === col;
    if (!sameKind || !samePlace || this.followedByColon(this.spans[2 * first + 1]!)) return undefined;
    if (state.anchor !== null) this.anchor(state.anchor, only, expandedAtOpen);
    return only;
  }

  /** Our node for a node js-yaml has read (starting at `start`, on line index `lineIndex`); its
   *  children are `children[first..childCount)`. */
  private build(first: number, expandedAtOpen: number, state: ParserState, start: number, lineIndex: number): YamlNode {
    const line = lineIndex + 1;
    const col = start - this.lineStarts[lineIndex]! + 1;
    if (this.text.charCodeAt(start) === 42 /* * */ && state.kind === null) {
      // In block context js-yaml first reads the alias as a would-be key, then keeps it: the same
      // alias arrives twice, and must be charged once.
      for (let index = first; index < this.childCount; index++) {
        if (this.spans[2 * index] === start) return this.children[index]!;
      }
      return this.resolveAlias(start);
    }
    const collapsed = this.keptAttempt(first, expandedAtOpen, state, line, col);
    if (collapsed !== undefined) return collapsed;
    const tag = this.shortTag(state.tag);
    let node: YamlNode;
    if (state.kind === 'sequence') {
      const seq: SeqNode = { kind: 'seq', tag, items: this.sequenceItems(first, state, start), line, col };
      node = seq;
    } else if (state.kind === 'mapping') {
      node = this.buildMap(first, tag, line, col);
    } else {
      node = this.buildScalar(state, tag, start, line, col);
    }
    this.addExpanded(1, start);
    if (state.anchor !== null) this.anchor(state.anchor, node, expandedAtOpen);
    return node;
  }

  private anchor(name: string, node: YamlNode, expandedAtOpen: number): void {
    this.anchors.set(name, node);
    this.anchoredSize.set(node, this.totalExpanded - expandedAtOpen);
  }

  /** js-yaml pushes a null item for a bare `-` without reporting a node event, so items come from
   *  its result array: a null there is an empty item (found in the text after the previous item),
   *  anything else the next node event with content. */
  private sequenceItems(first: number, state: ParserState, start: number): YamlNode[] {
    const values = Array.isArray(state.result) ? (state.result as unknown[]) : [];
    const count = this.childCount - first;
    if (values.length <= count && !values.includes(null)) {
      // The usual case: every item is a node event (copied at its exact size).
      return this.children.slice(first, first + values.length);
    }
    const items: YamlNode[] = [];
    let next = first;
    let searchFrom = start;
    for (const value of values) {
      if (value !== null && next < this.childCount) {
        items.push(this.children[next]!);
        searchFrom = this.spans[2 * next + 1]!;
        next++;
        continue;
      }
      const dash = this.text.indexOf('-', searchFrom);
      const offset = dash < 0 ? searchFrom : dash;
      const at = this.position(offset);
      this.addExpanded(1, offset);
      items.push(nullAt(at.line, at.col));
      searchFrom = offset + 1;
    }
    return items;
  }

  private shortTag(tag: string | null): string | undefined {
    if (tag === null || tag === '?') return undefined;
    if (tag === '!') return '!!str';
    return tag.startsWith(TAG_PREFIX) ? '!!' + tag.slice(TAG_PREFIX.length) : tag;
  }

  private buildScalar(
    state: ParserState,
    tag: string | undefined,
    start: number,
    line: number,
    col: number,
  ): ScalarNode {
    const first = this.text.charCodeAt(start);
    const style =
      state.kind === null
        ? 'plain'
        : first === 34 /* " */ || first === 39 /* ' */
          ? 'quoted'
          : first === 124 /* | */ || first === 62 /* > */
            ? 'block'
            : 'plain';
    const text = typeof state.result === 'string' ? state.result : '';
    const isNull = tag === '!!null' || (tag === undefined && style === 'plain' && isPlainNull(text));
    const scalar: ScalarNode = { kind: 'scalar', text, style, tag, isNull, line, col };
    if (tag === '!!binary') {
      const bytes = decodeBase64(text);
      if (bytes === undefined) this.errors.push({ line, col, message: '!!binary value contains invalid base64 data' });
      else scalar.text = bytesToGoString(bytes);
    }
    return scalar;
  }

  private resolveAlias(start: number): YamlNode {
    const name = /^\*([^\s,[\]{}]+)/.exec(this.text.slice(start, start + 1024))?.[1] ?? '';
    const target = this.anchors.get(name);
    if (target === undefined) this.abort(this.position(start), `unknown anchor '${name}' referenced`);
    this.addExpanded(this.anchoredSize.get(target) ?? 1, start, true);
    return target;
  }

  /** Is the node ending at `endOffset` an implicit key, i.e. followed by `:` on its line? */
  private followedByColon(endOffset: number): boolean {
    const text = this.text;
    let i = endOffset;
    let code = text.charCodeAt(i);
    while (code === 32 || code === 9) code = text.charCodeAt(++i);
    return code === 58; /* : */
  }

  /** A cheap scan for `\/` in [start, end) before the exact check (which needs a slice). */
  private holdsEscapedSlash(start: number, end: number): boolean {
    const text = this.text;
    for (let i = start; i + 1 < end; i++) {
      if (text.charCodeAt(i) === 92 /* \ */ && text.charCodeAt(i + 1) === 47 /* / */) return true;
    }
    return false;
  }

  /** YAML 1.2 added the `\/` escape; yaml.v2 (YAML 1.1) rejects it. */
  private checkYaml11Escapes(start: number, end: number, at: Position): void {
    if (!this.holdsEscapedSlash(start, end)) return;
    if (/(?:^|[^\\])(?:\\\\)*\\\//.test(this.text.slice(start, end))) {
      this.errors.push({
        line: at.line,
        col: at.col,
        message: 'found unknown escape character (\\/ is not a YAML 1.1 escape)',
      });
    }
  }

  /** Is there a `,` between two nodes, outside comments? (A comment may hold any text.) */
  private commaBetween(from: number, to: number): boolean {
    const text = this.text;
    for (let i = from; i < to; i++) {
      const code = text.charCodeAt(i);
      if (code === 44 /* , */) return true;
      const startsComment = code === 35 /* # */ && (i === 0 || /[ \t\r\n]/.test(text[i - 1]!));
      if (startsComment) {
        const lineEnd = text.indexOf('\n', i);
        if (lineEnd < 0 || lineEnd >= to) return false;
        i = lineEnd;
      }
    }
    return false;
  }

  /** Is the node at `startOffset` an explicit key (`? key`)? */
  private precededByQuestionMark(startOffset: number): boolean {
    let i = startOffset - 1;
    while (i >= 0 && (this.text.charCodeAt(i) === 32 || this.text.charCodeAt(i) === 9)) i--;
    return this.text.charCodeAt(i) === 63 /* ? */ && (i === 0 || /[\s{,[]/.test(this.text[i - 1]!));
  }

  /** js-yaml reports keys and values in order but skips the value event of `key:` with nothing
   *  after it, so pairs are found by what follows each node: a key is followed by `:`. */
  private buildMap(first: number, tag: string | undefined, line: number, col: number): MapNode {
    this.pendingCount = 0;
    let pendingKey: YamlNode | undefined;
    let pendingKeyEnd = 0;
    const { children, spans } = this;
    // Missing values (and failed reads) sent no event with content: pairing handles those.
    for (let index = first; index < this.childCount; index++) {
      const node = children[index]!;
      const startOffset = spans[2 * index]!;
      const endOffset = spans[2 * index + 1]!;
      const implicitKey = this.followedByColon(endOffset);
      const isKey = implicitKey || this.precededByQuestionMark(startOffset);
      if (implicitKey && endOffset - startOffset > MAX_IMPLICIT_KEY_LENGTH) {
        this.errors.push({
          line: node.line,
          col: node.col,
          message: `an implicit mapping key may be at most ${MAX_IMPLICIT_KEY_LENGTH} characters long (YAML 1.1)`,
        });
      }
      // In a flow mapping `{a: , b}` a comma after the key's colon means the key had no value.
      if (pendingKey !== undefined && !isKey && this.commaBetween(pendingKeyEnd, startOffset)) {
        this.addPair(pendingKey, nullAt(pendingKey.line, pendingKey.col));
        pendingKey = undefined;
      }
      if (pendingKey === undefined) {
        if (isKey) {
          pendingKey = node;
          pendingKeyEnd = endOffset;
        } else {
          this.addPair(node, nullAt(node.line, node.col));
        }
      } else if (isKey) {
        this.addPair(pendingKey, nullAt(pendingKey.line, pendingKey.col));
        pendingKey = node;
        pendingKeyEnd = endOffset;
      } else {
        this.addPair(pendingKey, node);
        pendingKey = undefined;
      }
    }
    if (pendingKey !== undefined) this.addPair(pendingKey, nullAt(pendingKey.line, pendingKey.col));
    return { kind: 'map', tag, entries: this.pendingEntries.slice(0, this.pendingCount), line, col };
  }

  private addEntry(key: YamlNode, value: YamlNode, merged: boolean): void {
    this.pendingEntries[this.pendingCount++] = { key, value, merged };
  }

  private addPair(key: YamlNode, value: YamlNode): void {
    const mergeKey =
      key.kind === 'scalar' &&
      key.text === '<<' &&
      ((key.style === 'plain' && key.tag === undefined) || key.tag === '!!merge');
    if (mergeKey) {
      this.mergeInto(value);
      return;
    }
    this.addEntry(key, value, false);
  }

  /** yaml.v2 merges a mapping, or a sequence of mappings, given to `<<`; anything else is an error.
   *  (Copying entries costs no more than the alias expansion already charged for them.) */
  private mergeInto(source: YamlNode): void {
    const sources = source.kind === 'seq' ? source.items : [source];
    for (const merged of sources) {
      if (merged.kind !== 'map') {
        this.errors.push({
          line: merged.line,
          col: merged.col,
          message: 'map merge requires map or sequence of maps as the value',
        });
        continue;
      }
      for (const entry of merged.entries) this.addEntry(entry.key, entry.value, true);
    }
  }
}

/** yaml.v2's wording where a js-yaml message differs only in words. */
function goWording(reason: string): string {
  const alias = /^unidentified alias "(.*)"$/.exec(reason);
  return alias ? `unknown anchor '${alias[1]}' referenced` : reason;
}

/** Where the second document starts (a `---` or `...` line after the first document's content). */
function secondDocumentOffset(text: string): number | undefined {
  const marker = /^(?:---|\.\.\.)(?:[ \t\r]|$)/gm;
  // A leading `---` (after blank lines, comments or directives) opens the first document.
  marker.lastIndex = /^(?:[ \t]*(?:#.*|%.*)?\r?\n)*---/.exec(text)?.[0].length ?? 0;
  const match = marker.exec(text);
  return match?.index;
}

/** The offset where each line of `text` starts. */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Parse `text` like yaml.v2 would for `yaml.UnmarshalStrict`: first document only. */
export function loadYaml(text: string): LoadedYaml {
  // A byte-order mark is fine for Go's yaml.v2; stripping it keeps columns on line 1 right.
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  // Two scans of the whole text, needed only when a `%YAML` directive could be there at all.
  const directive = source.includes('%YAML')
    ? /^%YAML[ \t]+(\S+)/m.exec(source.slice(0, source.search(/^---/m) >>> 0))
    : null;
  if (directive !== null && directive[1] !== '1.1') {
    const at = new TreeBuilder(source, lineStartsOf(source)).position(directive.index);
    return {
      root: undefined,
      errors: [{ ...at, message: `found incompatible YAML document (%YAML ${directive[1]}; yaml.v2 reads YAML 1.1)` }],
      warnings: [],
    };
  }
  const scanned = scanYaml(source);
  if (scanned !== undefined) return { root: scanned.root, errors: [], warnings: [] };
  return loadWithJsYaml(source);
}

/** The js-yaml path of loadYaml, for any text (BOM stripped, `%YAML` checked): errors, warnings,
 *  and what the scanner's subset leaves out (tags, anchors, merges, multi-line scalars, …). */
export function loadWithJsYaml(source: string): LoadedYaml {
  const warnings: string[] = [];
  const lineStarts = [0];
  const tooDeep = findExcessiveNesting(source, MAX_NESTING_DEPTH, lineStarts);
  if (tooDeep !== undefined) {
    const message = `document nests deeper than ${MAX_NESTING_DEPTH} levels; refusing to parse it`;
    return { root: undefined, errors: [{ line: tooDeep.line, col: tooDeep.col, message }], warnings };
  }
  const parsed = parseSpellingOutEmptyItems(source, lineStarts);
  if (parsed.failure !== undefined) return { root: undefined, errors: parsed.failure, warnings };
  warnings.push(...parsed.warnings);
  const documentCount = parsed.documentCount;
  if (documentCount > 1) {
    warnings.push(
      `the value holds ${documentCount} YAML documents; Prometheus reads only the first, the rest is ignored`,
    );
  }
  return { root: parsed.root, errors: parsed.errors, warnings };
}

interface Parsed {
  root: YamlNode | undefined;
  errors: YamlProblem[];
  /** The errors that leave no document to judge. */
  failure: YamlProblem[] | undefined;
  warnings: string[];
  documentCount: number;
}

/** One pass of js-yaml over `source` (`lineStarts`: where its lines start). */
function parse(source: string, lineStarts: number[]): Parsed {
  const builder = new TreeBuilder(source, lineStarts);
  const warnings: string[] = [];
  let documentCount = 0;
  const result = (failure?: YamlProblem[]): Parsed => ({
    root: builder.roots[0],
    errors: builder.errors,
    failure,
    warnings,
    documentCount,
  });
  try {
    const options: jsYaml.LoadOptions & { maxDepth: number } = {
      schema: SCHEMA,
      json: true, // keep duplicate keys: the decoder reports them with Go's wording
      maxDepth: MAX_NESTING_DEPTH * 2 + 8, // js-yaml 4.3's own recursion bound, beyond our pre-scan
      listener: builder.listener as unknown as jsYaml.LoadOptions['listener'],
    };
    jsYaml.loadAll(source, () => documentCount++, options);
  } catch (error) {
    if (error instanceof LoadAborted) return result(builder.errors);
    if (!(error instanceof jsYaml.YAMLException)) throw error;
    const offset = error.mark?.position ?? 0;
    const first = builder.roots[0];
    const secondStart = first === undefined ? undefined : secondDocumentOffset(source);
    if (first === undefined || secondStart === undefined || offset < secondStart) {
      const at = builder.position(Math.min(offset, source.length));
      return result([{ ...at, message: goWording(error.reason || error.message) }]);
    }
    warnings.push(`a later YAML document is not valid (${error.reason}); Prometheus reads only the first document`);
    documentCount = 2;
  }
  return result();
}

/**
 * js-yaml 4 reads on after a bare `-` item without checking the next item's indentation: in
 *
 *     - b:
 *         -
 *     - c: 1
 *
 * it puts `c: 1` in b's list (and, repeated, nests deeper until its depth limit). yaml.v2 reads it
 * as YAML says. Such bare dashes (a line ending in `-`, the next content line a `-` item further
 * left) are spelled `- ~`, the same null, before parsing. A line like that inside a block scalar or
 * a quoted string is text, not an item: the parse tells them apart (only a real item becomes the
 * `~` null), and the text is read again with only those spelled out. Two linear passes at most.
 */
function parseSpellingOutEmptyItems(source: string, lineStarts: number[]): Parsed {
  const candidates = bareDashesBeforeShallowerItems(source);
  if (candidates.length === 0) return parse(source, lineStarts);
  let spelled = withEmptyItemsSpelledOut(source, candidates);
  let parsed = parse(spelled.text, lineStartsOf(spelled.text));
  const items = restoreEmptyItems(parsed.root, spelled.spelledAt);
  if (items.length !== candidates.length) {
    const real = new Set(items.map((item) => `${item.line}:${item.col}`));
    spelled = withEmptyItemsSpelledOut(
      source,
      candidates.filter((candidate) => real.has(`${candidate.line}:${candidate.col}`)),
    );
    parsed = parse(spelled.text, lineStartsOf(spelled.text));
    restoreEmptyItems(parsed.root, spelled.spelledAt);
  }
  return parsed;
}

interface BareDash {
  /** Offset of the `-`. */
  offset: number;
  /** 1-based line and column of the `-`. */
  line: number;
  col: number;
}

/** A line that is a bare `-` item (after any `- ` that open compact sequences on it). */
const BARE_DASH_LINES = /^[ ]*(?:-[ ]+)*-(?:[ \t]+(?:#.*)?)?\r?$/gm;
const LINE_END_OF_DASH = /[ \t]*(?:#.*)?\r?$/;
const ITEM_INDENT = /^([ ]*)-(?:[ \t]|\r?$)/;

/** Lines ending in a bare `-` whose next content line is a `-` item further left. */
function bareDashesBeforeShallowerItems(source: string): BareDash[] {
  const found: BareDash[] = [];
  let line = 1;
  let counted = 0;
  for (const match of source.matchAll(BARE_DASH_LINES)) {
    for (let i = source.indexOf('\n', counted); i >= 0 && i < match.index; i = source.indexOf('\n', i + 1)) line++;
    counted = match.index;
    const col = match[0].replace(LINE_END_OF_DASH, '').length;
    const next = nextContentLine(source, match.index + match[0].length + 1);
    const indent = next === undefined ? undefined : ITEM_INDENT.exec(next)?.[1]?.length;
    if (indent !== undefined && indent < col - 1) found.push({ offset: match.index + col - 1, line, col });
  }
  return found;
}

/** The first line from `offset` on that is neither blank nor only a comment. */
function nextContentLine(source: string, offset: number): string | undefined {
  for (let start = offset; start < source.length;) {
    const end = source.indexOf('\n', start);
    const text = source.slice(start, end < 0 ? source.length : end);
    const trimmed = text.trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) return text;
    if (end < 0) break;
    start = end + 1;
  }
  return undefined;
}

/** `source` with ` ~` after each bare `-`, and where (line:col) each `~` now is. */
function withEmptyItemsSpelledOut(source: string, dashes: BareDash[]): { text: string; spelledAt: Set<string> } {
  const spelledAt = new Set<string>();
  let text = '';
  let copied = 0;
  for (const dash of dashes) {
    text += source.slice(copied, dash.offset + 1) + ' ~';
    copied = dash.offset + 1;
    spelledAt.add(`${dash.line}:${dash.col + 2}`);
  }
  return { text: text + source.slice(copied), spelledAt };
}

/** The spelled-out items as they were written: empty, at their dash. Returns them. */
function restoreEmptyItems(root: YamlNode | undefined, spelledAt: Set<string>): ScalarNode[] {
  const restored: ScalarNode[] = [];
  const seen = new Set<YamlNode>();
  const visit = (node: YamlNode): void => {
    if (seen.has(node)) return;
    seen.add(node);
    if (node.kind === 'map') {
      for (const entry of node.entries) {
        visit(entry.key);
        visit(entry.value);
      }
    } else if (node.kind === 'seq') {
      node.items.forEach((item, index) => {
        if (item.kind === 'scalar' && item.text === '~' && spelledAt.has(`${item.line}:${item.col}`)) {
          const empty = nullAt(item.line, item.col - 2);
          node.items[index] = empty;
          restored.push(empty);
        } else {
          visit(item);
        }
      });
    }
  };
  if (root !== undefined) visit(root);
  return restored;
}
