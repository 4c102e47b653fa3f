// Differential test against upstream's own config test data and promtool's verdicts: for every
// config row of both ORACLE.tsv files, judged at the folder's Prometheus version, the verdict must
// equal `upstream_expected`, and an expected upstream message must appear in one of our messages.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { checkPrometheusConfig } from '../../src/prometheus/index.js';
import { CORPUS_DIR } from '../../fixtures/corpus.js';

/** The shared corpus sits beside the checkout (`../shared/corpus`); CI may point elsewhere. */
const CORPUS = CORPUS_DIR;

interface OracleRow {
  file: string;
  kind: string;
  expected: string;
  expectedMessage: string;
}

function readOracle(folder: string): OracleRow[] {
  const [header, ...lines] = readFileSync(join(CORPUS, folder, 'ORACLE.tsv'), 'utf8')
    .trimEnd()
    .split('\n');
  const columns = header!.split('\t');
  const at = (cells: string[], name: string): string => cells[columns.indexOf(name)] ?? '';
  return lines.map((line) => {
    const cells = line.split('\t');
    return {
      file: at(cells, 'file'),
      kind: at(cells, 'kind'),
      expected: at(cells, 'upstream_expected'),
      expectedMessage: at(cells, 'upstream_expected_msg'),
    };
  });
}

for (const [folder, version] of [
  ['prometheus-testdata', '2.42'],
  ['prometheus-testdata-2.53', '2.53'],
] as const) {
  t.test(`${folder} at ${version}`, async (t) => {
    const rows = readOracle(folder).filter((row) => row.kind !== 'targetgroup-not-config');
    t.ok(rows.length > 100, 'the oracle has its rows');
    for (const row of rows) {
      const text = readFileSync(join(CORPUS, folder, row.file), 'utf8');
      const { errors } = checkPrometheusConfig(text, { prometheusVersion: version });
      const verdict = errors.length === 0 ? 'valid' : 'invalid';
      const messages = errors.map((error) => `${error.line}:${error.col}: ${error.path}: ${error.message}`);
      t.equal(verdict, row.expected, `${row.file}: verdict`, { messages });
      if (row.expectedMessage !== '' && verdict === 'invalid') {
        t.ok(
          errors.some((error) => error.message.includes(row.expectedMessage)),
          `${row.file}: says "${row.expectedMessage}"`,
          { messages },
        );
      }
    }
  });
}
