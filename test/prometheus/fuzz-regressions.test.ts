// Configurations on which promgate once disagreed with upstream promtool, found by the differential
// fuzzer (`npm run oracle:fuzz -- --save`, oracle/fuzz.ts) and shrunk by fast-check, with
// promtool's verdict per release. promgate must now give promtool's verdict at every release it
// judges; verdicts of releases it does not judge yet (3.x) wait in the file for when it does.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { REPOSITORY_ROOT } from '../../fixtures/repository.js';
import { checkPrometheusConfig } from '../../src/prometheus/index.js';
import { isJudgedRelease } from '../../src/prometheus/version.js';

interface Verdict {
  valid: boolean;
  message: string;
}
interface Regression {
  yaml: string;
  promtool: Record<string, Verdict>;
}

const { cases } = JSON.parse(
  readFileSync(join(REPOSITORY_ROOT, 'test/prometheus/fixtures/fuzz-regressions.json'), 'utf8'),
) as {
  cases: Regression[];
};

t.test('every fuzz regression gets promtool’s verdict', async (t) => {
  t.ok(cases.length > 0, 'the file holds cases');
  cases.forEach((regression, index) => {
    const releases = Object.keys(regression.promtool).filter(isJudgedRelease);
    t.ok(releases.length > 0, `case ${index} has a verdict at a release promgate judges`);
    for (const release of releases) {
      const expected = regression.promtool[release]!;
      const { errors } = checkPrometheusConfig(regression.yaml, { prometheusVersion: release });
      t.equal(errors.length === 0, expected.valid, `case ${index} at ${release}: ${expected.message || 'valid'}`, {
        yaml: regression.yaml,
        promgate: errors.map((error) => `${error.line}:${error.col}: ${error.path}: ${error.message}`),
      });
    }
  });
});
