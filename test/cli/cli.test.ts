import t from 'tap';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { MAX_WARNING_CHARS } from '../../src/common/warnings.js';
import { checkConfigCommand } from '../../src/cli/commands/check-config.js';
import { runCli } from '../support/cli.js';
import { FIXTURE_DAEMONSETS_DIR } from '../../fixtures/corpus.js';

const plainConfigMap =
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n  namespace: default\ndata:\n  a: b\n';

t.test('help and unknown commands', async (t) => {
  const help = await runCli(['--help']);
  t.equal(help.code, 0);
  for (const command of ['serve', 'certs', 'check']) t.match(help.stdout, new RegExp(`\\n  ${command} `));
  const commandHelp = await runCli(['check', '--help']);
  t.equal(commandHelp.code, 0);
  t.match(commandHelp.stdout, /--no-mutate/);
  const none = await runCli([]);
  t.equal(none.code, 2, 'no command is a usage error');
  const unknown = await runCli(['frobnicate']);
  t.equal(unknown.code, 2);
  t.match(unknown.stderr, /unknown command "frobnicate"/);
  const badFlag = await runCli(['check', '--bogus', 'x']);
  t.equal(badFlag.code, 2);
  t.match(badFlag.stderr, /Unknown option '--bogus'/);
});

t.test('check: exit codes on good, garbage and missing input', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'promgate-cli-'));
  const good = join(dir, 'good.yaml');
  writeFileSync(good, `${plainConfigMap}---\n---\n${plainConfigMap.replace('plain', 'second')}`);
  const result = await runCli(['check', good]);
  t.equal(result.code, 0);
  t.match(result.stdout, /2 object\(s\) checked: 0 allowed, 0 denied, 2 not covered/, 'empty documents are skipped');

  const list = JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'in-list' } }],
  });
  const fromStdin = await runCli(['check', '-o', 'json', '-'], list);
  t.equal(fromStdin.code, 0);
  const parsed = JSON.parse(fromStdin.stdout) as {
    results: Array<{ name: string; location: string; allowed: boolean }>;
  };
  t.match(parsed.results, [{ name: 'in-list', location: 'document 1 item 1', allowed: true }]);

  const folder = await runCli(['check', dir]);
  t.equal(folder.code, 0, 'a folder is read recursively');
  t.match(folder.stdout, /good\.yaml/);

  const garbage = join(dir, 'garbage.yaml');
  writeFileSync(garbage, 'kind: [unclosed\n');
  const bad = await runCli(['check', garbage]);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /garbage\.yaml: not valid YAML or JSON/);
  const scalar = await runCli(['check', '-'], '42\n');
  t.equal(scalar.code, 2);
  t.match(scalar.stderr, /expected a Kubernetes object, got number/);
  const missing = await runCli(['check', join(dir, 'missing.yaml')]);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /cannot read .*missing\.yaml: ENOENT/);
  t.equal((await runCli(['check'])).code, 2, 'no path is a usage error');
  t.equal((await runCli(['check', '-o', 'xml', good])).code, 2, 'unknown output format');
  const badConfig = join(dir, 'promgate.yaml');
  writeFileSync(badConfig, 'dcgmExporter:\n  enforcement: sometimes\n');
  const configError = await runCli(['check', '--config', badConfig, good]);
  t.equal(configError.code, 2);
  t.match(configError.stderr, /dcgmExporter\.enforcement: expected one of/);
});

t.test('certs writes a CA and a serving certificate for the given names', async (t) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'promgate-certs-')), 'out');
  const result = await runCli([
    'certs',
    '--out',
    dir,
    '--dns',
    'webhook.example',
    '--dns',
    'other.example',
    '--days',
    '30',
  ]);
  t.equal(result.code, 0, result.stderr);
  const ca = new X509Certificate(readFileSync(join(dir, 'ca.crt')));
  const serving = new X509Certificate(readFileSync(join(dir, 'tls.crt')));
  t.ok(serving.verify(ca.publicKey), 'signed by the CA');
  t.equal(serving.checkHost('webhook.example'), 'webhook.example');
  t.equal(serving.checkHost('other.example'), 'other.example');
  t.equal(serving.checkHost('localhost'), undefined, '--dns replaces the defaults');
  const days = (new Date(serving.validTo).getTime() - Date.now()) / 86_400_000;
  t.ok(days > 29 && days <= 30.01, `valid for 30 days (${days.toFixed(2)})`);
  t.equal(statSync(join(dir, 'tls.key')).mode & 0o777, 0o600, 'keys are private');
  t.equal((await runCli(['certs'])).code, 2, '--out is required');
  t.equal((await runCli(['certs', '--out', dir, '--days', 'ten'])).code, 2, '--days must be a number');
});

t.test('check-config: FILE:LINE:COL errors, versions and exit codes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'promgate-check-config-'));
  const good = join(dir, 'good.yml');
  writeFileSync(good, 'scrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: [localhost:9100]\n');
  const bad = join(dir, 'bad.yml');
  writeFileSync(bad, 'scrape_configs:\n  - job_name: node\n    scrape_interval: 1.5h\n');
  const ok = await runCli(['check-config', good]);
  t.equal(ok.code, 0, ok.stdout);
  t.match(ok.stdout, /good\.yml: SUCCESS \(Prometheus 2\.55 rules\)/);
  const failed = await runCli(['check-config', '--prometheus-version', '2.42', good, bad]);
  t.equal(failed.code, 1);
  t.match(failed.stdout, `${bad}:3:22: scrape_configs[0].scrape_interval: not a valid duration string: "1.5h"`);
  const json = await runCli(['check-config', '-o', 'json', '-'], 'global:\n  scrape_interval: 1.5h\n');
  t.equal(json.code, 1);
  t.match(JSON.parse(json.stdout), {
    results: [{ file: '-', valid: false, errors: [{ line: 2, col: 20, path: 'global.scrape_interval' }] }],
  });
  const both = await runCli(['check-config', '--prometheus-version', '2.55,3.5', bad]);
  t.equal(both.code, 1);
  t.match(
    both.stdout,
    `${bad}:3:22: scrape_configs[0].scrape_interval: unknown unit "." in duration "1.5h" [Prometheus 2.55, 3.5]`,
  );
  t.match(both.stdout, /bad\.yml: FAILED \(1 error\(s\)\) \(Prometheus 2\.55, 3\.5 rules\)/);
  const version = await runCli(['check-config', '--prometheus-version', '9.9', good]);
  t.equal(version.code, 2);
  t.match(version.stderr, /unsupported Prometheus version 9\.9/);
  t.equal((await runCli(['check-config', join(dir, 'absent.yml')])).code, 2);
});

t.test('check-config: --prometheus-version is judged before any file, other errors are not blamed on it', async (t) => {
  const badVersion = await runCli(['check-config', '--prometheus-version', '2.9x', '/nonexistent/prometheus.yml']);
  t.equal(badVersion.code, 2);
  t.match(badVersion.stderr, /--prometheus-version: invalid Prometheus version "2\.9x"/, 'the flag, not the file');
  t.match(badVersion.stderr, /^usage: promgate check-config/m);

  // An error after the flag was accepted (here the input stream failing) is not a usage error.
  const readFailure = new Error('the input stream broke');
  const stdin = new Readable({
    read() {
      this.destroy(readFailure);
    },
  });
  const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin };
  const thrown = await checkConfigCommand.run(['--prometheus-version', '2.53', '-'], io).catch((err: unknown) => err);
  t.equal(thrown, readFailure, 'propagated as is, not turned into a --prometheus-version usage error');
});

t.test('check-config: a folder means every YAML and JSON file in it, as its usage says', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'promgate-check-config-folder-'));
  writeFileSync(join(dir, 'good.yml'), 'scrape_configs:\n  - job_name: node\n');
  writeFileSync(join(dir, 'bad.json'), '{"global": {"scrape_interval": "1.5h"}}');
  writeFileSync(join(dir, 'notes.txt'), 'not: [a config\n');
  const folder = await runCli(['check-config', dir]);
  t.equal(folder.code, 1, 'bad.json inside the folder is judged');
  t.match(folder.stdout, /good\.yml: SUCCESS/);
  t.match(folder.stdout, /bad\.json: FAILED \(1 error\(s\)\)/);
  t.notMatch(folder.stdout, /notes\.txt/, 'other files in the folder are not read');
  const help = await runCli(['check-config', '--help']);
  t.match(help.stdout, /PATH is a file, a folder/);
});

t.test('check prints a prometheus-config warning in full, unlike kubectl', async (t) => {
  const file = 'tenant-id-file-with-a-long-name-so-that-the-warning-is-longer-than-kubectl-shows';
  const configMap = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: {name: p, namespace: arms-prom}',
    'data:',
    '  promYaml: |',
    '    scrape_configs:',
    '      - job_name: a',
    '        http_headers:',
    `          X-Scope-OrgID: {files: [/etc/prometheus/${file}]}`,
    '',
  ].join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'promgate-check-warning-'));
  const config = join(dir, 'promgate.yaml');
  writeFileSync(config, 'prometheusConfig:\n  prometheusVersion: "2.53"\n');
  const result = await runCli(['check', '--config', config, '-o', 'json', '-'], configMap);
  t.equal(result.code, 0, result.stderr);
  const [warning] = (JSON.parse(result.stdout) as { results: Array<{ warnings: string[] }> }).results[0]!.warnings;
  t.ok(warning !== undefined && warning.length > MAX_WARNING_CHARS, 'longer than an admission warning may be');
  t.match(
    warning,
    `files /etc/prometheus/${file}: Prometheus 2.53 reads them when it loads the config and fails if one is missing`,
    'the file is named',
  );
});

t.test('check on a dcgm-exporter: patch and diff, then --no-mutate denies the same file', async (t) => {
  const manifest = join(FIXTURE_DAEMONSETS_DIR, 'dcgm-exporter--gpu-node-affinity.yaml');
  const mutated = await runCli(['check', manifest]);
  t.equal(mutated.code, 0, 'allowed after the patch the webhook would apply');
  t.match(mutated.stdout, /allowed after patch/);
  t.match(
    mutated.stdout,
    /"path":"\/spec\/template\/spec\/affinity\/nodeAffinity\/requiredDuringSchedulingIgnoredDuringExecution\/nodeSelectorTerms\/0\/matchExpressions\/-"/,
  );
  t.match(mutated.stdout, /\+ +- key: starship\n +\+ +operator: DoesNotExist/, 'a readable diff of the affinity');
  const asWritten = await runCli(['check', '--no-mutate', '-o', 'json', manifest]);
  t.equal(asWritten.code, 1, 'as written it can still reach starship nodes');
  const result = JSON.parse(asWritten.stdout) as {
    results: Array<{ allowed: boolean; patch: unknown[]; denials: Array<{ policy: string; field: string }> }>;
  };
  t.equal(result.results[0]?.allowed, false);
  t.same(result.results[0]?.patch, [], '--no-mutate never patches');
  t.match(result.results[0]?.denials, [{ policy: 'dcgm-exporter-placement', field: /nodeSelectorTerms\[0\]/ }]);
});

t.test('check on an ARMS ConfigMap: line and column of every error', async (t) => {
  const configMap = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: arms-prom-prometheus-yaml',
    '  namespace: arms-prom',
    'data:',
    '  promYaml: |',
    '    scrape_configs:',
    '      - job_name: gpu',
    '        scrape_interval: 1.5h',
    '      - job_name: gpu',
    '',
  ].join('\n');
  const result = await runCli(['check', '-'], configMap);
  t.equal(result.code, 1);
  t.match(result.stdout, /DENIED/);
  t.match(result.stdout, /prometheus-config: -:10:26 \(promYaml:3:22\): scrape_configs\[0\]\.scrape_interval: /);
  t.match(
    result.stdout,
    /-:11:19 \(promYaml:4:15\): scrape_configs\[1\]\.job_name: found multiple scrape configs with job name "gpu"/,
  );
  const json = JSON.parse((await runCli(['check', '-o', 'json', '-'], configMap)).stdout) as {
    results: Array<{ filePosition: unknown; denials: unknown[] }>;
  };
  t.same(json.results[0]?.filePosition, { line: 1, column: 1, exact: true });
  t.match(json.results[0]?.denials[0], {
    field: 'data.promYaml',
    message: /^promYaml:3:22: /,
    position: { key: 'promYaml', line: 3, column: 22 },
    filePosition: { line: 10, column: 26, exact: true },
  });
});

t.test('check says where the file writes an error differently instead of guessing its column', async (t) => {
  const configMap = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: {name: arms-prom-prometheus-yaml, namespace: arms-prom}',
    // kubectl create configmap --dry-run -o yaml writes the whole file as one escaped line.
    'data: {promYaml: "scrape_configs:\\n  - job_name: gpu\\n    scrape_interval: 1.5h\\n  - job_name: \\u0067pu\\n"}',
    '',
  ].join('\n');
  const result = await runCli(['check', '-'], configMap);
  t.equal(result.code, 1);
  t.match(result.stdout, /-:4:\d+ \(promYaml:3:22\): scrape_configs\[0\]\.scrape_interval: /, 'a letter: exact');
  t.match(
    result.stdout,
    /-:4 \(promYaml:4:15; the character is written as an escape sequence on this line; no column is exact\): scrape_configs\[1\]\.job_name: found multiple/,
    'an escaped character: the line only, and why',
  );
});
