// `promgate check` shows a patch and its readable diff only when the mutating webhook would apply
// it: never for an object opted out with the skip annotation, never in audit mode.
import t, { type Test } from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

function exporter(annotations = ''): string {
  return `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: dcgm-exporter
  namespace: gpu-monitoring
${annotations}spec:
  selector:
    matchLabels: {app: dcgm-exporter}
  template:
    metadata:
      labels: {app: dcgm-exporter}
    spec:
      containers:
        - name: exporter
          image: nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3
`;
}

const skipped = exporter('  annotations:\n    promgate.io/skip: "true"\n');

interface JsonResult {
  allowed: boolean;
  patch: unknown[];
  patchDescriptions: string[];
}

async function check(t: Test, manifest: string, extra: string[] = []): Promise<{ text: string; json: JsonResult }> {
  const text = await runCli(['check', ...extra, '-'], manifest);
  const json = await runCli(['check', ...extra, '-o', 'json', '-'], manifest);
  t.equal(text.code, 0, text.stderr);
  return { text: text.stdout, json: (JSON.parse(json.stdout) as { results: JsonResult[] }).results[0]! };
}

t.test('a dcgm-exporter the webhook patches: patch and diff', async (t) => {
  const { text, json } = await check(t, exporter());
  t.match(text, /allowed after patch/);
  t.match(text, /\+ +operator: DoesNotExist/, 'the diff');
  t.equal(json.patchDescriptions.length, 1);
});

t.test('opted out with the skip annotation: allowed, no patch, no diff', async (t) => {
  const { text, json } = await check(t, skipped);
  t.match(text, /: allowed \(dcgm-exporter-placement\)\n/, 'allowed, by the policy that judged it');
  t.notMatch(text, /patch|DoesNotExist/, 'nothing the webhook would not do');
  t.same(json.patch, []);
  t.same(json.patchDescriptions, []);
});

t.test('audit mode: promgate only watches, so no patch and no diff', async (t) => {
  const config = join(mkdtempSync(join(tmpdir(), 'promgate-check-audit-')), 'promgate.yaml');
  writeFileSync(config, 'dcgmExporter:\n  enforcement: audit\n');
  const { text, json } = await check(t, exporter(), ['--config', config]);
  t.notMatch(text, /patch|DoesNotExist/);
  t.same(json.patchDescriptions, []);
});
