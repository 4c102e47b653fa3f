import t from 'tap';
import { tmpdir } from 'node:os';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { defaultConfig } from '../../src/config/schema.js';

t.test('an empty file and no file give the SPEC defaults', async (t) => {
  t.same(parseConfig('', 'c.yaml'), defaultConfig());
  t.same(loadConfig(undefined), defaultConfig());
  t.equal(defaultConfig().prometheusConfig.prometheusVersion, '2.55');
  t.same(defaultConfig().dcgmExporter.match.images, ['dcgm-exporter']);
});

t.test('given keys override defaults; the rest stay', async (t) => {
  const config = parseConfig(
    'dcgmExporter:\n  enforcement: warn\n  starshipNodeLabel: alibabacloud.com/starship=true\nprometheusConfig:\n  namespaces: [arms-prom, monitoring]\n',
    'c.yaml',
  );
  t.equal(config.dcgmExporter.enforcement, 'warn');
  t.equal(config.dcgmExporter.starshipNodeLabel, 'alibabacloud.com/starship=true');
  t.equal(
    parseConfig('dcgmExporter:\n  starshipNodeLabel: "starship="\n', 'c.yaml').dcgmExporter.starshipNodeLabel,
    'starship=',
    'an empty value is a valid label value',
  );
  t.same(config.dcgmExporter.match, defaultConfig().dcgmExporter.match);
  t.same(config.prometheusConfig.namespaces, ['arms-prom', 'monitoring']);
  t.equal(config.prometheusConfig.enforcement, 'enforce');
});

t.test('prometheusVersion: one release or a list of them', async (t) => {
  t.equal(
    parseConfig('prometheusConfig:\n  prometheusVersion: "3.16"\n', 'c.yaml').prometheusConfig.prometheusVersion,
    '3.16',
  );
  t.same(
    parseConfig('prometheusConfig:\n  prometheusVersion: ["2.55", "3.5"]\n', 'c.yaml').prometheusConfig
      .prometheusVersion,
    ['2.55', '3.5'],
  );
});

t.test('mistakes are errors that name the key', async (t) => {
  const cases: Array<[string, RegExp]> = [
    [
      'dcgmExporter:\n  enforcment: warn\n',
      /c\.yaml:2:3: dcgmExporter\.enforcment: unknown key \(known keys here: enforcement, starshipNodeLabel, match\)/,
    ],
    ['skipAnnotations: x\n', /skipAnnotations: unknown key/],
    [
      'dcgmExporter:\n  enforcement: block\n',
      /dcgmExporter\.enforcement: expected one of enforce \| warn \| audit \| off, got string "block"/,
    ],
    [
      'prometheusConfig:\n  namespaces: arms-prom\n',
      /prometheusConfig\.namespaces: expected a list of non-empty strings, got string "arms-prom"/,
    ],
    ['prometheusConfig:\n  prometheusVersion: 2.5.1\n', /prometheusVersion: expected "major\.minor"/],
    ['prometheusConfig:\n  namespaces: ["*"]\n', /prometheusConfig\.namespaces\[0\]: "\*" is not a namespace name/],
    [
      'prometheusConfig:\n  namespaces: [arms-prom, Monitoring]\n',
      /prometheusConfig\.namespaces\[1\]: "Monitoring" is not a namespace name/,
    ],
    ['prometheusConfig:\n  prometheusVersion: 2.55\n', /prometheusVersion: expected a string, got the number 2\.55/],
    [
      'prometheusConfig:\n  prometheusVersion: []\n',
      /prometheusVersion: expected a non-empty string or list of them, got an empty list/,
    ],
    [
      'prometheusConfig:\n  prometheusVersion: ["2.55", "3"]\n',
      /prometheusVersion\[1\]: expected "major\.minor" such as "2\.55", got "3"/,
    ],
    [
      'prometheusConfig:\n  prometheusVersion: ["2.55", 3.5]\n',
      /prometheusVersion\[1\]: expected a string, got the number 3\.5/,
    ],
    [
      'prometheusConfig:\n  prometheusVersion: ["2.55", "4.0"]\n',
      /unsupported Prometheus version 4\.0: promgate knows 2\.42 … 2\.55, 3\.0 … 3\.16/,
    ],
    ['dcgmExporter:\n  match:\n    labels: [app]\n', /dcgmExporter\.match\.labels\[0\]: expected "key=value"/],
    ['dcgmExporter:\n  starshipNodeLabel: a=b=c\n', /starshipNodeLabel: expected "key" or "key=value"/],
    ['dcgmExporter:\n  starshipNodeLabel: "star~ship"\n', /starshipNodeLabel: label name "star~ship" must be/],
    [
      'dcgmExporter:\n  starshipNodeLabel: "Example.COM/starship"\n',
      /label key prefix "Example\.COM" is not a DNS subdomain/,
    ],
    ['dcgmExporter:\n  starshipNodeLabel: "starship=not ok"\n', /label value "not ok" must be empty or/],
    ['dcgmExporter: [1]\n', /dcgmExporter: expected a mapping, got a list/],
    ['- a\n', /config: expected a mapping, got a list/],
    ['a: [\n', /not valid YAML/],
  ];
  for (const [text, message] of cases) {
    t.throws(() => parseConfig(text, 'c.yaml'), ConfigError);
    t.throws(() => parseConfig(text, 'c.yaml'), { message }, text);
  }
  t.throws(() => loadConfig('/nonexistent/promgate.yaml'), {
    message: /cannot read config file \/nonexistent\/promgate\.yaml: no such file or directory \(ENOENT\)/,
  });
  t.throws(() => loadConfig(tmpdir()), {
    message: /^cannot read config file .*: illegal operation on a directory \(EISDIR\)$/,
  });
});

t.test('an error shows the file, line and column, and the line itself', async (t) => {
  const cases: Array<[string, string]> = [
    [
      'dcgmExporter:\n  enforcement: warn\n  enforcment: warn\n',
      [
        'c.yaml:3:3: dcgmExporter.enforcment: unknown key (known keys here: enforcement, starshipNodeLabel, match)',
        '  3 |   enforcment: warn',
        '    |   ^',
      ].join('\n'),
    ],
    [
      'prometheusConfig:\n  namespaces:\n    - arms-prom\n    - Monitoring\n',
      [
        'c.yaml:4:7: prometheusConfig.namespaces[1]: "Monitoring" is not a namespace name (lowercase letters, digits and "-", at most 63)',
        '  4 |     - Monitoring',
        '    |       ^',
      ].join('\n'),
    ],
    [
      'dcgmExporter:\n\tenforcement: warn\n',
      ['c.yaml:2:1: not valid YAML: Tabs are not allowed as indentation', '  2 | →enforcement: warn', '    | ^'].join(
        '\n',
      ),
    ],
  ];
  for (const [text, message] of cases) t.throws(() => parseConfig(text, 'c.yaml'), { name: 'ConfigError', message });
});

t.test('a version written as a number: quote it as written', async (t) => {
  for (const written of ['2.50', '2.5', '3.0']) {
    t.throws(
      () => parseConfig(`prometheusConfig:\n  prometheusVersion: ${written}\n`, 'c.yaml'),
      {
        message: [
          `c.yaml:2:22: prometheusConfig.prometheusVersion: expected a string, got the number ${Number(written)}: unquoted, YAML reads ${written} as a number; write "${written}"`,
          `  2 |   prometheusVersion: ${written}`,
          `    |                      ^`,
        ].join('\n'),
      },
      written,
    );
  }
  t.equal(
    parseConfig('prometheusConfig:\n  prometheusVersion: "2.50"\n', 'c.yaml').prometheusConfig.prometheusVersion,
    '2.50',
  );
});
