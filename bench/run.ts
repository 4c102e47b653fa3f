// `npm run bench` (SPEC §6): drives promgate and a bare fastify ceiling over TLS keep-alive with
// realistic AdmissionReviews, prints throughput and latency beside the targets, times the
// Prometheus validator on a 1 MiB config (and promtool when installed), and writes the figures to
// bench/results/. The servers run in a child process so the load generator has its own event loop.
import autocannon, { type Result } from 'autocannon';
import { fork, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPrometheusConfig } from '../src/prometheus/index.js';
import { defaultConfig } from '../src/config/schema.js';
import { registeredPolicies } from '../src/policies/registry.js';
import { buildReview } from '../test/support/apiserver.js';
import {
  DCGM_EXPORTER_MANIFEST,
  ONE_MIB,
  armsConfigMap,
  corpusDaemonSet,
  prometheusConfigOfSize,
  smallPrometheusConfig,
} from './fixtures.js';
import type { ServersReady } from './servers.js';

const SECONDS_PER_RUN = 6;
const WARMUP_SECONDS = 2;
const SMALL_CONNECTIONS = 8;
const BIG_CONNECTIONS = 2;
/** Latencies only: the API server's default webhook timeout, as it sends it. */
const TIMEOUT_QUERY = '?timeout=10s';

interface Measurement {
  scenario: string;
  path: string;
  bodyBytes: number;
  connections: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

interface Target {
  what: string;
  met: boolean;
  measured: string;
}

function reviewBody(object: Record<string, unknown>): string {
  return JSON.stringify(buildReview({ object }).review);
}

async function load(port: number, path: string, body: string, connections: number, seconds: number): Promise<Result> {
  return autocannon({
    url: `https://127.0.0.1:${port}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    pipelining: 1,
    duration: seconds,
  });
}

async function measure(
  scenario: string,
  port: number,
  path: string,
  body: string,
  connections: number,
): Promise<Measurement> {
  await load(port, path, body, connections, WARMUP_SECONDS);
  return summarise(scenario, path, body, connections, await load(port, path, body, connections, SECONDS_PER_RUN));
}

function summarise(scenario: string, path: string, body: string, connections: number, result: Result): Measurement {
  return {
    scenario,
    path,
    bodyBytes: Buffer.byteLength(body),
    connections,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

function startServers(): Promise<{ ready: ServersReady; stop(): Promise<void> }> {
  const child = fork(fileURLToPath(new URL('./servers.js', import.meta.url)), [], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench servers exited early with code ${String(code)}`)));
    child.once('message', (ready: ServersReady) => {
      child.removeAllListeners('exit');
      resolve({
        ready,
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.send('stop');
          }),
      });
    });
  });
}

function medianMs(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Wall time of a command over `runs` runs, or undefined when it cannot run here. */
function commandMs(command: string, args: string[], runs: number): number | undefined {
  const samples: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    const outcome = spawnSync(command, args, { stdio: 'pipe' });
    if (outcome.error || (outcome.status !== 0 && outcome.status !== 1)) return undefined;
    samples.push(performance.now() - started);
  }
  return medianMs(samples);
}

interface CheckConfigTimes {
  configBytes: number;
  inProcessMs: number;
  cliMs?: number;
  promtoolMs?: number;
}

function timeCheckConfig(): CheckConfigTimes {
  const text = prometheusConfigOfSize(ONE_MIB);
  const dir = mkdtempSync(join(tmpdir(), 'promgate-bench-config-'));
  const file = join(dir, 'prometheus.yml');
  writeFileSync(file, text);
  const prometheusVersion = defaultConfig().prometheusConfig.prometheusVersion;
  checkPrometheusConfig(text, { prometheusVersion });
  const samples: number[] = [];
  for (let run = 0; run < 5; run += 1) {
    const started = performance.now();
    checkPrometheusConfig(text, { prometheusVersion });
    samples.push(performance.now() - started);
  }
  const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
  const cliMs = commandMs(process.execPath, [cli, 'check-config', file], 3);
  const promtoolMs = commandMs('promtool', ['check', 'config', '--syntax-only', file], 3);
  rmSync(dir, { recursive: true, force: true });
  return {
    configBytes: Buffer.byteLength(text),
    inProcessMs: medianMs(samples),
    ...(cliMs === undefined ? {} : { cliMs }),
    ...(promtoolMs === undefined ? {} : { promtoolMs }),
  };
}

const format = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

function printTable(rows: Measurement[], ceilingOf: (row: Measurement) => Measurement | undefined): void {
  const header = ['scenario', 'body', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'vs ceiling', 'failed'];
  const lines = rows.map((row) => {
    const ceiling = ceilingOf(row);
    return [
      row.scenario,
      row.bodyBytes >= 1024 ? `${format(row.bodyBytes / 1024, 0)} KiB` : `${row.bodyBytes} B`,
      String(row.connections),
      format(row.requestsPerSecond, 0),
      format(row.p50Ms),
      format(row.p99Ms),
      ceiling && ceiling !== row ? `${format((100 * row.requestsPerSecond) / ceiling.requestsPerSecond, 0)}%` : '',
      String(row.non2xx + row.errors + row.timeouts),
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  for (const line of [header, ...lines])
    console.log(line.map((cell, column) => cell.padEnd(widths[column]!)).join('  '));
}

async function main(): Promise<void> {
  const daemonSetBody = reviewBody(corpusDaemonSet(DCGM_EXPORTER_MANIFEST));
  const smallConfigMapBody = reviewBody(armsConfigMap('arms-small', smallPrometheusConfig()));
  const bigConfigMapBody = reviewBody(armsConfigMap('arms-1mib', prometheusConfigOfSize(ONE_MIB)));
  const policies = registeredPolicies().map(({ policy }) => policy.name);

  console.log(`promgate bench: node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'})`);
  console.log(`registered policies: ${policies.join(', ') || '(none)'}`);
  const servers = await startServers();
  const { promgatePort, ceilingPort, poolSize } = servers.ready;
  console.log(`worker pool: ${poolSize} worker(s); ${SECONDS_PER_RUN} s per run after ${WARMUP_SECONDS} s warm-up\n`);

  const rows: Measurement[] = [];
  const ceilingDaemonSet = await measure(
    'ceiling (DaemonSet body)',
    ceilingPort,
    '/ceiling',
    daemonSetBody,
    SMALL_CONNECTIONS,
  );
  const daemonSet = await measure(
    'DaemonSet /mutate',
    promgatePort,
    `/mutate${TIMEOUT_QUERY}`,
    daemonSetBody,
    SMALL_CONNECTIONS,
  );
  const ceilingSmall = await measure(
    'ceiling (small ConfigMap body)',
    ceilingPort,
    '/ceiling',
    smallConfigMapBody,
    SMALL_CONNECTIONS,
  );
  const smallConfigMap = await measure(
    'small ConfigMap /validate',
    promgatePort,
    `/validate${TIMEOUT_QUERY}`,
    smallConfigMapBody,
    SMALL_CONNECTIONS,
  );
  // One connection: the latency is the time to judge one 1 MiB config, not queueing behind another.
  const bigConfigMap = await measure(
    '1 MiB ConfigMap /validate',
    promgatePort,
    `/validate${TIMEOUT_QUERY}`,
    bigConfigMapBody,
    1,
  );

  const [bigDuringMix, smallDuringMix] = await Promise.all([
    load(promgatePort, `/validate${TIMEOUT_QUERY}`, bigConfigMapBody, BIG_CONNECTIONS, SECONDS_PER_RUN),
    load(promgatePort, `/mutate${TIMEOUT_QUERY}`, daemonSetBody, SMALL_CONNECTIONS, SECONDS_PER_RUN),
  ]);
  const mixedBig = summarise(
    '  1 MiB ConfigMap, in the mix',
    '/validate',
    bigConfigMapBody,
    BIG_CONNECTIONS,
    bigDuringMix,
  );
  const mixedSmall = summarise(
    '  DaemonSet while 1 MiB in flight',
    '/mutate',
    daemonSetBody,
    SMALL_CONNECTIONS,
    smallDuringMix,
  );
  rows.push(ceilingDaemonSet, daemonSet, ceilingSmall, smallConfigMap, bigConfigMap, mixedBig, mixedSmall);
  await servers.stop();

  printTable(rows, (row) =>
    row.bodyBytes === Buffer.byteLength(smallConfigMapBody)
      ? ceilingSmall
      : row.path.startsWith('/mutate')
        ? ceilingDaemonSet
        : undefined,
  );

  const checkConfig = timeCheckConfig();
  console.log(
    `\ncheck-config on a ${format(checkConfig.configBytes / ONE_MIB, 2)} MiB config: ` +
      `${format(checkConfig.inProcessMs)} ms in process (median of 5)` +
      `; CLI \`promgate check-config\`: ${checkConfig.cliMs === undefined ? 'n/a' : `${format(checkConfig.cliMs)} ms`}` +
      `; promtool check config --syntax-only: ${checkConfig.promtoolMs === undefined ? 'not installed' : `${format(checkConfig.promtoolMs)} ms`}`,
  );

  const ratio = (row: Measurement, ceiling: Measurement): number => row.requestsPerSecond / ceiling.requestsPerSecond;
  const targets: Target[] = [
    {
      what: 'DaemonSet ≥ 80% of ceiling, p99 < 5 ms',
      met: ratio(daemonSet, ceilingDaemonSet) >= 0.8 && daemonSet.p99Ms < 5,
      measured: `${format(100 * ratio(daemonSet, ceilingDaemonSet), 0)}%, p99 ${format(daemonSet.p99Ms)} ms`,
    },
    {
      what: 'small ConfigMap ≥ 80% of ceiling, p99 < 5 ms',
      met: ratio(smallConfigMap, ceilingSmall) >= 0.8 && smallConfigMap.p99Ms < 5,
      measured: `${format(100 * ratio(smallConfigMap, ceilingSmall), 0)}%, p99 ${format(smallConfigMap.p99Ms)} ms`,
    },
    {
      what: '1 MiB config judged < 100 ms',
      met: checkConfig.inProcessMs < 100 && bigConfigMap.p50Ms < 100,
      measured: `validator ${format(checkConfig.inProcessMs)} ms, request p50 ${format(bigConfigMap.p50Ms)} ms`,
    },
    {
      what: 'small p99 < 50 ms while 1 MiB in flight',
      met: mixedSmall.p99Ms < 50,
      measured: `p99 ${format(mixedSmall.p99Ms)} ms`,
    },
  ];
  console.log('\ntargets (SPEC §6):');
  for (const target of targets)
    console.log(`  ${target.met ? 'met    ' : 'NOT MET'}  ${target.what}: ${target.measured}`);
  const failed = rows.filter((row) => row.non2xx + row.errors + row.timeouts > 0);
  if (failed.length > 0)
    console.log(`\nwarning: failed requests in ${failed.map((row) => row.scenario.trim()).join(', ')}`);

  const resultsDir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const machine = { node: process.version, cores: availableParallelism(), cpu: cpus()[0]?.model ?? '' };
  writeFileSync(file, `${JSON.stringify({ machine, policies, poolSize, rows, checkConfig, targets }, null, 2)}\n`);
  console.log(`\nresults written to ${file}`);
}

await main();
