// The compiled-regex cache is bounded by the size of the programs it holds, not by their number:
// short patterns can compile to large programs, and a worker's heap is 128 MiB.
import t from 'tap';
import { checkPrometheusConfig } from '../../src/prometheus/index.js';
import { COMPILED_CACHE_INSTRUCTIONS, compiledCacheInstructions } from '../../src/prometheus/regex.js';

/** A config whose every job relabels with its own regex; `pattern(i)` gives job i's. */
function configWithRegexes(count: number, pattern: (i: number) => string): string {
  const jobs = Array.from(
    { length: count },
    (_, i) =>
      `  - job_name: job-${i}\n    static_configs: [{targets: ['host:9100']}]\n` +
      `    relabel_configs:\n      - {source_labels: [__address__], regex: '${pattern(i)}', action: keep}\n`,
  );
  return `scrape_configs:\n${jobs.join('')}`;
}

t.test('short patterns with large programs cannot grow the cache past its budget', async (t) => {
  // Each of these is 80 characters and about 1 000 RE2 instructions: 300 of them is three budgets.
  const config = configWithRegexes(300, (i) => `${'a{1,50}'.repeat(10)}x${i}`);
  const result = checkPrometheusConfig(config, { prometheusVersion: '2.53' });
  t.same(result.errors, [], 'the config is valid');
  const held = compiledCacheInstructions();
  t.ok(held <= COMPILED_CACHE_INSTRUCTIONS, `${held} instructions held, budget ${COMPILED_CACHE_INSTRUCTIONS}`);
  t.ok(held > COMPILED_CACHE_INSTRUCTIONS / 2, 'and the budget is used, not cleared');
});

t.test('a config judged again gives the same errors, at their positions, from the cache', async (t) => {
  const config = configWithRegexes(50, (i) => (i === 7 ? '(unclosed' : `__meta_label_${i}_(.+)`));
  const first = checkPrometheusConfig(config, { prometheusVersion: '2.53' });
  const second = checkPrometheusConfig(config, { prometheusVersion: '2.53' });
  t.equal(first.errors.length, 1, 'the one bad regex is reported');
  t.match(first.errors[0]?.message, /missing closing \)/);
  t.same(second, first);
});
