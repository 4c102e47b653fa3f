// The single-pass YAML scanner (src/prometheus/yaml/scanner.ts) against the js-yaml path it stands
// in for: whenever the scanner returns a tree, it must be the js-yaml path's tree, positions
// included, with no errors and no warnings; anything else it must leave to js-yaml. Held on every
// YAML text the repository (and the shared corpus, when present) holds, on generated documents of
// the subset the scanner reads and on those documents with characters inserted, deleted and moved.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import t, { type Test } from 'tap';
import fc from 'fast-check';
import jsYaml from 'js-yaml';
import { loadWithJsYaml, type LoadedYaml } from '../../src/prometheus/yaml/loader.js';
import { scanYaml } from '../../src/prometheus/yaml/scanner.js';
import { REPOSITORY_ROOT } from '../../fixtures/repository.js';
import { CORPUS_DIR, CORPUS_SKIP } from '../../fixtures/corpus.js';
import { acceptedHostileConfigs, rejectedHostileConfigs } from '../../fixtures/hostile.js';
import {
  ONE_MIB,
  prometheusConfigOfSize,
  smallPrometheusConfig,
  staticTargetsConfigOfSize,
} from '../../fixtures/objects.js';
import { prometheusConfig } from '../../oracle/config-arbitrary.js';
import { applyMutations, mutationArbitrary } from '../../oracle/mutations.js';
import { emitYaml } from '../../oracle/yaml-tree.js';

/** What loadYaml returns through the scanner, or undefined where the scanner gives up. */
function scanned(source: string): LoadedYaml | undefined {
  const result = scanYaml(source);
  return result === undefined ? undefined : { root: result.root, errors: [], warnings: [] };
}

/** Does the scanner agree with the js-yaml path on `text` (giving up counts as agreeing)? */
function agrees(text: string): boolean {
  const fast = scanned(text);
  return fast === undefined || isDeepStrictEqual(fast, loadWithJsYaml(text));
}

/** Asserts agreement on every text, showing the first disagreement in full; returns how many
 *  texts the scanner read itself. */
function assertAgreement(t: Test, texts: Array<{ name: string; text: string }>): number {
  const disagreeing = texts.filter(({ text }) => !agrees(text));
  const first = disagreeing[0];
  if (first !== undefined) t.strictSame(scanned(first.text), loadWithJsYaml(first.text), `${first.name} in full`);
  t.same(
    disagreeing.map(({ name }) => name),
    [],
    `the scanner agrees with the js-yaml path on all ${texts.length} texts`,
  );
  return texts.filter(({ text }) => scanYaml(text) !== undefined).length;
}

/** The YAML files under `dir` (recursively), as named texts; `skip` names folders to leave out. */
function yamlFilesUnder(dir: string, skip: ReadonlySet<string> = new Set()): Array<{ name: string; text: string }> {
  const found: Array<{ name: string; text: string }> = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      if (!skip.has(entry)) found.push(...yamlFilesUnder(path, skip));
    } else if (/\.ya?ml$/.test(entry)) {
      found.push({ name: path, text: readFileSync(path, 'utf8').replace(/^\uFEFF/, '') });
    }
  }
  return found;
}

/** The documents of a YAML file, none when it is not valid YAML (some test data is not). */
function documentsOf(text: string): unknown[] {
  try {
    return jsYaml.loadAll(text, undefined, { json: true });
  } catch {
    return [];
  }
}

/** The string values of a ConfigMap's `data` (ARMS keeps prometheus.yml there), for each
 *  ConfigMap in `files`. */
function configMapValues(files: Array<{ name: string; text: string }>): Array<{ name: string; text: string }> {
  return files.flatMap(({ name, text }) =>
    documentsOf(text).flatMap((document) => {
      const object = document as { kind?: unknown; data?: Record<string, unknown> } | null;
      if (object?.kind !== 'ConfigMap' || object.data === undefined) return [];
      return Object.entries(object.data).flatMap(([key, value]) =>
        typeof value === 'string' ? [{ name: `${name} data.${key}`, text: value }] : [],
      );
    }),
  );
}

/** The configs of a fixture file of test/prometheus/fixtures that holds `{ cases: [{ yaml }] }`. */
function casesOf(fixture: string): Array<{ name: string; text: string }> {
  const { cases } = JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'test/prometheus/fixtures', fixture), 'utf8')) as {
    cases: Array<{ yaml: string }>;
  };
  return cases.map(({ yaml }, index) => ({ name: `${fixture} case ${index}`, text: yaml }));
}

const REPOSITORY_YAML = [
  ...['fixtures', 'examples', 'manifests'].flatMap((dir) => yamlFilesUnder(join(REPOSITORY_ROOT, dir))),
  ...yamlFilesUnder(join(REPOSITORY_ROOT, 'test'), new Set(['node_modules'])),
];

t.test('the configs the bench times are read by the scanner, as the js-yaml path reads them', async (t) => {
  const configs = [
    { name: 'small ARMS config', text: smallPrometheusConfig() },
    { name: "promgate's 1 MiB config", text: prometheusConfigOfSize(ONE_MIB) },
    { name: '1 MiB of static targets', text: staticTargetsConfigOfSize(ONE_MIB) },
  ];
  for (const { name, text } of configs) t.not(scanYaml(text), undefined, `the scanner reads the ${name}`);
  assertAgreement(t, configs);
});

t.test("the repository's YAML files and the configs its ConfigMaps carry", async (t) => {
  const configs = configMapValues(REPOSITORY_YAML);
  t.ok(configs.length > 0, 'the examples hold ConfigMaps');
  const example = configs.find(({ name }) => name.includes('arms-prom-prometheus-yaml.yaml'));
  t.not(example && scanYaml(example.text), undefined, 'the scanner reads the example ARMS config');
  const read = assertAgreement(t, [...REPOSITORY_YAML, ...configs]);
  t.ok(read > 0, `the scanner read ${read} of them itself`);
});

t.test('the configs of the promtool differential and the fuzz regressions', async (t) => {
  const read = assertAgreement(t, [...casesOf('promtool-differential.json'), ...casesOf('fuzz-regressions.json')]);
  t.ok(read > 0, `the scanner read ${read} of them itself`);
});

t.test('the hostile configs', async (t) => {
  assertAgreement(
    t,
    [...rejectedHostileConfigs(), ...acceptedHostileConfigs()].map(({ name, promYaml }) => ({ name, text: promYaml })),
  );
});

t.test('the shared corpus', { skip: CORPUS_SKIP }, async (t) => {
  const files = yamlFilesUnder(CORPUS_DIR!);
  const read = assertAgreement(t, [...files, ...configMapValues(files)]);
  t.ok(read > 0, `the scanner read ${read} of them itself`);
});

t.test('what the scanner leaves to js-yaml', async (t) => {
  const outside = {
    'a tab in indentation': 'a:\n\tb: 1\n',
    'a tab after a value': 'a: b\t\n',
    'an anchor and an alias': 'a: &x 1\nb: *x\n',
    'a tag': 'a: !!str 1\n',
    'a merge key': 'a: {x: 1}\nb:\n  <<: {y: 2}\n',
    'an explicit key': '? a\n: b\n',
    'content on the document start line': '--- a: 1\n',
    'a second document': '---\na: 1\n---\nb: 2\n',
    'a document end marker': 'a: 1\n...\n',
    'a directive': '%YAML 1.1\n---\na: 1\n',
    'a multi-line plain scalar': 'a: b\n  c\n',
    'a multi-line quoted scalar': 'a: "b\n  c"\n',
    'a multi-line flow sequence': 'a: [b,\n  c]\n',
    'a value holding ": "': 'a: b: c\n',
    'an indicator starting a plain scalar': 'a: @b\n',
    'a key longer than 1024 characters': `${'k'.repeat(1025)}: v\n`,
    'the YAML 1.2 escape \\/': 'a: "\\/"\n',
    'an unknown escape': 'a: "\\q"\n',
    'a bare dash item': 'a:\n  -\n  - b\n',
    'a lone carriage return': 'a: 1\rb: 2\n',
    'nesting deeper than 64 levels': `${'['.repeat(65)}${']'.repeat(65)}\n`,
    'a trailing comma in a flow sequence': 'a: [b, c,]\n',
    'a pair inside a flow sequence': 'a: [b: c]\n',
    'a mapping after a value on its line': 'a: b\n- c\n',
    'a deeper line after a mapping': 'a: 1\n  b: 2\n',
    'a shallower line after nested content': 'a:\n    b: 1\n  c: 2\n',
  };
  for (const [what, text] of Object.entries(outside)) t.equal(scanYaml(text), undefined, what);
  t.not(scanYaml('# a config\n--- # the only document\na: 1\n'), undefined, 'a leading --- is read');
  assertAgreement(
    t,
    Object.entries(outside).map(([name, text]) => ({ name, text })),
  );
});

// Documents in the scanner's subset, laid out the many ways people write them.
const INDENT_STEP = fc.integer({ min: 1, max: 4 });
/** Plain scalars the subset holds: field names, numbers, YAML 1.1 words, addresses, regexes. */
const ORDINARY_PLAIN = fc.constantFrom(
  'a',
  'job_name',
  'host:9100',
  'http://example.org:80/path?x=1#frag',
  'a b  c',
  'a#b',
  '-1',
  '-x',
  '1e3',
  '0x1F',
  'yes',
  'No',
  'null',
  '~',
  'Null',
  'NULL',
  '.inf',
  '(.+):(\\d+)',
  '[a-z]+,x',
  'a{1}',
  '$1',
  'µs',
  '监控',
  "it's",
  'say "hi"',
  'a:b',
);
/** Plain-looking text outside the subset, or not a scalar at all. */
const ODD_PLAIN = fc.constantFrom('a: b', 'x:', '<<', '- a', '?x', ':x', '%x', '@x', '`x', '|', '>', '!x', '&x', '*x');
const plain = fc.oneof({ weight: 8, arbitrary: ORDINARY_PLAIN }, { weight: 1, arbitrary: ODD_PLAIN });
const singleQuoted = fc.constantFrom('', 'a', "it''s", 'a # b', 'x: y', '"', '\\n', "''").map((inner) => `'${inner}'`);
const doubleQuoted = fc
  .constantFrom(
    '',
    'a',
    '\\"',
    '\\\\',
    '\\n\\t\\r\\0',
    '\\x41\\u00e9\\U0001F600',
    '\\e\\N\\_\\L\\P\\ ',
    "'",
    '\\/',
    '\\q',
    '\\x4',
    '\\U00110000',
    'a # b',
  )
  .map((inner) => `"${inner}"`);
const scalarText = fc.oneof({ weight: 4, arbitrary: plain }, singleQuoted, doubleQuoted);
const keyText = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom('a', 'b', 'job_name', 'targets', 'x y', 'a:b', 'null', '1', '-k', 'a#b', 'k  '),
  },
  { weight: 1, arbitrary: fc.oneof(singleQuoted, doubleQuoted, plain) },
);
/** What may follow a node on its line: nothing, trailing spaces, or a comment. */
const comment = fc.constantFrom('', '', '', '   ', ' # note', '  #', ' #: - [x]');

interface Layout {
  step: number;
  /** Sequences under a key written at the key's column rather than deeper. */
  sequencesAtKeyColumn: boolean;
  /** Spaces between a dash and an item written on its line. */
  dashGap: number;
}

type Emit = (indent: number, layout: Layout) => string[];

/** A node written inline after `key: ` or `- `. */
const flowNode: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarText,
    fc.array(tie('node'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
    fc
      .array(fc.tuple(keyText, tie('node')), { maxLength: 3 })
      .map((entries) => `{${entries.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
  ),
})).node;

/** A literal or folded block scalar: its header where the node starts, its lines deeper. */
const blockScalar: fc.Arbitrary<Emit> = fc
  .record({
    header: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('|', '>', '|-', '>-', '|+', '>+') },
      { weight: 1, arbitrary: fc.constantFrom('|2', '>1-', '|+-', '|x', '|#') },
    ),
    note: comment,
    lines: fc.array(
      fc.tuple(
        fc.constantFrom(0, 0, 0, 1, 2),
        fc.constantFrom('text', 'more text', 'a: b', '# not a comment', '- item', '"q"', 'x  ', ''),
      ),
      { maxLength: 6 },
    ),
  })
  .map(({ header, note, lines }): Emit => (indent, layout) => [
    `${' '.repeat(indent)}${header}${note}`,
    // An empty line may hold a few spaces, or none.
    ...lines.map(([extra, text]) =>
      text === '' ? ' '.repeat(extra) : ' '.repeat(indent + layout.step + extra) + text,
    ),
  ]);

/** Does this emitted node start with a block scalar's header (written on its key's line)? */
function startsBlockScalar(lines: string[]): boolean {
  return /^ *[|>]/.test(lines[0] ?? '');
}

const blockNode: fc.Arbitrary<Emit> = fc.letrec<{ node: Emit }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(flowNode, comment).map(([text, note]): Emit => (indent) => [`${' '.repeat(indent)}${text}${note}`]),
    blockScalar,
    fc
      .array(fc.tuple(keyText, fc.option(tie('node'), { freq: 4 }), fc.boolean(), comment), {
        minLength: 1,
        maxLength: 4,
      })
      .map(
        (entries): Emit =>
          (indent, layout) =>
            entries.flatMap(([key, value, inline, note]) => {
              const pad = ' '.repeat(indent);
              // `key:` alone: a null value.
              if (value === null) return [`${pad}${key}:${note}`];
              const nested = value(0, layout);
              if (inline && nested.length === 1) return [`${pad}${key}: ${nested[0]!.trimStart()}`];
              if (startsBlockScalar(nested)) {
                const [header = '', ...content] = value(indent, layout);
                return [`${pad}${key}: ${header.trimStart()}`, ...content];
              }
              const sequence = nested[0]!.trimStart().startsWith('- ');
              const deeper = sequence && layout.sequencesAtKeyColumn ? indent : indent + layout.step;
              return [`${pad}${key}:${note}`, ...value(deeper, layout)];
            }),
      ),
    fc.array(fc.tuple(tie('node'), fc.boolean(), comment), { minLength: 1, maxLength: 4 }).map(
      (items): Emit =>
        (indent, layout) =>
          items.flatMap(([item, compact, note]) => {
            const pad = ' '.repeat(indent);
            if (compact) {
              // `- key: value` / `- - x`: the item's first line follows the dash.
              const column = indent + 1 + layout.dashGap;
              const [first = '', ...rest] = item(column, layout);
              return [`${pad}-${first.slice(indent + 1)}`, ...rest];
            }
            return [`${pad}-${note}`, ...item(indent + layout.step, layout)];
          }),
    ),
  ),
})).node;

/** Blank and comment lines slipped between a document's lines, at any indentation. */
const interleaving = fc.array(fc.constantFrom('', '   ', '# comment', '    # indented comment', '#'), {
  maxLength: 3,
});

const subsetDocument: fc.Arbitrary<string> = fc
  .record({
    root: blockNode,
    step: INDENT_STEP,
    sequencesAtKeyColumn: fc.boolean(),
    dashGap: fc.constantFrom(1, 1, 2, 3),
    extra: fc.array(fc.tuple(fc.nat(), interleaving), { maxLength: 3 }),
    documentStart: fc.constantFrom<string[]>([], [], ['---'], ['--- # doc', ''], ['# head', '---  ']),
    crlf: fc.boolean(),
    finalNewline: fc.boolean(),
  })
  .map(({ root, step, sequencesAtKeyColumn, dashGap, extra, documentStart, crlf, finalNewline }) => {
    const lines = root(0, { step, sequencesAtKeyColumn, dashGap });
    for (const [at, inserted] of extra) lines.splice(at % (lines.length + 1), 0, ...inserted);
    lines.unshift(...documentStart);
    const text = lines.join(crlf ? '\r\n' : '\n');
    return finalNewline ? text + (crlf ? '\r\n' : '\n') : text;
  });

/** Edits a writer's hand or a broken generator could make, at any place in the text. */
const FRAGMENTS = [
  ' ',
  '  ',
  '\t',
  '#',
  ' #',
  ':',
  ': ',
  '-',
  '- ',
  '"',
  "'",
  '\n',
  '\r\n',
  '\r',
  '[',
  ']',
  '{',
  '}',
  ',',
];
const MORE_FRAGMENTS = [
  '|',
  '>',
  '&a ',
  '*a',
  '!!str ',
  '? ',
  '%',
  '@',
  '`',
  '\\',
  'x',
  '\u00a0',
  '---',
  '...',
  '<<: ',
];
const edit = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    fragment: fc.constantFrom(...FRAGMENTS, ...MORE_FRAGMENTS),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('indent' as const), at: fc.nat(), by: fc.integer({ min: -2, max: 2 }) }),
);
type Edit = typeof edit extends fc.Arbitrary<infer E> ? E : never;

function applyEdit(text: string, change: Edit): string {
  const at = change.at % (text.length + 1);
  if (change.kind === 'insert') return text.slice(0, at) + change.fragment + text.slice(at);
  if (change.kind === 'delete') return text.slice(0, at) + text.slice(at + change.length);
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  if (change.by > 0) return text.slice(0, lineStart) + ' '.repeat(change.by) + text.slice(lineStart);
  const spaces = /^ */.exec(text.slice(lineStart))![0].length;
  return text.slice(0, lineStart) + text.slice(lineStart + Math.min(spaces, -change.by));
}

const edited = (documents: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc
    .tuple(documents, fc.array(edit, { minLength: 1, maxLength: 3 }))
    .map(([text, edits]) => edits.reduce(applyEdit, text));

function holdsFor(t: Test, documents: fc.Arbitrary<string>, numRuns: number, what: string): void {
  let read = 0;
  fc.assert(
    fc.property(documents, (text) => {
      if (scanYaml(text) !== undefined) read++;
      return agrees(text);
    }),
    { numRuns },
  );
  t.ok(read > 0, `${what}: the scanner read ${read} of ${numRuns} itself, each as the js-yaml path does`);
}

t.test('generated documents of the subset, and edited ones', async (t) => {
  holdsFor(t, subsetDocument, 3000, 'documents of the subset');
  holdsFor(t, edited(subsetDocument), 4000, 'edited documents');
});

t.test("the differential fuzzer's configs, mutated and edited", async (t) => {
  const configs = fc
    .tuple(prometheusConfig, fc.array(mutationArbitrary, { maxLength: 3 }))
    .map(([tree, mutations]) => emitYaml(applyMutations(tree, mutations)));
  holdsFor(t, configs, 600, 'generated configs');
  holdsFor(t, edited(configs), 600, 'edited configs');
});
