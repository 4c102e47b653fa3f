// Policy prometheus-config: which ConfigMaps and keys it judges, the message format, the cap,
// and UPDATE semantics for unchanged keys.
import t from 'tap';
import { defaultConfig } from '../../../src/config/schema.js';
import { judges, type KubernetesObject } from '../../../src/policies/policy.js';
import { MAX_SHOWN_ERRORS, prometheusConfigPolicy } from '../../../src/policies/prometheus-config/index.js';

const config = { ...defaultConfig().prometheusConfig, prometheusVersion: '2.53' };

function configMap(
  data: Record<string, string>,
  options: { namespace?: string; labels?: Record<string, string> } = {},
): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'prom', namespace: options.namespace ?? 'arms-prom', labels: options.labels ?? {} },
    data,
  };
}

const VALID = 'scrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: ["node:9100"]\n';
const INVALID = 'scrape_configs:\n  - job_name: node\n    scrape_interval: 1.5h\n';

t.test('scope: namespace, kind and keys', async (t) => {
  t.ok(judges(prometheusConfigPolicy, configMap({ promYaml: VALID }), config));
  t.notOk(
    judges(prometheusConfigPolicy, configMap({ promYaml: VALID }, { namespace: 'default' }), config),
    'other namespace',
  );
  t.notOk(judges(prometheusConfigPolicy, configMap({ other: INVALID }), config), 'key not listed');
  t.ok(
    judges(prometheusConfigPolicy, configMap({ other: INVALID }, { labels: { type: 'prometheus-yaml' } }), config),
    'ARMS label: every key',
  );
  t.notOk(
    judges(
      prometheusConfigPolicy,
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { namespace: 'arms-prom' } },
      config,
    ),
  );
});

t.test('a valid config passes', async (t) => {
  const result = prometheusConfigPolicy.evaluate(configMap({ promYaml: VALID }), config, { operation: 'CREATE' });
  t.same(result.violations, []);
});

t.test(
  'errors are KEY:LINE:COL: PATH: message on data.<key>, as warnings data.KEY:LINE:COL FIELD: message, the position as data',
  async (t) => {
    const result = prometheusConfigPolicy.evaluate(configMap({ promYaml: INVALID, unrelated: 'x: [' }), config, {
      operation: 'CREATE',
    });
    t.same(result.violations, [
      {
        field: 'data.promYaml',
        message: 'promYaml:3:22: scrape_configs[0].scrape_interval: unknown unit "." in duration "1.5h"',
        warning: 'data.promYaml:3:22 scrape_interval: unknown unit "." in duration "1.5h"',
        position: { key: 'promYaml', line: 3, column: 22 },
      },
    ]);
    const at242 = prometheusConfigPolicy.evaluate(
      configMap({ promYaml: INVALID }),
      { ...config, prometheusVersion: '2.42' },
      { operation: 'CREATE' },
    );
    t.match(at242.violations[0]?.message, 'not a valid duration string: "1.5h"');
    const syntax = prometheusConfigPolicy.evaluate(configMap({ 'prometheus.yml': 'a: [\n' }), config, {
      operation: 'CREATE',
    });
    t.match(syntax.violations[0]?.message, /^prometheus\.yml:2:1: /, 'document-level errors have no path');
  },
);

t.test('several releases: the config must pass each, and each error names the releases that report it', async (t) => {
  const text = [
    'alerting:',
    '  alertmanagers:',
    '    - api_version: v1',
    '      static_configs: [{targets: ["am:9093"]}]',
    'scrape_configs:',
    '  - job_name: node',
    '    scrape_interval: 1.5h',
    '',
  ].join('\n');
  const result = prometheusConfigPolicy.evaluate(
    configMap({ promYaml: text }),
    { ...config, prometheusVersion: ['2.55', '3.5'] },
    { operation: 'CREATE' },
  );
  t.same(
    result.violations.map((violation) => violation.message),
    [
      'promYaml:3:20: alerting.alertmanagers[0].api_version: expected Alertmanager api version to be one of [v2] but got v1 [Prometheus 3.5]',
      'promYaml:7:22: scrape_configs[0].scrape_interval: unknown unit "." in duration "1.5h" [Prometheus 2.55, 3.5]',
    ],
  );
  const unchanged = prometheusConfigPolicy.evaluate(
    configMap({ promYaml: text }),
    { ...config, prometheusVersion: ['2.55', '3.5'] },
    { operation: 'UPDATE', oldObject: configMap({ promYaml: text }) },
  );
  t.match(unchanged.warnings[0], /\(unchanged, so allowed; 2 errors for Prometheus 2\.55, 3\.5\)/);
});

t.test('the list is capped with a count of the rest', async (t) => {
  const jobs = Array.from({ length: 30 }, (_, i) => `  - job_name: j${i}\n    scrape_interval: ${i}x\n`).join('');
  const result = prometheusConfigPolicy.evaluate(configMap({ promYaml: `scrape_configs:\n${jobs}` }), config, {
    operation: 'CREATE',
  });
  t.equal(result.violations.length, MAX_SHOWN_ERRORS + 1);
  t.equal(result.violations.at(-1)?.message, 'and 10 more errors');
});

t.test('UPDATE: an unchanged invalid key is only warned about', async (t) => {
  const old = configMap({ promYaml: INVALID });
  const relabelled = configMap({ promYaml: INVALID }, { labels: { team: 'x' } });
  const unchanged = prometheusConfigPolicy.evaluate(relabelled, config, { operation: 'UPDATE', oldObject: old });
  t.same(unchanged.violations, []);
  t.match(unchanged.warnings, [
    /^data\.promYaml:3:22 scrape_interval: .* \(unchanged, so allowed; 1 error for Prometheus 2\.53\)$/,
  ]);
  const changed = prometheusConfigPolicy.evaluate(configMap({ promYaml: INVALID + '# edit\n' }), config, {
    operation: 'UPDATE',
    oldObject: old,
  });
  t.equal(changed.violations.length, 1, 'a changed key is judged');
  t.same(prometheusConfigPolicy.evaluate(old, config, { operation: 'DELETE' }).violations, [], 'DELETE is not judged');
});

t.test('extra YAML documents are a warning', async (t) => {
  const result = prometheusConfigPolicy.evaluate(configMap({ promYaml: `${VALID}---\nfoo: 1\n` }), config, {
    operation: 'CREATE',
  });
  t.same(result.violations, []);
  t.match(result.warnings, [/data\.promYaml: .*only the first/]);
});
