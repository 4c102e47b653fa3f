// Differential test against upstream's own config test data: every config of a release's
// config/testdata (obtained by scripts/upstream-testdata from Prometheus's Go module), judged at
// that release's version, must get the verdict upstream's config_test.go expects, and an expected
// upstream message must appear in one of our messages. When the shared corpus is there, its
// ORACLE.tsv files (promtool's verdicts beside upstream's) must state the same expectations.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { checkPrometheusConfig } from '../../src/prometheus/index.js';
import { CORPUS_SKIP, corpusPath, readTsv } from '../../fixtures/corpus.js';
import { upstreamConfigPackage, upstreamExpectations } from '../../fixtures/upstream-testdata.js';

const RELEASES = [
  { release: '2.42.0', version: '2.42', corpusFolder: 'prometheus-testdata' },
  { release: '2.53.3', version: '2.53', corpusFolder: 'prometheus-testdata-2.53' },
] as const;

function readOracle(folder: string): Array<{ file: string; kind: string; expected: string; expectedMessage: string }> {
  return readTsv(corpusPath(folder, 'ORACLE.tsv')).map((row) => ({
    file: row['file'] ?? '',
    kind: row['kind'] ?? '',
    expected: row['upstream_expected'] ?? '',
    expectedMessage: row['upstream_expected_msg'] ?? '',
  }));
}

for (const { release, version, corpusFolder } of RELEASES) {
  const found = upstreamConfigPackage(release);
  const skip = 'missing' in found ? found.missing : false;

  t.test(`upstream v${release} config/testdata at ${version}`, { skip }, async (t) => {
    if ('missing' in found) return;
    const { dir, expectations } = upstreamExpectations(found.dir);
    const rows = expectations.filter((row) => row.expected !== 'n/a');
    t.ok(rows.length > 100, 'upstream has its test configs');
    for (const row of rows) {
      const text = readFileSync(join(dir, row.file), 'utf8');
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

  t.test(
    `the shared corpus's ${corpusFolder}/ORACLE.tsv states upstream's expectations`,
    { skip: skip || CORPUS_SKIP },
    async (t) => {
      if ('missing' in found) return;
      const derived = upstreamExpectations(found.dir).expectations;
      t.same(readOracle(corpusFolder), derived);
    },
  );
}
