// A position inside a ConfigMap key maps to the file exactly where the file holds that very
// character, and says so where it does not (escapes, folded line breaks), whatever way the value is
// written: block scalars with every header, quoted and plain scalars, JSON, several documents, Lists.
import t, { type Test } from 'tap';
import fc from 'fast-check';
import jsYaml from 'js-yaml';
import { stringify } from 'yaml';
import { ManifestFile, type FilePosition, type ObjectRef } from '../../src/cli/file-positions.js';
import { checkPrometheusConfig } from '../../src/prometheus/index.js';
import type { KubernetesObject } from '../../src/policies/policy.js';

const FIELD = 'data.promYaml';
/** The ConfigMap's lines before `data:`. */
const HEADER =
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: arms-prom-prometheus-yaml\n  namespace: arms-prom\n';

function configMap(value: string): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'arms-prom-prometheus-yaml', namespace: 'arms-prom' },
    data: { promYaml: value },
  };
}

/** The file offset of a 1-based line and column (files here use \n only). */
function offsetOf(text: string, position: FilePosition): number {
  const lines = text.split('\n');
  return lines.slice(0, position.line - 1).reduce((sum, line) => sum + line.length + 1, 0) + position.column! - 1;
}

/** Every (line, col) of a value with the offset it names, its end included. */
function valuePositions(value: string): Array<{ line: number; col: number; offset: number }> {
  const positions: Array<{ line: number; col: number; offset: number }> = [];
  let line = 1;
  let col = 1;
  for (let offset = 0; offset <= value.length; offset++) {
    positions.push({ line, col, offset });
    if (value[offset] === '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
  }
  return positions;
}

interface Mapped {
  exact: number;
  inexact: number;
  /** What went wrong, one line each. */
  wrong: string[];
}

/** Maps every position of the value and checks each exact one against the file's text. */
function mapEveryPosition(text: string, ref: ObjectRef, value: string, label: string): Mapped {
  const file = new ManifestFile(text);
  const object = (
    ref.itemIndex === undefined
      ? jsYaml.loadAll(text)[ref.documentIndex]
      : (jsYaml.loadAll(text)[ref.documentIndex] as { items: unknown[] }).items[ref.itemIndex]
  ) as KubernetesObject;
  const wrong: string[] = [];
  const mapped: Mapped = { exact: 0, inexact: 0, wrong };
  for (const { line, col, offset } of valuePositions(value)) {
    const position = file.valuePosition(ref, object, FIELD, { line, col });
    if (position === undefined) {
      wrong.push(`${line}:${col}: no position`);
      continue;
    }
    if (position.note?.includes('could not be matched')) wrong.push(`${line}:${col}: ${position.note}`);
    if (!position.exact) {
      mapped.inexact++;
      if (/^[a-z]$/.test(value[offset] ?? '')) wrong.push(`${line}:${col}: letter ${value[offset]} not exact`);
      continue;
    }
    mapped.exact++;
    const at = offsetOf(text, position);
    if (offset === value.length) {
      // Just past the value: the file offset just past its last character.
      const last = file.valuePosition(ref, object, FIELD, valuePositions(value)[offset - 1]!);
      if (last?.exact !== true || offsetOf(text, last) + 1 !== at) wrong.push(`end ${line}:${col} at ${at}`);
    } else if (text[at] !== value[offset]) {
      wrong.push(`${line}:${col}: key has ${JSON.stringify(value[offset])}, file has ${JSON.stringify(text[at])}`);
    }
  }
  for (let i = 0; i < wrong.length; i++) wrong[i] = `${label}: ${wrong[i]}`;
  return mapped;
}

function checkEveryPosition(t: Test, text: string, ref: ObjectRef, value: string, label: string): Mapped {
  const mapped = mapEveryPosition(text, ref, value, label);
  t.same(mapped.wrong, [], `${label}: every exact position holds the key's character`);
  return mapped;
}

t.test('block scalars: literal and folded, every chomping, indentation indicators', async (t) => {
  const cases: Array<{ text: string; value: string }> = [
    { text: 'data:\n  promYaml: |\n    global:\n      x: 1\n', value: 'global:\n  x: 1\n' },
    { text: 'data:\n  promYaml: |-\n    a\n\n    b\n\n\n', value: 'a\n\nb' },
    { text: 'data:\n  promYaml: |+\n    a\n\n    b\n\n\n', value: 'a\n\nb\n\n\n' },
    { text: 'data:\n  promYaml: |2\n       leading\n    x\n', value: '   leading\nx\n' },
    { text: 'data:\n  promYaml: |-2 # comment\n      a\n    b', value: '  a\nb' },
    {
      text: 'data:\n  promYaml: >\n    folded\n    text\n\n    para\n      more\n    end\n',
      value: 'folded text\npara\n  more\nend\n',
    },
    { text: 'data:\n  promYaml: >+\n    a\n\n', value: 'a\n\n' },
    { text: 'data:\n  promYaml: |\n    no final break', value: 'no final break\n' },
  ];
  for (const { text, value } of cases) {
    const manifest = `${HEADER}${text}`;
    t.same((jsYaml.load(manifest) as KubernetesObject)['data'], { promYaml: value }, 'the case reads as meant');
    checkEveryPosition(t, manifest, { documentIndex: 0 }, value, JSON.stringify(text));
  }
});

t.test('quoted and plain scalars: escapes and folded breaks are said to be inexact', async (t) => {
  const header = HEADER;
  const cases: Array<{ text: string; value: string }> = [
    { text: 'data:\n  promYaml: "global:\\n  scrape_interval: 1x\\n"\n', value: 'global:\n  scrape_interval: 1x\n' },
    { text: 'data:\n  promYaml: "tab\\there \\"q\\" \\\\ \\u00e9\\\n    joined"\n', value: 'tab\there "q" \\ éjoined' },
    { text: "data:\n  promYaml: 'it''s\n    folded\n\n    twice  '\n", value: "it's folded\ntwice  " },
    { text: 'data:\n  promYaml: plain words\n    continued   \n    here\n', value: 'plain words continued here' },
  ];
  for (const { text, value } of cases) {
    const manifest = header + text;
    t.same((jsYaml.load(manifest) as KubernetesObject)['data'], { promYaml: value }, 'the case reads as meant');
    const mapped = checkEveryPosition(t, manifest, { documentIndex: 0 }, value, JSON.stringify(text));
    t.ok(mapped.inexact > 0, `${JSON.stringify(text)}: some positions are not exact`);
  }
  const file = new ManifestFile(header + cases[0]!.text);
  t.match(
    file.valuePosition({ documentIndex: 0 }, configMap(cases[0]!.value), FIELD, { line: 1, col: 8 }),
    { line: 7, exact: false, note: /escape sequence/ },
    'the newline written as \\n: the line, no column',
  );
  t.same(
    file.valuePosition({ documentIndex: 0 }, configMap(cases[0]!.value), FIELD, { line: 2, col: 20 }),
    { line: 7, column: 42, exact: true },
    'the 1x of line 2 of the key, on the line of the key in the file',
  );
});

t.test('a value that is not what the file says is reported as unknown, not guessed', async (t) => {
  const text = HEADER + 'data:\n  promYaml: |\n    a: 1\n';
  const file = new ManifestFile(text);
  t.match(file.valuePosition({ documentIndex: 0 }, configMap('something else'), FIELD, { line: 1, col: 1 }), {
    line: 7,
    exact: false,
    note: /unknown.*could not be matched.*line 7 is where data\.promYaml is/,
  });
  t.match(file.valuePosition({ documentIndex: 0 }, configMap('a: 1\n'), FIELD, { line: 9, col: 1 }), {
    line: 7,
    exact: false,
    note: /9:1 lies outside the value/,
  });
  t.equal(
    file.valuePosition({ documentIndex: 0 }, { ...configMap('a: 1\n'), kind: 'Secret' }, FIELD, { line: 1, col: 1 }),
    undefined,
    'another object than the one at that place in the file',
  );
});

t.test('fields, dotted keys, List items, later documents, CRLF, JSON', async (t) => {
  const list = [
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: first}',
    '---',
    'apiVersion: v1',
    'kind: List',
    'items:',
    '  - apiVersion: v1',
    '    kind: ConfigMap',
    '    metadata:',
    '      name: arms-prom-prometheus-yaml',
    '      namespace: arms-prom',
    '    data:',
    '      prometheus.yml: |',
    '        global:',
    '          scrape_interval: 1x',
    '',
  ].join('\n');
  const item = (jsYaml.loadAll(list)[1] as { items: KubernetesObject[] }).items[0]!;
  const file = new ManifestFile(list);
  const ref = { documentIndex: 1, itemIndex: 0 };
  t.same(file.objectPosition(ref, item), { line: 8, column: 5, exact: true });
  t.same(file.valuePosition(ref, item, 'data.prometheus.yml', { line: 2, col: 20 }), {
    line: 16,
    column: 28,
    exact: true,
  });
  t.match(file.fieldPosition(ref, item, 'spec.template'), {
    line: 8,
    exact: false,
    note: 'spec.template is not in the file; this is where the object is',
  });
  t.match(file.fieldPosition(ref, item, 'data.other'), { line: 14, exact: false, note: /where data is/ });

  const crlf =
    'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: arms-prom-prometheus-yaml\r\n  namespace: arms-prom\r\ndata:\r\n  promYaml: |\r\n    global:\r\n      scrape_interval: 1x\r\n';
  t.same(
    new ManifestFile(crlf).valuePosition({ documentIndex: 0 }, configMap('global:\n  scrape_interval: 1x\n'), FIELD, {
      line: 2,
      col: 20,
    }),
    { line: 9, column: 24, exact: true },
  );

  const json = JSON.stringify(configMap('global:\n  scrape_interval: 1x\n'), null, 2);
  const position = new ManifestFile(json).valuePosition(
    { documentIndex: 0 },
    configMap('global:\n  scrape_interval: 1x\n'),
    FIELD,
    { line: 2, col: 20 },
  );
  t.match(position, { exact: true });
  t.equal(json.split('\n')[position!.line - 1]!.slice(position!.column! - 1, position!.column! + 1), '1x');
});

const CHARACTERS = ['a', 'z', ' ', ' ', '\t', ':', '#', "'", '"', '\\', '-', '{', ',', 'é', '😀', '\n', '\n'];
const valueArbitrary = fc
  .array(fc.constantFrom(...CHARACTERS), { maxLength: 60 })
  .map((units) => units.join(''))
  .filter((value) => value.length > 0);

/** The same ConfigMap written the ways YAML and JSON writers write it, each with where it is. */
function writings(value: string): Array<{ label: string; text: string; ref: ObjectRef }> {
  const object = configMap(value);
  const first = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: arms-prom\n---\n';
  const out: Array<{ label: string; text: string; ref: ObjectRef }> = [];
  for (const lineWidth of [0, 24]) {
    for (const defaultStringType of [
      'PLAIN',
      'QUOTE_DOUBLE',
      'QUOTE_SINGLE',
      'BLOCK_LITERAL',
      'BLOCK_FOLDED',
    ] as const) {
      const text = stringify(object, { defaultStringType, lineWidth, minContentWidth: 0 });
      out.push({ label: `yaml ${defaultStringType} ${lineWidth}`, text, ref: { documentIndex: 0 } });
    }
  }
  for (const lineWidth of [-1, 24]) {
    for (const quotingType of ["'", '"'] as const) {
      out.push({
        label: `js-yaml ${quotingType} ${lineWidth}`,
        text: first + jsYaml.dump(object, { lineWidth, quotingType }),
        ref: { documentIndex: 1 },
      });
    }
  }
  out.push({
    label: 'js-yaml List',
    text: jsYaml.dump({ apiVersion: 'v1', kind: 'List', items: [object] }),
    ref: { documentIndex: 0, itemIndex: 0 },
  });
  out.push({ label: 'JSON', text: JSON.stringify(object, null, 2), ref: { documentIndex: 0 } });
  out.push({ label: 'JSON compact', text: JSON.stringify(object), ref: { documentIndex: 0 } });
  if (!value.includes('\t') && /[^\s]/.test(value)) {
    // A literal with an indentation indicator holds any lines, leading blanks included.
    const lines = value.replace(/\n+$/, '').split('\n');
    const trailing = value.length - value.replace(/\n+$/, '').length;
    const chomping = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
    const body = lines.map((line) => (line === '' ? '' : `    ${line}`)).join('\n');
    out.push({
      label: `literal |2${chomping}`,
      text: `${first}${HEADER}data:\n  promYaml: |2${chomping}\n${body}\n${'\n'.repeat(Math.max(0, trailing - 1))}`,
      ref: { documentIndex: 1 },
    });
  }
  return out;
}

t.test('every way of writing a value maps each exact position onto its very character', async (t) => {
  let exact = 0;
  let inexact = 0;
  const wrong: string[] = [];
  let writingsChecked = 0;
  fc.assert(
    fc.property(valueArbitrary, (value) => {
      for (const { label, text, ref } of writings(value)) {
        const read = jsYaml.loadAll(text)[ref.documentIndex] as KubernetesObject & { items?: KubernetesObject[] };
        const object = ref.itemIndex === undefined ? read : read.items![ref.itemIndex]!;
        if ((object['data'] as { promYaml: string }).promYaml !== value) continue; // the writer's own business
        const mapped = mapEveryPosition(text, ref, value, `${label} of ${JSON.stringify(value)}`);
        exact += mapped.exact;
        inexact += mapped.inexact;
        wrong.push(...mapped.wrong);
        writingsChecked++;
      }
    }),
    { numRuns: 150, seed: 14 },
  );
  t.same(wrong.slice(0, 20), [], `${writingsChecked} writings: every exact position holds the key's character`);
  t.ok(writingsChecked > 150 * 10, `${writingsChecked} writings read back as written`);
  t.ok(exact > inexact, `${exact} exact positions, ${inexact} not exact`);
});

t.test("the checker's own errors, in every writing, point at the same text in the file", async (t) => {
  const config = [
    'global:',
    '  scrape_interval: 1x',
    '  external_labels: {a: \'b\', c: "d\\te"}',
    'scrape_configs:',
    '  - job_name: a',
    '    honor_labels: maybe',
    '    relabel_configs:',
    '      - action: drop',
    '        regexx: a',
    '  - job_name: a',
    '    static_configs:',
    '      - targets: ["http://x", é😀]',
    '',
  ].join('\n');
  const { errors } = checkPrometheusConfig(config, { prometheusVersion: '2.53' });
  t.ok(errors.length >= 5, `${errors.length} errors`);
  const keyLines = config.split('\n');
  for (const { label, text, ref } of writings(config)) {
    const read = jsYaml.loadAll(text)[ref.documentIndex] as KubernetesObject & { items?: KubernetesObject[] };
    const object = ref.itemIndex === undefined ? read : read.items![ref.itemIndex]!;
    const file = new ManifestFile(text);
    for (const error of errors) {
      const position = file.valuePosition(ref, object, FIELD, error);
      const inKey = keyLines[error.line - 1]!.slice(error.col - 1);
      if (position?.exact !== true) {
        t.fail(`${label}: ${error.line}:${error.col} not exact (${position?.note})`);
        continue;
      }
      const inFile = text.slice(offsetOf(text, position));
      const word = /^[^\s,'"}\]\\]*/.exec(inKey)![0];
      t.equal(inFile.slice(0, word.length), word, `${label}: ${error.path} at ${error.line}:${error.col}`);
    }
  }
});
