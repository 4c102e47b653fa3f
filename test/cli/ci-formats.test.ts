// The CI formats of check and check-config: SARIF valid against the SARIF 2.1.0 schema, JUnit with
// a testcase per object and policy, GitHub Actions workflow commands escaped as the runner reads
// them; exit codes as in text output.
import t, { type Test } from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { REPOSITORY_ROOT as ROOT } from '../../fixtures/repository.js';
import { escapeXml } from '../../src/cli/ci/junit.js';
import { runCli } from '../support/cli.js';

// Paths of examples are relative to the repository's root.
process.chdir(ROOT);

const INVALID_CONFIGMAP = 'examples/configmaps/arms-prom-prometheus-yaml-invalid.yaml';
const EXAMPLES = ['examples/configmaps', 'examples/daemonsets'];

// ajv-formats is CommonJS: under Node's ESM loader its function is the default export's `default`.
const addFormats = (addFormatsModule as unknown as { default: (ajv: Ajv2020) => Ajv2020 }).default;
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validateSarif = ajv.compile(
  JSON.parse(readFileSync(join(ROOT, 'test/cli/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')) as object,
);

interface SarifLog {
  runs: Array<{
    tool: { driver: { rules: Array<{ id: string }> } };
    results: Array<{
      ruleId: string;
      level: string;
      message: { text: string };
      locations: Array<{
        physicalLocation?: { artifactLocation: { uri: string }; region?: Record<string, number> };
      }>;
    }>;
  }>;
}

function checkSarif(t: Test, output: string, label: string): SarifLog {
  const log = JSON.parse(output) as SarifLog;
  t.ok(validateSarif(log), `${label}: valid SARIF 2.1.0`, { errors: validateSarif.errors });
  // OASIS's schema also wants every region to say where it starts.
  const regions = log.runs.flatMap((run) =>
    run.results.flatMap((result) =>
      result.locations.flatMap((where) => (where.physicalLocation?.region ? [where.physicalLocation.region] : [])),
    ),
  );
  t.ok(
    regions.every((region) => Number.isInteger(region['startLine'])),
    `${label}: every region has a startLine`,
  );
  return log;
}

t.test('the schema refuses what is not SARIF 2.1.0', async (t) => {
  t.notOk(validateSarif({ version: '2.1.0', runs: [{ results: [] }] }), 'a run without its tool');
  t.notOk(validateSarif({ version: '2.0.0', runs: [] }), 'another version');
  t.ok(validateSarif({ version: '2.1.0', runs: [{ tool: { driver: { name: 'promgate' } }, results: [] }] }));
});

t.test('check -o sarif: one result per finding, located in the file, valid against the schema', async (t) => {
  const run = await runCli(['check', '-o', 'sarif', ...EXAMPLES]);
  t.equal(run.code, 1, 'exit 1: something is denied, as in text output');
  const log = checkSarif(t, run.stdout, 'examples');
  const results = log.runs[0]!.results;
  const errors = results.filter((result) => result.level === 'error');
  t.equal(errors.length, 5, 'three errors of the invalid ConfigMap, one of the lookahead one, a DaemonSet on starship');
  t.match(errors[0], {
    ruleId: 'prometheus-config',
    message: { text: /^ConfigMap arms-prom\/arms-prom-prometheus-yaml \(document 1\): promYaml:6:22: / },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: 'examples/configmaps/arms-prom-prometheus-yaml-invalid.yaml' },
          region: { startLine: 18, startColumn: 26 },
        },
      },
    ],
  });
  t.same(
    log.runs[0]!.tool.driver.rules.map((rule) => rule.id),
    ['dcgm-exporter-placement', 'prometheus-config'],
  );
  t.ok(
    results.some((result) => result.level === 'warning' && /not enforced/.test(result.message.text)),
    'an excluded namespace: findings as warnings',
  );

  const stdin = await runCli(['check', '-o', 'sarif', '-'], readFileSync(INVALID_CONFIGMAP, 'utf8'));
  const fromStdin = checkSarif(t, stdin.stdout, 'standard input');
  t.same(fromStdin.runs[0]!.results[0]!.locations, [], 'standard input: no file to point into');

  const allowed = await runCli(['check', '-o', 'sarif', 'examples/configmaps/arms-prom-prometheus-yaml.yaml']);
  t.equal(allowed.code, 0);
  t.same(checkSarif(t, allowed.stdout, 'allowed').runs[0]!.results, []);
});

t.test('check-config -o sarif: errors at their place in the file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'promgate-sarif-'));
  const file = join(dir, 'prometheus.yml');
  writeFileSync(file, 'global:\n  scrape_interval: 1x\n');
  const run = await runCli(['check-config', '-o', 'sarif', file]);
  t.equal(run.code, 1);
  const log = checkSarif(t, run.stdout, 'check-config');
  t.match(log.runs[0]!.results, [
    {
      ruleId: 'prometheus-config',
      level: 'error',
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: /^file:\/\/.*prometheus\.yml$/ },
            region: { startLine: 2, startColumn: 20 },
          },
        },
      ],
    },
  ]);
});

/** The attributes of the elements named `element`, as written. */
function elements(xml: string, element: string): string[] {
  return [...xml.matchAll(new RegExp(`<${element}\\b([^>]*)>`, 'g'))].map((match) => match[1] ?? '');
}

t.test('-o junit: a testcase per object and policy, failures for denials, skipped for what none judged', async (t) => {
  const text = [
    readFileSync(INVALID_CONFIGMAP, 'utf8'),
    '---',
    'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: arms-prom}',
    '---',
    readFileSync('examples/daemonsets/dcgm-exporter-gpu-operator.yaml', 'utf8'),
  ].join('\n');
  const run = await runCli(['check', '-o', 'junit', '-'], text);
  t.equal(run.code, 1);
  const xml = run.stdout;
  t.match(
    xml,
    /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="promgate check" tests="3" failures="1" errors="0" skipped="1">/,
  );
  t.match(elements(xml, 'testsuite'), [/name="standard input" tests="3" failures="1" errors="0" skipped="1"/]);
  const cases = elements(xml, 'testcase');
  t.equal(cases.length, 3);
  t.match(
    cases[0],
    /name="prometheus-config" classname="ConfigMap arms-prom\/arms-prom-prometheus-yaml \(document 1\)"/,
  );
  t.match(
    xml,
    /<failure message="promYaml:6:22: scrape_configs\[1\]\.scrape_interval: unknown unit &quot;\.&quot; in duration &quot;1\.5h&quot;" type="denied">-:18:26: promYaml:6:22: /,
  );
  t.match(cases[1], /name="not covered" classname="Service arms-prom\/web \(document 2\)"/);
  t.match(xml, /<skipped message="promgate judges apps\/v1 DaemonSets and v1 ConfigMaps, not v1 Service"\/>/);
  t.match(cases[2], /name="dcgm-exporter-placement"/);
  t.match(xml, /<system-out>note: -:\d+:1: the webhook patches it on admission:\n/);
});

t.test('-o junit escapes what XML cannot hold as it is', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'promgate-junit-'));
  const file = join(dir, 'a&b.yml');
  writeFileSync(
    file,
    'scrape_configs:\n  - job_name: "<x> & \\"y\\" \\u0001"\n  - job_name: "<x> & \\"y\\" \\u0001"\n',
  );
  const run = await runCli(['check-config', '-o', 'junit', file]);
  t.equal(run.code, 1);
  t.match(run.stdout, /file="[^"]*a&amp;b\.yml"/);
  t.match(run.stdout, /type="invalid">[^<]*&lt;x&gt; &amp; \\&quot;y\\&quot; \\x01/);
  t.equal(
    escapeXml(`a${String.fromCharCode(1)}b\uD800c\u{1F600}\t`),
    'a\\u0001b\\ud800c\u{1F600}\t',
    'characters XML 1.0 cannot hold are written as \\u escapes; pairs and tabs stay',
  );
  for (const attributes of [
    ...elements(run.stdout, 'testsuites'),
    ...elements(run.stdout, 'testsuite'),
    ...elements(run.stdout, 'testcase'),
    ...elements(run.stdout, 'failure'),
  ]) {
    t.match(attributes, /^(?: [a-z]+="[^"<]*")*\/?$/, `well-formed attributes: ${attributes}`);
  }
});

/** What the runner makes of an escaped property or message. */
function unescape(text: string): string {
  return text.replace(/%(25|0D|0A|3A|2C)/g, (_, code: string) => String.fromCharCode(parseInt(code, 16)));
}

t.test('-o github: workflow commands escaped as the runner reads them', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'promgate-github-'));
  const file = join(dir, 'a,b:c%d.yaml');
  writeFileSync(file, readFileSync(INVALID_CONFIGMAP, 'utf8'));
  const run = await runCli(['check', '-o', 'github', file, 'examples/daemonsets/dcgm-exporter-kube-system.yaml']);
  t.equal(run.code, 1);
  const lines = run.stdout.trimEnd().split('\n');
  t.equal(lines.length, 3 + 2 + 1, 'three errors, a warning and a notice, the summary');
  const error = /^::error file=([^,]*),line=18,col=26,title=([^,:]*)::(.*)$/.exec(lines[0]!);
  t.ok(error, lines[0]);
  t.equal(unescape(error![1]!), file, 'the file name, its , : and % escaped');
  t.equal(unescape(error![2]!), 'prometheus-config: ConfigMap arms-prom/arms-prom-prometheus-yaml (document 1)');
  t.equal(
    unescape(error![3]!),
    'promYaml:6:22: scrape_configs[1].scrape_interval: unknown unit "." in duration "1.5h"',
  );
  t.match(
    lines[3],
    /^::warning file=examples\/daemonsets\/dcgm-exporter-kube-system\.yaml,line=\d+,title=[^:]*::not enforced: /,
    'no col= where the position is not exact',
  );
  const notice = /^::notice [^:]*::(.*)$/.exec(lines[4]!);
  t.ok(notice, lines[4]);
  t.notMatch(notice![1], /[\r\n]/, 'a message of several lines is one command');
  t.match(
    unescape(notice![1]!),
    /^what the manifest needs:\nspec\.template\.spec\.affinity: \(none before\)\n\+ nodeAffinity:/,
  );
  t.equal(lines[5], '2 object(s) checked: 0 allowed, 1 denied, 0 not covered, 1 not admitted through promgate');

  const clean = await runCli(['check', '-o', 'github', 'examples/configmaps/arms-prom-prometheus-yaml.yaml']);
  t.same(
    { code: clean.code, stdout: clean.stdout },
    { code: 0, stdout: '1 object(s) checked: 1 allowed, 0 denied, 0 not covered\n' },
  );
});

t.test('an unknown -o is a usage error (exit 2) naming the formats', async (t) => {
  for (const command of ['check', 'check-config']) {
    const run = await runCli([command, '-o', 'xml', INVALID_CONFIGMAP]);
    t.equal(run.code, 2);
    t.match(run.stderr, '-o: expected text, json, sarif, junit or github, got xml');
  }
});
