// The nesting pre-scan (src/prometheus/yaml/depth.ts) at its limit, for texts the cheap bound lets
// through and texts it hands to the full scan: both ways must give the same verdict, the same
// position and the line starts the loader reads positions from.
import t from 'tap';
import { findExcessiveNesting } from '../../src/prometheus/yaml/depth.js';

const MAX = 200;

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

t.test('flow nesting at the limit, on one line', async (t) => {
  const justFits = `a: ${'['.repeat(MAX - 1)}${']'.repeat(MAX - 1)}\nb: 1\n`;
  const lineStarts = [0];
  t.equal(findExcessiveNesting(justFits, MAX, lineStarts), undefined, `${MAX - 1} brackets and the key's level fit`);
  t.same(lineStarts, lineStartsOf(justFits));
  const tooDeep = `a: ${'['.repeat(MAX)}${']'.repeat(MAX)}\n`;
  t.same(findExcessiveNesting(tooDeep, MAX, [0]), { line: 1, col: 3 + MAX, depth: MAX + 1 });
});

t.test('block nesting at the limit, one level per line', async (t) => {
  const nested = (levels: number): string =>
    Array.from({ length: levels }, (_, depth) => `${' '.repeat(depth)}k${depth}:`).join('\n') + '\n';
  const lineStarts = [0];
  t.equal(findExcessiveNesting(nested(MAX), MAX, lineStarts), undefined);
  t.same(lineStarts, lineStartsOf(nested(MAX)));
  t.same(findExcessiveNesting(nested(MAX + 1), MAX, [0]), { line: MAX + 1, col: 1, depth: MAX + 1 });
});

t.test('short texts within the bound: no problem, every line start', async (t) => {
  for (const text of ['', 'a', 'a\n', '\n\n', 'a: [1, {b: 2}]\r\nc:\n  - d\n  - "e\\\n f"\n', '# only a comment']) {
    const lineStarts = [0];
    t.equal(findExcessiveNesting(text, MAX, lineStarts), undefined, JSON.stringify(text));
    t.same(lineStarts, lineStartsOf(text), `line starts of ${JSON.stringify(text)}`);
  }
});
