// `promgate serve` as a process, the way `npm start` and Kubernetes run it (needs the build in
// dist/, which `npm ci` makes): development certificates on first start, SIGTERM exits 0.
import t from 'tap';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { CLI, startServeProcess } from '../support/serve-process.js';
import { buildReview, post } from '../../fixtures/apiserver.js';
import { DEFAULT_OFFLOAD_MIN_CHARS } from '../../src/server/judge.js';
import { armsConfigMap, prometheusConfigOfSize } from '../../fixtures/objects.js';

// Each test starts several node processes with worker threads: on a shared 2-core machine that
// alone can pass tap's default 120 s per file, which is for a hang, not for a slow start.
t.setTimeout(300_000);

t.test('serve creates a development set, serves, and exits 0 on SIGTERM', async (t) => {
  t.ok(existsSync(CLI), 'the build exists (npm ci runs it)');
  const certDir = join(mkdtempSync(join(tmpdir(), 'promgate-serve-')), 'certs');
  const serve = await startServeProcess(['--cert-dir', certDir]);
  const ca = new X509Certificate(readFileSync(join(certDir, 'ca.crt')));
  const servingCert = new X509Certificate(readFileSync(join(certDir, 'tls.crt')));
  t.ok(servingCert.verify(ca.publicKey), 'a CA and a serving certificate were created');
  const readyz = await fetch(`http://127.0.0.1:${serve.metricsPort}/readyz`);
  t.equal(readyz.status, 200, 'ready');
  serve.child.kill('SIGTERM');
  t.equal(await serve.exited, 0, 'exit code 0 after SIGTERM');
});

t.test('serve --workers sizes the worker pool; 0 judges on the event loop', async (t) => {
  const certDir = join(mkdtempSync(join(tmpdir(), 'promgate-serve-')), 'certs');
  // Past the 16 KiB from which objects are judged in the pool, and invalid: a verdict shows it was judged.
  const largeInvalid = armsConfigMap(
    'arms-large',
    `${prometheusConfigOfSize(2 * DEFAULT_OFFLOAD_MIN_CHARS)}  - job_name: broken\n    scrape_interval: often\n`,
  );
  const body = JSON.stringify(buildReview({ object: largeInvalid }).review);
  for (const workers of [0, 3]) {
    const serve = await startServeProcess(['--cert-dir', certDir, '--workers', String(workers)]);
    t.equal(serve.workers, workers, `--workers ${workers}: the pool has ${workers} worker(s)`);
    const answer = await post(serve.port, '/validate', body, { ca: readFileSync(join(certDir, 'ca.crt'), 'utf8') });
    const response = (JSON.parse(answer.body) as { response: { allowed: boolean; status?: { message: string } } })
      .response;
    t.equal(response.allowed, false, `--workers ${workers}: the large invalid config is denied`);
    t.match(response.status?.message, /scrape_interval/, `--workers ${workers}: by the validator`);
    serve.child.kill('SIGTERM');
    t.equal(await serve.exited, 0, 'exit code 0 after SIGTERM');
  }
  for (const bad of ['-1', 'two', '1.5', '']) {
    // Refused before anything starts: judged in-process, where a spawned process would cost seconds.
    const { code, stderr } = await runCli(['serve', `--workers=${bad}`, '--cert-dir', certDir]);
    t.equal(code, 2, `--workers ${JSON.stringify(bad)} is a usage error`);
    t.match(stderr, /--workers: expected a whole number 0 or more/);
  }
});

t.test('serve refuses a broken config with exit code 2 and names the key', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'promgate-serve-'));
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, 'prometheusConfig:\n  keyz: [a]\n');
  const { code, stderr } = await runCli(['serve', '--config', configFile, '--cert-dir', dir]);
  t.equal(code, 2);
  t.match(stderr, /prometheusConfig\.keyz: unknown key/);
});
