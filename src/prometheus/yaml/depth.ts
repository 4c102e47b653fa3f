// A linear pre-scan that estimates how deeply a YAML text nests, run before the `yaml` package
// sees it: its composer recurses per level, and near the stack limit V8 can die outright (not with a
// catchable RangeError). The estimate never undercounts real nesting by much and only gets large
// for hostile input: flow brackets outside quotes, plus the stack of block indentations, plus
// compact `- - -` / `? ` indicators on one line.

export interface DepthProblem {
  line: number;
  col: number;
  depth: number;
}

const VALUE_START_BEFORE = new Set([':', '-', '?', ',', '[', '{', ' ', '\t']);

/** The first position where the estimated depth exceeds `max`, or undefined. */
export function findExcessiveNesting(text: string, max: number): DepthProblem | undefined {
  const indents: number[] = [];
  let flowDepth = 0;
  let quote: '"' | "'" | undefined;
  const lines = text.split('\n');
  for (let lineIndex = 0; lineIndex < lines.length; lineIndex++) {
    const line = lines[lineIndex]!;
    let i = 0;
    if (flowDepth === 0 && quote === undefined) {
      while (i < line.length && line[i] === ' ') i++;
      if (i === line.length || line[i] === '#' || line[i] === '\r') continue;
      while (indents.length > 0 && indents[indents.length - 1]! >= i) indents.pop();
      indents.push(i);
      // Compact nested collections on one line: `- - - x`, `? ? x`.
      while ((line[i] === '-' || line[i] === '?') && (line[i + 1] === ' ' || line[i + 1] === undefined)) {
        indents.push(i + 1);
        i += 2;
        while (line[i] === ' ') i++;
      }
    }
    for (; i < line.length; i++) {
      const char = line[i]!;
      if (quote !== undefined) {
        if (char === '\\' && quote === '"') i++;
        else if (char === quote) {
          if (quote === "'" && line[i + 1] === "'") i++;
          else quote = undefined;
        }
        continue;
      }
      if (char === '#' && (i === 0 || line[i - 1] === ' ')) break;
      if ((char === '"' || char === "'") && (i === 0 || VALUE_START_BEFORE.has(line[i - 1]!))) {
        quote = char;
        continue;
      }
      const startsFlow = (char === '[' || char === '{') && (flowDepth > 0 || i === 0 || VALUE_START_BEFORE.has(line[i - 1]!));
      if (startsFlow) {
        flowDepth++;
        if (flowDepth + indents.length > max) return { line: lineIndex + 1, col: i + 1, depth: flowDepth + indents.length };
      } else if ((char === ']' || char === '}') && flowDepth > 0) {
        flowDepth--;
      }
    }
    if (indents.length > max) return { line: lineIndex + 1, col: 1, depth: indents.length };
  }
  return undefined;
}
