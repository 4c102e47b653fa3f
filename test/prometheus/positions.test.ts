// Every error points at the node at fault: exact line, column and path.
import t from 'tap';
import { checkPrometheusConfig } from '../../src/prometheus/index.js';

const text = [
  'global:', //                                    1
  '  scrape_interval: 1x', //                      2: value at col 20
  'scrape_configs:', //                            3
  '  - job_name: a', //                            4
  '    honor_labels: maybe', //                    5: value at col 19
  '    relabel_configs:', //                       6
  '      - action: drop', //                       7
  '        regexx: a', //                          8: key at col 9
  '  - job_name: a', //                            9: value at col 15
  '    static_configs:', //                        10
  '      - targets: ["http://x"]', //              11: value at col 18
  '',
].join('\n');

t.test('line, column and path of each error', async (t) => {
  const { errors } = checkPrometheusConfig(text, { prometheusVersion: '2.53' });
  t.same(
    errors.map(({ line, col, path }) => ({ line, col, path })),
    [
      { line: 2, col: 20, path: 'global.scrape_interval' },
      { line: 5, col: 19, path: 'scrape_configs[0].honor_labels' },
      { line: 8, col: 9, path: 'scrape_configs[0].relabel_configs[0].regexx' },
      { line: 9, col: 15, path: 'scrape_configs[1].job_name' },
      { line: 11, col: 18, path: 'scrape_configs[1].static_configs[0].targets' },
    ],
    { errors },
  );
  t.match(errors[1]?.message, 'cannot unmarshal !!str `maybe` into bool');
  t.match(errors[3]?.message, 'found multiple scrape configs with job name "a"');
});

t.test('positions inside flow collections and after a BOM', async (t) => {
  const { errors } = checkPrometheusConfig('\uFEFFglobal: {external_labels: {ok: a, "b-c": d}}\n', {
    prometheusVersion: '2.53',
  });
  t.match(errors, [
    { line: 1, col: 35, path: 'global.external_labels["b-c"]', message: '"b-c" is not a valid label name' },
  ]);
  const dup = checkPrometheusConfig('global:\n  external_labels:\n    a: 1\n    a: 2\n', { prometheusVersion: '2.53' });
  t.match(dup.errors, [{ line: 4, col: 5, path: 'global.external_labels.a', message: 'key "a" already set in map' }]);
});

t.test('unsupported versions are refused', async (t) => {
  t.throws(() => checkPrometheusConfig('', { prometheusVersion: '2.10' }), /unsupported Prometheus version 2.10/);
  t.throws(() => checkPrometheusConfig('', { prometheusVersion: 'latest' }), /invalid Prometheus version/);
});
