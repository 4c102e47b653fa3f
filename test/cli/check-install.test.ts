// `promgate check-install` and serve's start-up check read promgate's webhook configurations from
// the cluster and name every way they and the configuration disagree.
import t, { type Test } from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { defaultConfig } from '../../src/config/schema.js';
import { checkRegistrations } from '../../src/server/registration-check.js';
import { createMetrics } from '../../src/server/metrics.js';
import { FakeApiServer, type StoredObject } from '../support/fake-apiserver.js';
import { runCli } from '../support/cli.js';
import { MANIFESTS, render } from '../manifests/render.js';

const shipped = render(MANIFESTS).filter((object) => object.kind.endsWith('WebhookConfiguration')) as StoredObject[];

async function cluster(
  t: Test,
  objects: StoredObject[] = shipped,
  authorize?: (resource: string) => boolean,
): Promise<{ server: FakeApiServer; kubeconfig: string }> {
  const server = await FakeApiServer.start({
    tokens: { 'admin-token': 'admin' },
    ...(authorize ? { authorize: (request) => authorize(request.resource.plural) } : {}),
  });
  t.teardown(() => server.close());
  server.put(...structuredClone(objects));
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'promgate-check-install-')), 'config');
  writeFileSync(kubeconfig, server.kubeconfigText({ token: 'admin-token' }));
  return { server, kubeconfig };
}

function configFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'promgate-check-install-config-')), 'config.yaml');
  writeFileSync(path, text);
  return path;
}

t.test('the shipped manifests agree with the default configuration', async (t) => {
  const { kubeconfig } = await cluster(t);
  const result = await runCli(['check-install', '--kubeconfig', kubeconfig]);
  t.equal(result.code, 0, result.stderr);
  t.equal(
    result.stdout,
    'the webhook configurations named promgate send promgate exactly what its configuration judges\n',
  );
});

t.test('a configuration changed without its registration: every difference, exit 1', async (t) => {
  const { kubeconfig } = await cluster(t);
  const config = configFile(
    'prometheusConfig:\n  namespaces: [arms-prom, team-prom]\ndcgmExporter:\n  match:\n    images: [dcgm-exporter, gpu-metrics]\n',
  );
  const text = await runCli(['check-install', '--kubeconfig', kubeconfig, '--config', config]);
  t.equal(text.code, 1);
  t.match(
    text.stdout,
    'ValidatingWebhookConfiguration promgate webhook promgate-validate-configmaps.promgate.io: prometheusConfig.namespaces has team-prom, but its namespaceSelector never sends ConfigMaps from there',
  );
  t.match(
    text.stdout,
    'MutatingWebhookConfiguration promgate webhook promgate-mutate-daemonsets.promgate.io: dcgmExporter.match.images has gpu-metrics, but its matchCondition pod-template-is-dcgm-exporter never sends DaemonSets running gpu-metrics',
  );
  t.match(
    text.stdout,
    /\n3 disagreement\(s\) between the webhook configurations named promgate and the configuration\n$/,
  );
  const json = await runCli(['check-install', '--kubeconfig', kubeconfig, '--config', config, '-o', 'json']);
  t.equal(json.code, 1);
  t.equal((JSON.parse(json.stdout) as { mismatches: unknown[] }).mismatches.length, 3);
});

t.test('configurations that are missing, or another name', async (t) => {
  const { kubeconfig } = await cluster(t, []);
  const result = await runCli(['check-install', '--kubeconfig', kubeconfig]);
  t.equal(result.code, 1);
  t.match(result.stdout, /^MutatingWebhookConfiguration promgate: not found/m);
  t.match(result.stdout, /^ValidatingWebhookConfiguration promgate: not found/m);
  const renamed = await runCli(['check-install', '--kubeconfig', kubeconfig, '--name', 'gpu-gate']);
  t.match(renamed.stdout, /^MutatingWebhookConfiguration gpu-gate: not found/m);
});

t.test('credentials that may not read them: exit 2 with the reason', async (t) => {
  const { kubeconfig } = await cluster(t, shipped, (resource) => !resource.endsWith('webhookconfigurations'));
  const result = await runCli(['check-install', '--kubeconfig', kubeconfig]);
  t.equal(result.code, 2);
  t.match(result.stderr, /cannot get mutatingwebhookconfigurations "promgate": 403 Forbidden/);
});

function capturingLogger(): { logger: ReturnType<typeof pino>; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

t.test("serve's check: one log line per disagreement and the gauge; unreadable is logged, not fatal", async (t) => {
  const { server } = await cluster(t);
  const config = defaultConfig();
  config.prometheusConfig.namespaces = ['arms-prom', 'team-prom'];
  const metrics = createMetrics();
  const { logger, lines } = capturingLogger();
  await checkRegistrations({ kubeConfig: server.kubeConfig(), config, metrics, logger });
  t.equal((await metrics.registrationMismatches.get()).values[0]?.value, 1);
  t.match(
    lines.filter((line) => line.msg === 'webhook registration disagrees with the configuration'),
    [{ level: 40, mismatch: /prometheusConfig\.namespaces has team-prom/ }],
  );

  const agreeing = capturingLogger();
  await checkRegistrations({
    kubeConfig: server.kubeConfig(),
    config: defaultConfig(),
    metrics,
    logger: agreeing.logger,
  });
  t.equal((await metrics.registrationMismatches.get()).values[0]?.value, 0, 'back to 0 once they agree');
  t.match(agreeing.lines, [{ msg: 'webhook registrations send exactly what the configuration judges' }]);

  const denied = await cluster(t, shipped, (resource) => !resource.endsWith('webhookconfigurations'));
  const forbidden = capturingLogger();
  await checkRegistrations({
    kubeConfig: denied.server.kubeConfig(),
    config: defaultConfig(),
    metrics,
    logger: forbidden.logger,
  });
  t.match(forbidden.lines, [{ level: 30, msg: /cannot read the webhook configurations/ }]);
  t.equal((await metrics.registrationMismatches.get()).values[0]?.value, 0, 'the gauge keeps its value');
});
