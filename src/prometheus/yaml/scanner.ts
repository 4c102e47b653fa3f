// loadYaml's fast path: one pass over the text that builds our node tree (./nodes.ts) directly, for
// the subset of YAML that Prometheus configurations are written in (block mappings and sequences,
// single-line plain and quoted scalars, one-line flow collections, literal and folded block
// scalars, comments, a leading `---`). It never reports a problem: on anything outside that
// subset, or anything doubtful, it gives up at once and loadYaml reads the text with js-yaml,
// which finds the errors and the warnings. Where it does return a tree, it is the tree the js-yaml
// path builds, positions included (test/prometheus/yaml-scanner.test.ts holds the two paths
// equal; see docs/adr/014-yaml-fast-path-scanner.md).
import type { MapEntry, MapNode, ScalarNode, SeqNode, YamlNode } from './nodes.js';
import { isPlainNull, MAX_IMPLICIT_KEY_LENGTH, nullAt } from './nodes.js';

/** Nesting deeper than this goes to js-yaml, whose path bounds it (depth.ts); configs nest < 10. */
const MAX_SCANNED_DEPTH = 64;

const LINE_FEED = 10;
const CARRIAGE_RETURN = 13;
const SPACE = 32;
const TAB = 9;
const HASH = 35;
const COLON = 58;
const DASH = 45;
const DOT = 46;
const COMMA = 44;
const QUESTION = 63;
const SINGLE_QUOTE = 39;
const DOUBLE_QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const PIPE = 124;
const GREATER_THAN = 62;
const PLUS = 43;

/** Characters js-yaml refuses in the stream or reads as line breaks of their own (NEL, LS, PS),
 *  and a byte-order mark inside the text: texts holding any go to js-yaml. */
// eslint-disable-next-line no-control-regex -- these are the characters looked for
const UNUSUAL_CHARACTERS = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\uD800-\uDFFF\uFEFF\uFFFE\uFFFF\u2028\u2029]/;

/** A `\r` not followed by `\n` is a line break to js-yaml but not to our line numbers (comments,
 *  where it could hide, are skipped without reading them). */
function holdsLoneCarriageReturn(text: string): boolean {
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) {
    if (text.charCodeAt(i + 1) !== LINE_FEED) return true;
  }
  return false;
}

/** Thrown (one shared instance) where the text leaves the subset; caught once, in scanYaml. */
class OutsideSubset extends Error {}
const OUTSIDE_SUBSET = new OutsideSubset('outside the scanned subset of YAML');

function giveUp(): never {
  throw OUTSIDE_SUBSET;
}

/** A character that may not start a plain scalar here: YAML's indicators and whitespace, and `?`
 *  and `:`, which may when a non-space follows but are left to js-yaml (`-` is decided apart). */
function isIndicatorOrSpace(code: number): boolean {
  switch (code) {
    case SPACE:
    case TAB:
    case LINE_FEED:
    case CARRIAGE_RETURN:
    case COMMA:
    case OPEN_BRACKET:
    case CLOSE_BRACKET:
    case OPEN_BRACE:
    case CLOSE_BRACE:
    case HASH:
    case 38 /* & */:
    case 42 /* * */:
    case 33 /* ! */:
    case PIPE:
    case GREATER_THAN:
    case SINGLE_QUOTE:
    case DOUBLE_QUOTE:
    case 37 /* % */:
    case 64 /* @ */:
    case 96 /* ` */:
    case QUESTION:
    case COLON:
      return true;
    default:
      return false;
  }
}

function isFlowIndicator(code: number): boolean {
  return (
    code === COMMA || code === OPEN_BRACKET || code === CLOSE_BRACKET || code === OPEN_BRACE || code === CLOSE_BRACE
  );
}

/** A line break, or the end of the text (NaN from charCodeAt). */
function isLineEnd(code: number): boolean {
  return code === LINE_FEED || code === CARRIAGE_RETURN || Number.isNaN(code);
}

/** A space, a line break or the end of the text. */
function isSpaceOrLineEnd(code: number): boolean {
  return code === SPACE || isLineEnd(code);
}

/** What a double-quoted `\x` escape stands for, for the escapes js-yaml and yaml.v2 both know
 *  (`\/` is YAML 1.2 only: the js-yaml path reports it; `\<tab>` needs a tab, never scanned). */
const SIMPLE_ESCAPES = new Map<number, string>([
  [48 /* 0 */, '\x00'],
  [97 /* a */, '\x07'],
  [98 /* b */, '\x08'],
  [116 /* t */, '\x09'],
  [110 /* n */, '\x0A'],
  [118 /* v */, '\x0B'],
  [102 /* f */, '\x0C'],
  [114 /* r */, '\x0D'],
  [101 /* e */, '\x1B'],
  [SPACE, ' '],
  [DOUBLE_QUOTE, '"'],
  [BACKSLASH, '\\'],
  [78 /* N */, '\x85'],
  [95 /* _ */, '\xA0'],
  [76 /* L */, '\u2028'],
  [80 /* P */, '\u2029'],
]);
/** Hex digits after `\x`, `\u` and `\U`. */
const HEX_ESCAPE_LENGTHS = new Map<number, number>([
  [120 /* x */, 2],
  [117 /* u */, 4],
  [85 /* U */, 8],
]);

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/** The line breaks kept before a block scalar's next content line, or at its end under `+`
 *  chomping: one per empty line read, and the break of the last content line if there was one. */
function keptLineBreaks(readContent: boolean, emptyLines: number): string {
  return '\n'.repeat(readContent ? 1 + emptyLines : emptyLines);
}

/** What js-yaml puts before a content line of a folded scalar: lines are joined by a space, empty
 *  lines between them stay line breaks, and more-indented lines (starting with a space) keep their
 *  line breaks on both sides. */
function foldedSeparator(
  moreIndentedLine: boolean,
  afterMoreIndented: boolean,
  readContent: boolean,
  emptyLines: number,
): string {
  if (moreIndentedLine) return keptLineBreaks(readContent, emptyLines);
  if (afterMoreIndented) return '\n'.repeat(emptyLines + 1);
  if (emptyLines === 0) return readContent ? ' ' : '';
  return '\n'.repeat(emptyLines);
}

class Scanner {
  /** Offset of the next character to read. */
  private pos = 0;
  /** 1-based number of the line holding `pos`, and the offset where that line starts. */
  private line = 1;
  private lineStart = 0;
  /** Indentation of the content line the cursor stands on (at its first character), -1 at the
   *  end of the text: every node leaves the cursor on the next content line after it. */
  private indent = -1;
  private depth = 0;
  /** The entries and items of the collections being read, innermost collection's last: each
   *  collection takes its own at their exact size when it closes (a list grown item by item would
   *  carry spare room into the tree, which the collector then copies). */
  private readonly pendingEntries: MapEntry[] = [];
  private pendingEntryCount = 0;
  private readonly pendingItems: YamlNode[] = [];
  private pendingItemCount = 0;
  /** One string per distinct key text (see acceptKey). */
  private readonly keyTexts = new Map<string, string>();

  constructor(private readonly text: string) {}

  /** The document's root, undefined for a text without content. */
  scanDocument(): YamlNode | undefined {
    this.toContentLine(true);
    if (this.indent === 0 && this.startsDocumentMarker(this.pos)) {
      // The `---` that opens the (first and only) document, alone on its line.
      if (this.code(this.pos) !== DASH || !isSpaceOrLineEnd(this.code(this.pos + 3))) giveUp();
      this.pos += 3;
      this.finishLine();
    }
    if (this.indent < 0) return undefined;
    const root = this.blockNodeOnItsLine(this.indent);
    if (this.indent >= 0) giveUp();
    return root;
  }

  private code(offset: number): number {
    return this.text.charCodeAt(offset);
  }

  private column(): number {
    return this.pos - this.lineStart + 1;
  }

  private enter(): void {
    if (++this.depth > MAX_SCANNED_DEPTH) giveUp();
  }

  /** From the start of a line (or the end of the previous one), past blank and comment-only lines
   *  to the first character of the next content line; sets `indent`. A document marker there is
   *  left to js-yaml, unless `atDocumentStart` (the caller reads it). */
  private toContentLine(atDocumentStart = false): void {
    const text = this.text;
    for (;;) {
      let pos = this.pos;
      let code = text.charCodeAt(pos);
      while (code === SPACE) code = text.charCodeAt(++pos);
      if (code === HASH) pos = this.endOfComment(pos);
      this.pos = pos;
      if (this.toNextLine()) continue;
      code = text.charCodeAt(pos);
      if (Number.isNaN(code)) {
        this.indent = -1;
        return;
      }
      if (code === TAB) giveUp();
      this.indent = pos - this.lineStart;
      if (this.indent === 0 && !atDocumentStart && this.startsDocumentMarker(pos)) giveUp();
      return;
    }
  }

  /** Where the line of the comment starting at `pos` ends (its `\r\n`, `\n`, or the text's end). */
  private endOfComment(pos: number): number {
    const lineFeed = this.text.indexOf('\n', pos);
    if (lineFeed < 0) return this.text.length;
    return this.code(lineFeed - 1) === CARRIAGE_RETURN ? lineFeed - 1 : lineFeed;
  }

  /** From the end of a line (the cursor on its `\r\n` or `\n`) to the start of the next one; false,
   *  the cursor left in place, where there is no line break there (the text's end, or more content). */
  private toNextLine(): boolean {
    let pos = this.pos;
    if (this.code(pos) === CARRIAGE_RETURN) pos++;
    if (this.code(pos) !== LINE_FEED) return false;
    this.pos = pos + 1;
    this.line++;
    this.lineStart = this.pos;
    return true;
  }

  /** `---` or `...` at the start of a line: a document boundary (or close enough to one). */
  private startsDocumentMarker(pos: number): boolean {
    const code = this.code(pos);
    return (code === DASH || code === DOT) && this.code(pos + 1) === code && this.code(pos + 2) === code;
  }

  /** After a node: only spaces and a comment may follow on its line; then on to the next content
   *  line. */
  private finishLine(): void {
    this.endLine();
    this.toContentLine();
  }

  /** Past the rest of the line, which may hold only spaces and a comment, and its line break. */
  private endLine(): void {
    let pos = this.pos;
    if (this.code(pos) === SPACE) {
      do pos++;
      while (this.code(pos) === SPACE);
      if (this.code(pos) === HASH) pos = this.endOfComment(pos);
    }
    this.pos = pos;
    if (!this.toNextLine() && pos < this.text.length) giveUp();
  }

  private skipSpaces(): void {
    while (this.code(this.pos) === SPACE) this.pos++;
  }

  /** Is the cursor on a `-` item indicator (a dash before a space or a line end)? */
  private atItemIndicator(): boolean {
    return this.code(this.pos) === DASH && isSpaceOrLineEnd(this.code(this.pos + 1));
  }

  /** A node that starts a content line (the cursor on its first character, at `indent`). */
  private blockNodeOnItsLine(indent: number): YamlNode {
    if (this.atItemIndicator()) return this.blockSequence(indent);
    return this.scalarOrMapping(indent);
  }

  /** A flow collection, a scalar, or a block mapping whose first key this is (the mapping's
   *  entries at column `indent`, 0-based, which is the cursor's). */
  private scalarOrMapping(indent: number): YamlNode {
    const code = this.code(this.pos);
    if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      const flow = this.flowCollection();
      this.finishLine();
      return flow;
    }
    const start = this.pos;
    const node = this.lineScalar();
    const afterNode = this.pos;
    this.skipSpaces();
    if (this.code(this.pos) === COLON && isSpaceOrLineEnd(this.code(this.pos + 1))) {
      this.acceptKey(node, this.pos - start);
      return this.blockMapping(indent, node);
    }
    this.pos = afterNode;
    this.finishLine();
    return node;
  }

  /** A mapping key, once read (`length`: from its start to its `:`, as the loader measures). Keys
   *  the js-yaml path treats specially or reports go to it: merge keys, over-long keys. Each
   *  distinct key text is kept once: the tree holds a few dozen key strings instead of one per
   *  entry, as it does from js-yaml (which makes keys property names), and the decoder's field
   *  lookups find their hashes computed. */
  private acceptKey(key: ScalarNode, length: number): void {
    if (length > MAX_IMPLICIT_KEY_LENGTH || (key.style === 'plain' && key.text === '<<')) giveUp();
    const shared = this.keyTexts.get(key.text);
    if (shared === undefined) this.keyTexts.set(key.text, key.text);
    else key.text = shared;
  }

  /** A block mapping at column `indent`, its first key read and the cursor on the key's `:`. */
  private blockMapping(indent: number, firstKey: ScalarNode): MapNode {
    this.enter();
    const first = this.pendingEntryCount;
    let key = firstKey;
    for (;;) {
      this.pos++; // the `:`
      this.addEntry(key, this.mappingValue(indent, key));
      if (this.indent < indent) break;
      if (this.indent > indent || this.atItemIndicator()) giveUp();
      key = this.mappingKey();
    }
    this.depth--;
    return { kind: 'map', tag: undefined, entries: this.takeEntries(first), line: firstKey.line, col: firstKey.col };
  }

  /** A further key of a block mapping, at the start of its line; the cursor ends on its `:`. */
  private mappingKey(): ScalarNode {
    const start = this.pos;
    const key = this.lineScalar();
    this.skipSpaces();
    if (this.code(this.pos) !== COLON || !isSpaceOrLineEnd(this.code(this.pos + 1))) giveUp();
    this.acceptKey(key, this.pos - start);
    return key;
  }

  /** The value after a key's `:` (the cursor just past it), in a mapping at column `indent`. */
  private mappingValue(indent: number, key: ScalarNode): YamlNode {
    this.skipSpaces();
    const code = this.code(this.pos);
    if (code === HASH || isLineEnd(code)) {
      this.finishLine();
      if (this.indent > indent) return this.blockNodeOnItsLine(this.indent);
      // YAML lets a mapping's sequence value sit at the mapping's own column.
      if (this.indent === indent && this.atItemIndicator()) return this.blockSequence(indent);
      return nullAt(key.line, key.col);
    }
    if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      const flow = this.flowCollection();
      this.finishLine();
      return flow;
    }
    if (code === PIPE || code === GREATER_THAN) return this.blockScalar(indent);
    const value = this.lineScalar();
    // A `:` after the value on its line would make it a key: a compact mapping yaml.v2 refuses.
    if (this.code(this.pos) === COLON) giveUp();
    this.finishLine();
    return value;
  }

  /** A block sequence whose `-` items stand at column `indent`, the cursor on the first. */
  private blockSequence(indent: number): SeqNode {
    this.enter();
    const line = this.line;
    const col = this.column();
    const first = this.pendingItemCount;
    for (;;) {
      this.pos++; // the `-`
      this.addItem(this.sequenceItem(indent));
      if (this.indent !== indent || !this.atItemIndicator()) break;
    }
    // Deeper content after an item would continue it (a multi-line scalar): left to js-yaml.
    if (this.indent > indent) giveUp();
    this.depth--;
    return { kind: 'seq', tag: undefined, items: this.takeItems(first), line, col };
  }

  private addEntry(key: YamlNode, value: YamlNode): void {
    this.pendingEntries[this.pendingEntryCount++] = { key, value, merged: false };
  }

  /** The entries added since the count was `first`, as the list of the mapping they belong to. */
  private takeEntries(first: number): MapEntry[] {
    const entries = this.pendingEntries.slice(first, this.pendingEntryCount);
    this.pendingEntryCount = first;
    return entries;
  }

  private addItem(item: YamlNode): void {
    this.pendingItems[this.pendingItemCount++] = item;
  }

  /** The items added since the count was `first`, as the list of the sequence they belong to. */
  private takeItems(first: number): YamlNode[] {
    const items = this.pendingItems.slice(first, this.pendingItemCount);
    this.pendingItemCount = first;
    return items;
  }

  /** The item after a `-` (the cursor just past it) of a sequence at column `indent`. */
  private sequenceItem(indent: number): YamlNode {
    this.skipSpaces();
    const code = this.code(this.pos);
    if (code === HASH || isLineEnd(code)) {
      this.finishLine();
      // An empty item (a bare `-`) is read by the js-yaml path with a workaround of its own.
      if (this.indent <= indent) giveUp();
      return this.blockNodeOnItsLine(this.indent);
    }
    if (code === PIPE || code === GREATER_THAN) return this.blockScalar(indent);
    // Other content on the dash's line is a node whose own column is where it starts (`- key: v`
    // opens a mapping at the key's column, `- - x` a sequence at the inner dash's).
    const column = this.pos - this.lineStart;
    return this.blockNodeOnItsLine(column);
  }

  /** A plain scalar on one line, from the cursor to a `: `, a ` #` or the line's end (trailing
   *  spaces left out); the cursor ends after its last non-space character. */
  private plainScalar(): ScalarNode {
    const text = this.text;
    const start = this.pos;
    let code = text.charCodeAt(start);
    if (isIndicatorOrSpace(code)) giveUp();
    if (code === DASH && isSpaceOrLineEnd(text.charCodeAt(start + 1))) giveUp();
    let pos = start;
    let end = start;
    for (;;) {
      if (code === SPACE) {
        code = text.charCodeAt(++pos);
        if (code === HASH) break;
        continue;
      }
      if (code === COLON && isSpaceOrLineEnd(text.charCodeAt(pos + 1))) break;
      if (isLineEnd(code)) break;
      if (code === TAB) giveUp();
      end = ++pos;
      code = text.charCodeAt(pos);
    }
    this.pos = end;
    const value = text.slice(start, end);
    return this.scalar(value, 'plain', isPlainNull(value), start);
  }

  /** A quoted or plain scalar on one line, in block context. */
  private lineScalar(): ScalarNode {
    const code = this.code(this.pos);
    return code === SINGLE_QUOTE || code === DOUBLE_QUOTE ? this.quotedScalar() : this.plainScalar();
  }

  private scalar(text: string, style: ScalarNode['style'], isNull: boolean, start: number): ScalarNode {
    return { kind: 'scalar', text, style, tag: undefined, isNull, line: this.line, col: start - this.lineStart + 1 };
  }

  /** A single- or double-quoted scalar closed on its own line; the cursor ends after the quote. */
  private quotedScalar(): ScalarNode {
    const start = this.pos;
    const value = this.code(start) === SINGLE_QUOTE ? this.singleQuotedText() : this.doubleQuotedText();
    return this.scalar(value, 'quoted', false, start);
  }

  /** The text of a single-quoted scalar (`''` stands for a quote), the cursor on its opening quote
   *  and then after its closing one. */
  private singleQuotedText(): string {
    const text = this.text;
    let value = '';
    let segmentStart = this.pos + 1;
    for (let pos = segmentStart; ; pos++) {
      const code = text.charCodeAt(pos);
      if (code === SINGLE_QUOTE) {
        value += text.slice(segmentStart, pos);
        if (text.charCodeAt(pos + 1) !== SINGLE_QUOTE) {
          this.pos = pos + 1;
          return value;
        }
        value += "'";
        segmentStart = ++pos + 1;
      } else if (isLineEnd(code) || code === TAB) {
        giveUp();
      }
    }
  }

  /** The text of a double-quoted scalar with its escapes decoded, the cursor on its opening quote
   *  and then after its closing one. */
  private doubleQuotedText(): string {
    const text = this.text;
    let value = '';
    let segmentStart = this.pos + 1;
    for (let pos = segmentStart; ; pos++) {
      const code = text.charCodeAt(pos);
      if (code === DOUBLE_QUOTE) {
        this.pos = pos + 1;
        return value + text.slice(segmentStart, pos);
      }
      if (code === BACKSLASH) {
        value += text.slice(segmentStart, pos);
        const escaped = text.charCodeAt(pos + 1);
        const simple = SIMPLE_ESCAPES.get(escaped);
        if (simple !== undefined) {
          value += simple;
          pos += 1;
        } else {
          const digits = HEX_ESCAPE_LENGTHS.get(escaped) ?? giveUp();
          let codePoint = 0;
          for (let i = 0; i < digits; i++) {
            const digit = hexValue(text.charCodeAt(pos + 2 + i));
            if (digit < 0) giveUp();
            codePoint = codePoint * 16 + digit;
          }
          if (codePoint > 0x10ffff) giveUp();
          value += String.fromCodePoint(codePoint);
          pos += 1 + digits;
        }
        segmentStart = pos + 1;
      } else if (isLineEnd(code) || code === TAB) {
        giveUp();
      }
    }
  }

  /** A literal (`|`) or folded (`>`) block scalar, the value of a key or an item of a collection
   *  at column `parentIndent`, the cursor on its indicator; js-yaml's reading of it, line breaks,
   *  folding and chomping included. An indentation indicator, leading lines of spaces and tabs
   *  are left to js-yaml. */
  private blockScalar(parentIndent: number): ScalarNode {
    const text = this.text;
    const start = this.pos;
    const line = this.line;
    const col = this.column();
    const folded = this.code(start) === GREATER_THAN;
    let pos = start + 1;
    let code = text.charCodeAt(pos);
    const chomping = code === DASH || code === PLUS ? code : undefined;
    if (chomping !== undefined) code = text.charCodeAt(++pos);
    this.pos = pos;
    if (!isSpaceOrLineEnd(code)) giveUp();
    this.endLine();

    let textIndent = -1;
    let value = '';
    let readContent = false;
    let emptyLines = 0;
    let moreIndented = false;
    for (;;) {
      pos = this.pos;
      const lineStart = pos;
      code = text.charCodeAt(pos);
      while (code === SPACE && (textIndent < 0 || pos - lineStart < textIndent)) code = text.charCodeAt(++pos);
      const spaces = pos - lineStart;
      if (code === LINE_FEED || code === CARRIAGE_RETURN || (Number.isNaN(code) && spaces > 0)) {
        // js-yaml would take the indentation from spaces on a leading empty line.
        if (textIndent < 0 && spaces > 0) giveUp();
        emptyLines++;
        this.pos = pos;
        if (!this.toNextLine()) break;
        continue;
      }
      if (textIndent < 0) {
        if (spaces <= parentIndent) giveUp();
        textIndent = spaces;
      }
      if (spaces < textIndent || Number.isNaN(code)) break;
      if (code === TAB) giveUp();
      const separator = folded
        ? foldedSeparator(code === SPACE, moreIndented, readContent, emptyLines)
        : keptLineBreaks(readContent, emptyLines);
      if (folded) moreIndented = code === SPACE;
      const lineFeed = text.indexOf('\n', pos);
      const end = lineFeed < 0 ? text.length : lineFeed;
      value += separator + text.slice(pos, text.charCodeAt(end - 1) === CARRIAGE_RETURN ? end - 1 : end);
      readContent = true;
      emptyLines = 0;
      this.pos = end;
      if (!this.toNextLine()) break;
    }
    if (chomping === PLUS) value += keptLineBreaks(readContent, emptyLines);
    else if (chomping === undefined && readContent) value += '\n';
    // The cursor is at the start of the line that ended the scalar, or at the text's end.
    this.toContentLine();
    return { kind: 'scalar', text: value, style: 'block', tag: undefined, isNull: false, line, col };
  }

  /** A flow sequence or mapping closed on its own line; the cursor ends after it. */
  private flowCollection(): MapNode | SeqNode {
    this.enter();
    const line = this.line;
    const col = this.column();
    const isMapping = this.code(this.pos) === OPEN_BRACE;
    const close = isMapping ? CLOSE_BRACE : CLOSE_BRACKET;
    this.pos++;
    this.skipSpaces();
    const firstEntry = this.pendingEntryCount;
    const firstItem = this.pendingItemCount;
    if (this.code(this.pos) !== close) {
      for (;;) {
        if (isMapping) {
          const start = this.pos;
          const key = this.flowScalar();
          this.skipSpaces();
          if (this.code(this.pos) !== COLON || this.code(this.pos + 1) !== SPACE) giveUp();
          this.acceptKey(key, this.pos - start);
          this.pos++;
          this.skipSpaces();
          this.addEntry(key, this.flowNode());
        } else {
          this.addItem(this.flowNode());
        }
        this.skipSpaces();
        const code = this.code(this.pos);
        if (code === close) break;
        if (code !== COMMA) giveUp();
        this.pos++;
        this.skipSpaces();
        // A trailing comma, an empty entry: js-yaml's business.
        if (this.code(this.pos) === close || this.code(this.pos) === COMMA) giveUp();
      }
    }
    this.pos++; // the closing bracket
    this.depth--;
    return isMapping
      ? { kind: 'map', tag: undefined, entries: this.takeEntries(firstEntry), line, col }
      : { kind: 'seq', tag: undefined, items: this.takeItems(firstItem), line, col };
  }

  /** An entry of a flow collection: a nested one or a scalar. */
  private flowNode(): YamlNode {
    const code = this.code(this.pos);
    if (code === OPEN_BRACKET || code === OPEN_BRACE) return this.flowCollection();
    const node = this.flowScalar();
    // `[a: b]` is a single-pair mapping inside a sequence: left to js-yaml.
    const after = this.pos;
    this.skipSpaces();
    if (this.code(this.pos) === COLON) giveUp();
    this.pos = after;
    return node;
  }

  /** A quoted scalar, or a plain one ending before `,`, a bracket, a brace or `: `. */
  private flowScalar(): ScalarNode {
    const text = this.text;
    const start = this.pos;
    let code = text.charCodeAt(start);
    if (code === SINGLE_QUOTE || code === DOUBLE_QUOTE) return this.quotedScalar();
    if (isIndicatorOrSpace(code)) giveUp();
    if (code === DASH && (isSpaceOrLineEnd(text.charCodeAt(start + 1)) || isFlowIndicator(text.charCodeAt(start + 1))))
      giveUp();
    let pos = start;
    let end = start;
    for (;;) {
      if (code === SPACE) {
        code = text.charCodeAt(++pos);
        // A comment would run to the line's end, past the closing bracket.
        if (code === HASH) giveUp();
        continue;
      }
      if (code === COLON) {
        const following = text.charCodeAt(pos + 1);
        if (following === SPACE) break;
        if (isSpaceOrLineEnd(following) || isFlowIndicator(following)) giveUp();
      } else if (code === COMMA || code === CLOSE_BRACKET || code === CLOSE_BRACE) {
        break;
      } else if (code === OPEN_BRACKET || code === OPEN_BRACE || code === TAB || isLineEnd(code)) {
        giveUp();
      }
      end = ++pos;
      code = text.charCodeAt(pos);
    }
    this.pos = end;
    const value = text.slice(start, end);
    return this.scalar(value, 'plain', isPlainNull(value), start);
  }
}

/** Our tree for `text` (BOM already stripped) when it lies in the scanned subset, else undefined:
 *  then the js-yaml path must read it. */
export function scanYaml(text: string): { root: YamlNode | undefined } | undefined {
  if (UNUSUAL_CHARACTERS.test(text) || holdsLoneCarriageReturn(text)) return undefined;
  try {
    return { root: new Scanner(text).scanDocument() };
  } catch (error) {
    if (error === OUTSIDE_SUBSET) return undefined;
    throw error;
  }
}
