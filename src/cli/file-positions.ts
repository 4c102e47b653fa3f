// Where a finding about a manifest is in the manifest file. The Prometheus checker counts lines and
// columns inside a data key's text; a person, an editor and a CI annotation need them in the file.
// A YAML scalar's value is its file text transformed (indentation removed, lines folded, escapes
// decoded), so this module replays the transformation, recording for each UTF-16 code unit of the
// value the file offset it came from and whether it was copied there unchanged. A position is
// called exact only on such a copy, and only after the replayed value has been found equal to the
// value check judged; anywhere else it says what it knows (the line of the escape or of the folded
// line break, else the line of the key) and why no column is given.
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node as YamlNode } from 'yaml';
import { lineIndexAt } from '../common/line-index.js';
import type { KubernetesObject } from '../policies/policy.js';

/** 1-based; columns count UTF-16 code units (SARIF's default column kind). */
export interface FilePosition {
  line: number;
  /** Absent when only the line is known. */
  column?: number;
  /** The file holds, at line:column, the very character the position names. */
  exact: boolean;
  /** Why the position is not exact, for people. */
  note?: string;
}

/** A position inside a string value, as the Prometheus checker reports it (1-based). */
export interface ValuePosition {
  line: number;
  col: number;
}

/** Which object of the file: its document, and its item when the document is a List (0-based). */
export interface ObjectRef {
  documentIndex: number;
  itemIndex?: number;
}

/** A scalar's value with, per UTF-16 code unit, the file offset it comes from (-1: none). */
interface Trace {
  value: string;
  sources: number[];
  /** The unit was copied unchanged from its source offset. */
  verbatim: boolean[];
}

class TraceBuilder {
  private readonly units: string[] = [];
  readonly sources: number[] = [];
  readonly verbatim: boolean[] = [];

  /** `count` units copied unchanged from `text` at `from`. */
  copy(text: string, from: number, count = 1): void {
    for (let i = 0; i < count; i++) this.push(text[from + i]!, from + i, true);
  }

  /** Units that stand for file text written differently (an escape, a folded line break). */
  produce(units: string, source: number): void {
    for (const unit of units) for (let i = 0; i < unit.length; i++) this.push(unit[i]!, source, false);
  }

  private push(unit: string, source: number, verbatim: boolean): void {
    this.units.push(unit);
    this.sources.push(source);
    this.verbatim.push(verbatim);
  }

  build(): Trace {
    return { value: this.units.join(''), sources: this.sources, verbatim: this.verbatim };
  }
}

/** The length of the line break at `at`, 0 when there is none (YAML reads \r\n, \n and \r). */
function breakLength(text: string, at: number): number {
  if (text[at] === '\r') return text[at + 1] === '\n' ? 2 : 1;
  return text[at] === '\n' ? 1 : 0;
}

function isBlank(char: string | undefined): boolean {
  return char === ' ' || char === '\t';
}

// Escapes of double-quoted YAML (YAML 1.2 §5.7) that stand for another character.
const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};
// Escapes that stand for the character after the backslash, which the file holds as it is.
const SELF_ESCAPES = new Set([' ', '\t', '"', '/', '\\']);
const HEX_ESCAPE_DIGITS: Record<string, number> = { x: 2, u: 4, U: 8 };

/**
 * A flow scalar (plain, single- or double-quoted) between `start` and `end` (the quotes excluded):
 * a line break and the blank lines after it fold into a space or into one newline per blank line,
 * blanks around a break are dropped; `''` is a quote; a backslash starts an escape.
 */
function traceFlow(text: string, start: number, end: number, style: 'plain' | 'single' | 'double'): Trace {
  const out = new TraceBuilder();
  let i = start;
  while (i < end) {
    const char = text[i]!;
    if (style === 'double' && char === '\\') {
      const next = text[i + 1]!;
      const escapedBreak = breakLength(text, i + 1);
      if (escapedBreak > 0) {
        // An escaped line break joins the lines without a space; the next line's blanks go too.
        i += 1 + escapedBreak;
        while (i < end && isBlank(text[i])) i++;
      } else if (SELF_ESCAPES.has(next)) {
        out.copy(text, i + 1);
        i += 2;
      } else if (next in HEX_ESCAPE_DIGITS) {
        const digits = HEX_ESCAPE_DIGITS[next]!;
        out.produce(String.fromCodePoint(parseInt(text.slice(i + 2, i + 2 + digits), 16)), i);
        i += 2 + digits;
      } else {
        out.produce(ESCAPES[next] ?? next, i);
        i += 2;
      }
      continue;
    }
    if (style === 'single' && char === "'" && text[i + 1] === "'") {
      out.copy(text, i);
      i += 2;
      continue;
    }
    if (isBlank(char)) {
      let blanksEnd = i;
      while (blanksEnd < end && isBlank(text[blanksEnd])) blanksEnd++;
      // Blanks before a line break are not part of the value.
      if (breakLength(text, blanksEnd) === 0) out.copy(text, i, blanksEnd - i);
      i = blanksEnd;
      continue;
    }
    const lineBreak = breakLength(text, i);
    if (lineBreak > 0) {
      const firstBreak = i;
      i += lineBreak;
      const emptyLineBreaks: number[] = [];
      for (;;) {
        while (i < end && isBlank(text[i])) i++;
        const next = breakLength(text, i);
        if (next === 0) break;
        emptyLineBreaks.push(i);
        i += next;
      }
      if (emptyLineBreaks.length === 0) out.produce(' ', firstBreak);
      for (const at of emptyLineBreaks) out.produce('\n', at);
      continue;
    }
    out.copy(text, i);
    i++;
  }
  return out.build();
}

interface Line {
  start: number;
  /** Where its line break starts (the end of the text when it has none). */
  end: number;
  /** Its line break's length (0 at the end of the text). */
  breakLength: number;
}

function linesOf(text: string, start: number, end: number): Line[] {
  const lines: Line[] = [];
  let lineStart = start;
  for (let i = start; i < end; i++) {
    const length = breakLength(text, i);
    if (length === 0) continue;
    lines.push({ start: lineStart, end: i, breakLength: length });
    i += length - 1;
    lineStart = i + 1;
  }
  if (lineStart < end) lines.push({ start: lineStart, end, breakLength: 0 });
  return lines;
}

function hasBreak(line: Line): boolean {
  return line.breakLength > 0;
}

function leadingSpaces(text: string, line: Line): number {
  let count = 0;
  while (line.start + count < line.end && text[line.start + count] === ' ') count++;
  return count;
}

/** The fields of a block scalar's header (`|`, `>-`, `|2+`, …) that shape its value. */
interface BlockHeader {
  folded: boolean;
  /** The indentation indicator, 0 when the indentation is detected. */
  indentation: number;
  chomping: 'strip' | 'clip' | 'keep';
}

function blockHeader(header: string): BlockHeader {
  const digit = /[1-9]/.exec(header)?.[0];
  return {
    folded: header.startsWith('>'),
    indentation: digit === undefined ? 0 : Number(digit),
    chomping: header.includes('-') ? 'strip' : header.includes('+') ? 'keep' : 'clip',
  };
}

/**
 * A block scalar whose content lines run from `start` to `end`, `parentIndent` being the
 * indentation an indentation indicator counts from (YAML 1.2 §8.1): the lines lose their
 * indentation; a literal keeps its line breaks, a folded one turns a break between two lines of
 * text into a space (or drops it before blank lines); chomping decides the final breaks.
 */
function traceBlock(text: string, start: number, end: number, parentIndent: number, header: BlockHeader): Trace {
  const out = new TraceBuilder();
  const lines = linesOf(text, start, end);
  const firstText = lines.find((line) => leadingSpaces(text, line) < line.end - line.start);
  // Without an indicator the first line of text sets the indentation; without one, every line is empty.
  const indent =
    header.indentation > 0
      ? parentIndent + header.indentation
      : firstText
        ? leadingSpaces(text, firstText)
        : Number.MAX_SAFE_INTEGER;
  // A line of spaces no longer than the indentation is empty; anything else is content.
  const isEmpty = (line: Line): boolean =>
    line.end - line.start <= indent && leadingSpaces(text, line) === line.end - line.start;
  let last = lines.length - 1;
  while (last >= 0 && isEmpty(lines[last]!)) last--;
  const lineBreak = (line: Line, verbatim: boolean): void => {
    if (line.breakLength === 0) out.produce('\n', -1);
    else if (verbatim && line.breakLength === 1 && text[line.end] === '\n') out.copy(text, line.end);
    else out.produce('\n', line.end);
  };
  let previousFoldable = false;
  let pendingEmpty: Line[] = [];
  let previous: Line | undefined;
  for (let index = 0; index <= last; index++) {
    const line = lines[index]!;
    if (isEmpty(line)) {
      pendingEmpty.push(line);
      continue;
    }
    const contentStart = line.start + indent;
    // In a folded scalar only lines of text starting without a blank fold into each other.
    const foldable = header.folded && !isBlank(text[contentStart]);
    if (previous !== undefined) {
      if (foldable && previousFoldable) {
        if (pendingEmpty.length === 0) out.produce(' ', previous.end);
        for (const empty of pendingEmpty) lineBreak(empty, false);
      } else {
        lineBreak(previous, !header.folded);
        for (const empty of pendingEmpty) lineBreak(empty, !header.folded);
      }
    } else {
      for (const empty of pendingEmpty) lineBreak(empty, !header.folded);
    }
    pendingEmpty = [];
    out.copy(text, contentStart, line.end - contentStart);
    previous = line;
    previousFoldable = foldable;
  }
  if (previous === undefined) {
    // No content: only kept empty lines make a value.
    if (header.chomping === 'keep') for (const line of lines.filter(hasBreak)) lineBreak(line, false);
    return out.build();
  }
  if (header.chomping !== 'strip') lineBreak(previous, !header.folded);
  if (header.chomping === 'keep') for (const line of lines.slice(last + 1).filter(hasBreak)) lineBreak(line, false);
  return out.build();
}

/** The source token the parser kept on a node (`keepSourceTokens`). */
interface SourceToken {
  type: string;
  offset: number;
  indent: number;
  source: string;
  props?: Array<{ type: string; offset: number; source: string }>;
}

function traceScalar(text: string, token: SourceToken): Trace | undefined {
  switch (token.type) {
    case 'scalar':
      return traceFlow(text, token.offset, token.offset + token.source.length, 'plain');
    case 'single-quoted-scalar':
      return traceFlow(text, token.offset + 1, token.offset + token.source.length - 1, 'single');
    case 'double-quoted-scalar':
      return traceFlow(text, token.offset + 1, token.offset + token.source.length - 1, 'double');
    case 'block-scalar': {
      const props = token.props ?? [];
      const header = props.find((prop) => prop.type === 'block-scalar-header');
      const lastProp = props[props.length - 1];
      if (header === undefined || lastProp === undefined) return undefined;
      const contentStart = lastProp.offset + lastProp.source.length;
      return traceBlock(
        text,
        contentStart,
        contentStart + token.source.length,
        token.indent,
        blockHeader(header.source),
      );
    }
    default:
      return undefined;
  }
}

/** The offset of a 1-based line and column in `value`, or undefined when it lies outside. */
function valueOffset(value: string, at: ValuePosition): number | undefined {
  // The checker reads a value without its byte-order mark.
  let offset = value.startsWith('\uFEFF') ? 1 : 0;
  for (let line = 1; line < at.line; line++) {
    const lineEnd = value.indexOf('\n', offset);
    if (lineEnd < 0) return undefined;
    offset = lineEnd + 1;
  }
  const lineEnd = value.indexOf('\n', offset);
  const lineLength = (lineEnd < 0 ? value.length : lineEnd) - offset;
  // Column lineLength + 1 is the line break itself (or the end of the value).
  if (at.col < 1 || at.col > lineLength + 1) return undefined;
  return offset + at.col - 1;
}

type Step = string | number;

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const length = breakLength(text, i);
    if (length === 0) continue;
    i += length - 1;
    starts.push(i + 1);
  }
  return starts;
}

/** A manifest file's text, parsed on the first question about it. */
export class ManifestFile {
  private parsed: { documents: Document[]; lineStarts: number[] } | undefined;

  constructor(private readonly text: string) {}

  private get documents(): Document[] {
    return this.parse().documents;
  }

  private parse(): { documents: Document[]; lineStarts: number[] } {
    this.parsed ??= {
      documents: parseAllDocuments(this.text, { keepSourceTokens: true, merge: true }) as Document[],
      lineStarts: lineStartsOf(this.text),
    };
    return this.parsed;
  }

  /** Each scalar's trace, made once: a large key can hold many errors. */
  private readonly traces = new Map<YamlNode, Trace | undefined>();

  private traceOf(node: YamlNode): Trace | undefined {
    if (!this.traces.has(node)) {
      const token = (node as YamlNode & { srcToken?: SourceToken }).srcToken;
      this.traces.set(node, isScalar(node) && token !== undefined ? traceScalar(this.text, token) : undefined);
    }
    return this.traces.get(node);
  }

  /** 1-based line and column of a file offset. */
  private at(offset: number): { line: number; column: number } {
    const starts = this.parse().lineStarts;
    const line = lineIndexAt(starts, offset);
    return { line: line + 1, column: offset - starts[line]! + 1 };
  }

  /** The object's node, when the file holds it where check read it (same kind, namespace, name). */
  private objectNode(ref: ObjectRef, object: KubernetesObject): YamlNode | undefined {
    const document = this.documents[ref.documentIndex];
    if (document === undefined) return undefined;
    let node = document.contents as YamlNode | null;
    if (ref.itemIndex !== undefined) {
      const items = isMap(node) ? node.get('items', true) : undefined;
      node = isSeq(items) ? ((items.items[ref.itemIndex] as YamlNode | undefined) ?? null) : null;
    }
    if (!isMap(node)) return undefined;
    const metadata = node.get('metadata', true);
    const same =
      node.get('kind') === object.kind &&
      (isMap(metadata) ? metadata.get('name') : undefined) === object.metadata?.name &&
      (isMap(metadata) ? metadata.get('namespace') : undefined) === object.metadata?.namespace;
    return same ? node : undefined;
  }

  /**
   * The nodes along `field` (API field-path notation: `data.promYaml`, `spec.containers[0]`; a key
   * may hold dots, `data.prometheus.yml`), as far as the file has them, with the steps taken.
   */
  private walk(root: YamlNode, field: string): { nodes: YamlNode[]; steps: Step[]; complete: boolean } {
    const nodes = [root];
    const steps: Step[] = [];
    let rest = field;
    while (rest !== '') {
      const node = nodes[nodes.length - 1]!;
      const index = /^\[(\d+)\]\.?/.exec(rest);
      if (index !== null) {
        const item = isSeq(node) ? (node.items[Number(index[1])] as YamlNode | undefined) : undefined;
        if (item === undefined) break;
        nodes.push(item);
        steps.push(Number(index[1]));
        rest = rest.slice(index[0].length);
        continue;
      }
      if (!isMap(node)) break;
      // The longest key that the rest of the path starts with, followed by the path's end, a dot or an index.
      let found: { key: string; value: YamlNode } | undefined;
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key === undefined || !rest.startsWith(key) || !['', '.', '['].includes(rest.charAt(key.length))) continue;
        if (found === undefined || key.length > found.key.length) {
          found = { key, value: (pair.value ?? pair.key) as YamlNode };
        }
      }
      if (found === undefined) break;
      nodes.push(found.value);
      steps.push(found.key);
      rest = rest.slice(found.key.length).replace(/^\./, '');
    }
    return { nodes, steps, complete: rest === '' };
  }

  private startOf(node: YamlNode, exact: boolean, note?: string): FilePosition {
    const offset = node.range?.[0] ?? 0;
    return { ...this.at(offset), exact, ...(note === undefined ? {} : { note }) };
  }

  /** Where the object starts: its first key. */
  objectPosition(ref: ObjectRef, object: KubernetesObject): FilePosition | undefined {
    const node = this.objectNode(ref, object);
    return node === undefined ? undefined : this.startOf(node, true);
  }

  /** Where `field` is written, or the nearest part of it the file holds (not exact, with why). */
  fieldPosition(ref: ObjectRef, object: KubernetesObject, field: string): FilePosition | undefined {
    const root = this.objectNode(ref, object);
    if (root === undefined) return undefined;
    const { nodes, steps, complete } = this.walk(root, field);
    const node = nodes[nodes.length - 1]!;
    if (complete) return this.startOf(node, true);
    const written = steps.length === 0 ? 'the object' : pathOf(steps);
    return this.startOf(node, false, `${field} is not in the file; this is where ${written} is`);
  }

  /**
   * Where the character at `at` inside the string value of `field` is in the file. Exact only
   * where the file holds that character as it is; else the line its escape or folded line break
   * is on, or the line of the field itself.
   */
  valuePosition(ref: ObjectRef, object: KubernetesObject, field: string, at: ValuePosition): FilePosition | undefined {
    const root = this.objectNode(ref, object);
    if (root === undefined) return undefined;
    const { nodes, steps, complete } = this.walk(root, field);
    const fieldStart = this.fieldPosition(ref, object, field);
    if (!complete || fieldStart === undefined) return fieldStart;
    const unknown = (why: string): FilePosition => ({
      line: fieldStart.line,
      exact: false,
      note: `the position in the file is unknown (${why}); line ${fieldStart.line} is where ${field} is`,
    });
    let node = nodes[nodes.length - 1]!;
    if (isAlias(node)) {
      const target = node.resolve(this.documents[ref.documentIndex]!);
      if (target === undefined) return unknown('an alias to nothing');
      node = target as YamlNode;
    }
    const trace = this.traceOf(node);
    const judged: unknown = steps.reduce<unknown>(
      (value, step) => (value as Record<string | number, unknown> | undefined)?.[step],
      object,
    );
    if (trace === undefined || trace.value !== judged) return unknown('the value could not be matched to its text');
    const offset = valueOffset(trace.value, at);
    if (offset === undefined) return unknown(`${at.line}:${at.col} lies outside the value`);
    if (offset === trace.value.length) {
      // Just past the end: exact when the last character is.
      const lastIndex = offset - 1;
      if (lastIndex >= 0 && trace.verbatim[lastIndex]) {
        return { ...this.at(trace.sources[lastIndex]! + 1), exact: true };
      }
      return unknown('the end of the value is not written as it is');
    }
    const source = trace.sources[offset]!;
    if (trace.verbatim[offset]) return { ...this.at(source), exact: true };
    if (source < 0) return unknown('the character is not written in the file');
    const written = this.text[source] === '\\' ? 'an escape sequence' : 'a folded line break';
    return {
      line: this.at(source).line,
      exact: false,
      note: `the character is written as ${written} on this line; no column is exact`,
    };
  }
}

function pathOf(steps: Step[]): string {
  return steps
    .map((step, index) => (typeof step === 'number' ? `[${step}]` : index === 0 ? step : `.${step}`))
    .join('');
}
