// Second opinion beyond upstream's test data: 1 732 generated configs judged by Debian's promtool
// 2.42 and 2.53.3 (`--syntax-only`, see fixtures/promtool-differential.json `about`). The verdict
// must be promtool's at both versions, except for the five YAML syntax corners marked `knownGap`
// (listed so that fixing one shows up here). None of the cases touches a service discovery
// Debian's builds lack, so promtool is a valid oracle here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { REPOSITORY_ROOT } from '../../fixtures/repository.js';
import { checkPrometheusConfig } from '../../src/prometheus/index.js';

interface Verdict {
  valid: boolean;
  message: string;
}
interface DifferentialCase {
  yaml: string;
  knownGap?: string;
  '2.42': Verdict;
  '2.53': Verdict;
}

const { cases } = JSON.parse(
  readFileSync(join(REPOSITORY_ROOT, 'test/prometheus/fixtures/promtool-differential.json'), 'utf8'),
) as {
  cases: DifferentialCase[];
};

for (const version of ['2.42', '2.53'] as const) {
  t.test(`verdicts equal promtool ${version}`, async (t) => {
    const disagreements = cases.flatMap((differential) => {
      if (differential.knownGap !== undefined) return [];
      const { errors } = checkPrometheusConfig(differential.yaml, { prometheusVersion: version });
      const expected = differential[version];
      return (errors.length === 0) === expected.valid
        ? []
        : [{ yaml: differential.yaml, promtool: expected.message || 'valid', promgate: errors.map((e) => e.message) }];
    });
    t.equal(cases.length, 1732, 'every generated case is judged');
    t.equal(cases.filter((differential) => differential.knownGap !== undefined).length, 5, 'five known YAML gaps');
    t.same(disagreements, [], 'no disagreement with promtool');
  });
}
