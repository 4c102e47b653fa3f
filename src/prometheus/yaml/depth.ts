// A linear pre-scan that estimates how deeply a YAML text nests, run before the parser sees it:
// parsers recurse per level, and near the stack limit V8 can die outright (not with a catchable
// RangeError). The estimate never undercounts real nesting by much and only gets large for hostile
// input: flow brackets outside quotes, plus the stack of block indentations, plus compact `- - -` /
// `? ` indicators on one line.

export interface DepthProblem {
  line: number;
  col: number;
  depth: number;
}

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const SPACE = 32;
const TAB = 9;
const HASH = 35;
const DASH = 45;
const QUESTION = 63;
const BACKSLASH = 92;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const COLON = 58;
const COMMA = 44;

/** Characters after which a `[`, `{` or quote starts a node (not the middle of a plain scalar). */
function startsNodeAfter(code: number): boolean {
  return (
    code === COLON ||
    code === DASH ||
    code === QUESTION ||
    code === COMMA ||
    code === OPEN_BRACKET ||
    code === OPEN_BRACE ||
    code === SPACE ||
    code === TAB
  );
}

// Runs of the characters the scan below passes without acting on them: outside quotes all but line
// breaks, `#`, quotes and brackets; inside quotes all but line breaks, the closing quote and (in
// double quotes) the escaping backslash. Sticky, so each matches exactly at `lastIndex`.
const ORDINARY = /[^\n#"'[\]{}]*/y;
const IN_DOUBLE_QUOTES = /[^\n"\\]*/y;
const IN_SINGLE_QUOTES = /[^\n']*/y;

/** A proof, much cheaper than the scan below (indexOf instead of a loop per character), that its
 *  estimate cannot exceed `max`: the block part is a stack of strictly increasing columns, each
 *  inside one line, so it holds at most the longest line's length plus one; the flow part counts
 *  opened `[`/`{`, at most as many as the text holds. Small configs pass; on success the line
 *  starts are added as the scan would add them. */
function nestingBoundedBy(text: string, max: number, lineStarts: number[]): boolean {
  let brackets = 0;
  for (const bracket of ['[', '{']) {
    for (let i = text.indexOf(bracket); i >= 0; i = text.indexOf(bracket, i + 1)) {
      if (++brackets >= max) return false;
    }
  }
  const longestLineAllowed = max - 1 - brackets;
  const starts: number[] = [];
  for (let lineStart = 0; ;) {
    const end = text.indexOf('\n', lineStart);
    if ((end < 0 ? text.length : end) - lineStart > longestLineAllowed) return false;
    if (end < 0) break;
    lineStart = end + 1;
    starts.push(lineStart);
  }
  for (const start of starts) lineStarts.push(start);
  return true;
}

/** The first position where the estimated depth exceeds `max`, or undefined. On the way it adds
 *  to `lineStarts` the offset where each line after the first starts (the loader needs them too,
 *  and this is one pass less over the text); they are complete when no problem was found. */
export function findExcessiveNesting(text: string, max: number, lineStarts: number[]): DepthProblem | undefined {
  if (nestingBoundedBy(text, max, lineStarts)) return undefined;
  const indents: number[] = [];
  let flowDepth = 0;
  let quote = 0;
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const length = text.length;
  while (i < length) {
    // At a line start outside flow collections and quotes: block indentation and compact indicators.
    if (flowDepth === 0 && quote === 0) {
      let indent = 0;
      while (text.charCodeAt(i + indent) === SPACE) indent++;
      const first = text.charCodeAt(i + indent);
      if (i + indent < length && first !== NEWLINE && first !== HASH && first !== CARRIAGE_RETURN) {
        while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
        indents.push(indent);
        let at = i + indent;
        while (
          (text.charCodeAt(at) === DASH || text.charCodeAt(at) === QUESTION) &&
          (text.charCodeAt(at + 1) === SPACE || at + 1 === length)
        ) {
          indents.push(at - i + 1);
          at += 2;
          while (text.charCodeAt(at) === SPACE) at++;
        }
        if (indents.length > max) return { line, col: 1, depth: indents.length };
        i = at;
      } else {
        i += indent;
      }
    }
    // The rest of the line.
    for (; i < length; i++) {
      // Jump over the characters the scan passes anyway (a regex does this far faster than a loop).
      const skip = quote === 0 ? ORDINARY : quote === DOUBLE_QUOTE ? IN_DOUBLE_QUOTES : IN_SINGLE_QUOTES;
      skip.lastIndex = i;
      skip.test(text);
      i = skip.lastIndex;
      if (i >= length) break;
      const code = text.charCodeAt(i);
      if (code === NEWLINE) break;
      if (quote !== 0) {
        if (code === BACKSLASH && quote === DOUBLE_QUOTE) {
          i++;
          // An escaped line break (skipped by this scan) still starts a line.
          if (text.charCodeAt(i) === NEWLINE) lineStarts.push(i + 1);
        } else if (code === quote) {
          if (quote === SINGLE_QUOTE && text.charCodeAt(i + 1) === SINGLE_QUOTE) i++;
          else quote = 0;
        }
        continue;
      }
      const previous = i === lineStart ? SPACE : text.charCodeAt(i - 1);
      if (code === HASH && (previous === SPACE || previous === TAB)) {
        while (i < length && text.charCodeAt(i) !== NEWLINE) i++;
        break;
      }
      if ((code === DOUBLE_QUOTE || code === SINGLE_QUOTE) && startsNodeAfter(previous)) {
        quote = code;
      } else if ((code === OPEN_BRACKET || code === OPEN_BRACE) && (flowDepth > 0 || startsNodeAfter(previous))) {
        flowDepth++;
        if (flowDepth + indents.length > max)
          return { line, col: i - lineStart + 1, depth: flowDepth + indents.length };
      } else if ((code === CLOSE_BRACKET || code === CLOSE_BRACE) && flowDepth > 0) {
        flowDepth--;
      }
    }
    i++;
    line++;
    lineStart = i;
    if (i <= length) lineStarts.push(i);
  }
  return undefined;
}
