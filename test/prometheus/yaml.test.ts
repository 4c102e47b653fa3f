// The positional YAML loader: yaml.v2's reading of YAML 1.1 (typing, merges, duplicates, first
// document only), positions, and the bounds that keep hostile input cheap.
import t from 'tap';
import { loadYaml } from '../../src/prometheus/yaml/loader.js';
import { resolvePlainScalar } from '../../src/prometheus/yaml/nodes.js';
import type { MapNode, ScalarNode, SeqNode, YamlNode } from '../../src/prometheus/yaml/nodes.js';

function root(text: string): YamlNode {
  const loaded = loadYaml(text);
  t.same(loaded.errors, [], `no errors for ${JSON.stringify(text.slice(0, 40))}`);
  return loaded.root!;
}

function scalarOf(text: string): ScalarNode {
  const map = root(`v: ${text}\n`) as MapNode;
  return map.entries[0]!.value as ScalarNode;
}

t.test('YAML 1.1 scalar typing as yaml.v2 resolves it', async (t) => {
  for (const word of ['yes', 'Yes', 'YES', 'on', 'On', 'y', 'Y', 'true', 'True']) {
    t.same(resolvePlainScalar(scalarOf(word)), { tag: '!!bool', value: true }, word);
  }
  for (const word of ['no', 'off', 'OFF', 'n', 'N', 'false', 'FALSE']) {
    t.same(resolvePlainScalar(scalarOf(word)), { tag: '!!bool', value: false }, word);
  }
  t.same(resolvePlainScalar(scalarOf('50_000')), { tag: '!!int', value: 50000 });
  t.same(resolvePlainScalar(scalarOf('0x1F')), { tag: '!!int', value: 31 });
  t.same(resolvePlainScalar(scalarOf('010')), { tag: '!!int', value: 8 }, 'leading zero is octal');
  t.same(resolvePlainScalar(scalarOf('1e3')), { tag: '!!float', value: 1000 });
  t.same(resolvePlainScalar(scalarOf('.inf')), { tag: '!!float', value: Infinity });
  t.same(resolvePlainScalar(scalarOf("'yes'")), { tag: '!!str', value: 'yes' }, 'quoted is a string');
  t.same(resolvePlainScalar(scalarOf('!!str 5')), { tag: '!!str', value: '5' }, 'explicit tag');
  for (const nothing of ['~', 'null', 'Null', 'NULL', ''])
    t.ok(scalarOf(nothing).isNull, `${JSON.stringify(nothing)} is null`);
  t.notOk(scalarOf('"null"').isNull, 'quoted null is a string');
  t.equal(scalarOf('1e3').text, '1e3', 'plain scalars keep their source text');
});

t.test('positions are 1-based and survive a BOM and CRLF', async (t) => {
  const map = root('\uFEFFa: 1\r\nbb:\r\n  c: x\r\n') as MapNode;
  const [a, bb] = map.entries;
  t.match(a!.key, { line: 1, col: 1 });
  t.match(a!.value, { line: 1, col: 4 });
  t.match(bb!.key, { line: 2, col: 1 });
  const inner = (bb!.value as MapNode).entries[0]!;
  t.match(inner.key, { line: 3, col: 3 });
  t.match(inner.value, { line: 3, col: 6, text: 'x' });
});

t.test('merge keys and aliases', async (t) => {
  const map = root('base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n') as MapNode;
  const use = map.entries[1]!.value as MapNode;
  t.same(
    use.entries.map((entry) => [(entry.key as ScalarNode).text, (entry.value as ScalarNode).text, entry.merged]),
    [
      ['x', '1', true],
      ['y', '2', true],
      ['y', '3', false],
    ],
  );
  const list = root('a: &a [1]\nb: [*a, *a]\n') as MapNode;
  t.equal((list.entries[1]!.value as { items: YamlNode[] }).items.length, 2);
  t.match(loadYaml('a: {<<: 5}\n').errors, [{ message: /map merge requires map/ }]);
  t.match(loadYaml('a: *nope\n').errors, [{ message: /nope/ }]);
});

t.test('syntax problems are positioned errors', async (t) => {
  t.match(loadYaml('global:\n\tscrape_interval: 1m\n').errors, [{ line: 2, message: /tab/i }]);
  t.match(loadYaml('a: [1, 2\n').errors, [{ line: 2 }]);
  t.match(loadYaml('a: "unterminated\n').errors, [{ message: /./ }]);
});

t.test('only the first document is read, with a warning', async (t) => {
  const loaded = loadYaml('a: 1\n---\nb: [\n');
  t.same(loaded.errors, []);
  t.match(loaded.warnings, [/only the first/]);
  t.same(loadYaml('').root, undefined, 'empty text has no document');
});

t.test('hostile input is refused with a clear error', async (t) => {
  let bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let level = 0; level < 9; level++) {
    const previous = level === 0 ? 'a' : `l${level - 1}`;
    bomb += `l${level}: &l${level} [${Array(9).fill(`*${previous}`).join(',')}]\n`;
  }
  t.match(loadYaml(bomb).errors, [{ message: /excessive aliasing/ }], 'billion laughs');
  t.match(
    loadYaml(`a: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`).errors,
    [{ message: /nests deeper than 200/ }],
    'deep flow',
  );
  t.match(
    loadYaml(`a: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`).errors,
    [{ message: /nests deeper/ }],
    'deep maps',
  );
  t.match(loadYaml(`a:\n  ${'- '.repeat(10_000)}x\n`).errors, [{ message: /nests deeper/ }], 'compact sequences');
  const lines = Array.from({ length: 300 }, (_, depth) => `${' '.repeat(depth)}k${depth}:`).join('\n');
  t.match(loadYaml(lines).errors, [{ message: /nests deeper/ }], 'deep block maps');
  const huge = loadYaml(`a: "${'x'.repeat(1 << 20)}"\n`);
  t.same(huge.errors, [], 'a 1 MiB string is fine');
  t.equal(((huge.root as MapNode).entries[0]!.value as ScalarNode).text.length, 1 << 20);
});

t.test('shapes the event-based builder must get right', async (t) => {
  const texts = (node: YamlNode | undefined): unknown =>
    node === undefined
      ? undefined
      : node.kind === 'scalar'
        ? node.isNull
          ? null
          : node.text
        : node.kind === 'seq'
          ? node.items.map(texts)
          : node.entries.map((entry) => [texts(entry.key), texts(entry.value)]);
  t.same(
    texts(root('{a: 1, b: , c}\n')),
    [
      ['a', '1'],
      ['b', null],
      ['c', null],
    ],
    'flow mapping with missing values',
  );
  t.same(texts(root('[1, [2], {k: v}]\n')), ['1', ['2'], [['k', 'v']]], 'top-level flow sequence');
  t.same(
    texts(root('a:\n- 1\n- 2\nb:\nc: ""\n')),
    [
      ['a', ['1', '2']],
      ['b', null],
      ['c', ''],
    ],
    'unindented sequence, null and empty values',
  );
  t.same(texts(root('l:\n  -\n  - a\n  -\n')), [['l', [null, 'a', null]]], 'bare dashes are null items');
  t.same(texts(root('---\na: 1\n...\n')), [['a', '1']], 'explicit document markers');
  t.same(
    texts(root('a: |\n  x\n  y\nb: >-\n  p\n  q\n')),
    [
      ['a', 'x\ny\n'],
      ['b', 'p q'],
    ],
    'block scalars',
  );
  const nulls = root('l:\n  - a\n  -\n') as MapNode;
  t.match(
    (nulls.entries[0]!.value as { items: YamlNode[] }).items[1],
    { line: 3, col: 3, isNull: true },
    'a null item is positioned at its dash',
  );
  // js-yaml alone reads `- c: 2` into b's list; yaml.v2 (and YAML) put it in a's.
  const misread = 'a:\n  - b:\n      - 1\n      -   # empty\n  - c: 2\n  -\n  - d\n';
  t.same(
    texts(root(misread)),
    [['a', [[['b', ['1', null]]], [['c', '2']], null, 'd']]],
    'a bare dash before a shallower item ends its sequence',
  );
  const spelled = ((root(misread) as MapNode).entries[0]!.value as SeqNode).items[0] as MapNode;
  t.match(
    (spelled.entries[0]!.value as SeqNode).items[1],
    { line: 4, col: 7, text: '', isNull: true },
    'that item is still an empty null at its dash',
  );
  t.same(
    texts(root('a:\n  - b:\n      -\n  - c:\n      -\n  - d\n')),
    [['a', [[['b', [null]]], [['c', [null]]], 'd']]],
    'several of them',
  );
  t.same(
    texts(root('l:\n- |\n    -\n- b:\n    -\n- c\n')),
    [['l', ['-\n', [['b', [null]]], 'c']]],
    'a dash inside a block scalar stays text while a real bare item beside it is read right',
  );
  const many = root(`a:\n${'  - b:\n      -\n'.repeat(1000)}`) as MapNode;
  t.equal((many.entries[0]!.value as SeqNode).items.length, 1000, 'a thousand of them, no nesting limit reached');
  const binary = scalarOf('!!binary aGVsbG8=');
  t.match(binary, { text: 'hello', tag: '!!binary' }, '!!binary is decoded');
});

t.test("yaml.v2's alias ratio: mostly-aliased documents are refused, shared snippets are fine", async (t) => {
  const group = `{targets: [${Array(100).fill('"a:1"').join(',')}]}`;
  const copies = `l:\n  - &g ${group}\n${Array(100).fill('  - *g\n').join('')}`;
  t.match(
    loadYaml(copies).errors,
    [{ message: /excessive aliasing: \d+ of the \d+ nodes/ }],
    '99% of the nodes via aliases',
  );
  const shared = `r: &r [{a: 1}, {b: 2}]\n${Array(50)
    .fill(0)
    .map((_, i) => `j${i}: {name: n${i}, port: ${i}, host: h${i}, rules: *r}\n`)
    .join('')}`;
  t.same(loadYaml(shared).errors, [], 'a snippet shared by many entries');
  t.equal(
    ((loadYaml(`a: &x [1]\nb:\n  - *x\n`).root as MapNode).entries[1]!.value as { items: YamlNode[] }).items.length,
    1,
    'a block-context alias counts once',
  );
});

t.test('a comment holding a comma between a key and its block value is only a comment', async (t) => {
  // The flow-mapping rule `{a: , b}` (a comma after the colon: no value) must not read commas in comments.
  const loaded = loadYaml('relabel_configs:\n  # keep, then rename\n  - source_labels: [a]\n');
  const root = loaded.root as MapNode;
  t.equal(root.entries.length, 1);
  t.equal((root.entries[0]?.key as ScalarNode).text, 'relabel_configs');
  t.equal(root.entries[0]?.value.kind, 'seq', 'the sequence is the value of relabel_configs');
  const flow = loadYaml('{a: , b: 1}\n').root as MapNode;
  t.same(
    flow.entries.map((entry) => [(entry.key as ScalarNode).text, entry.value.kind === 'scalar' && entry.value.isNull]),
    [
      ['a', true],
      ['b', false],
    ],
    'a real comma after a colon still means no value',
  );
});
