// `npm run bench` (SPEC §6): drives promgate and a bare fastify ceiling over TLS keep-alive with
// realistic AdmissionReviews, prints throughput and latency beside the ceiling's, times
// `promgate check-config` and upstream promtool of the same release as whole processes on the same
// files, and prints each target of bench/targets.ts as met or not met from this run's figures
// (also written to bench/results/). The servers run in a child process so the load generator has
// its own event loop.
import autocannon, { type Result } from 'autocannon';
import { fork, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { alignColumns } from '../src/common/text-table.js';
import { asError } from '../src/common/errors.js';
import { checkPrometheusConfig } from '../src/prometheus/index.js';
import { defaultConfig } from '../src/config/schema.js';
import { supportedReleases } from '../src/prometheus/version.js';
import { registeredPolicies } from '../src/policies/registry.js';
import { buildReview, post } from '../fixtures/apiserver.js';
import {
  DCGM_EXPORTER_MANIFEST,
  ONE_MIB,
  armsConfigMap,
  fixtureDaemonSet,
  prometheusConfigOfSize,
  smallPrometheusConfig,
  staticTargetsConfigOfSize,
} from '../fixtures/objects.js';
import { promtoolBinary, promtoolVersion } from '../oracle/verdicts.js';
import { measureHostileInput, stormRatios, type HostileMeasurement } from './hostile.js';
import type { CpuReading, ServersReady } from './servers.js';
import { judgeTargets, TARGETS, verdictLine, type Figure, type FigureName } from './targets.js';

const USAGE = `usage: npm run bench -- [--seconds N] [--process-runs N] [--prometheus-version X.Y]

  --seconds N              length of each throughput run (default 5; warm-up up to 2 s before each)
  --process-runs N         whole-process runs of check-config and of promtool per file (default 5)
  --prometheus-version X.Y the release check-config judges and promtool is built at (scripts/tool
                           promtool X.Y); default: prometheusConfig.prometheusVersion's default`;

interface BenchOptions {
  seconds: number;
  processRuns: number;
  prometheusVersion: string;
}

function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string' },
      'process-runs': { type: 'string' },
      'prometheus-version': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    console.log(USAGE);
    process.exit(0);
  }
  const positive = (value: string | undefined, flag: string, fallback: number): number => {
    if (value === undefined) return fallback;
    const count = Number(value);
    if (!Number.isSafeInteger(count) || count < 1) throw new Error(`${flag}: expected a whole number 1 or more`);
    return count;
  };
  const defaultRelease = defaultConfig().prometheusConfig.prometheusVersion;
  const prometheusVersion = values['prometheus-version'] ?? (typeof defaultRelease === 'string' ? defaultRelease : '');
  supportedReleases([prometheusVersion]);
  return {
    seconds: positive(values.seconds, '--seconds', 5),
    processRuns: positive(values['process-runs'], '--process-runs', 5),
    prometheusVersion,
  };
}

const WARMUP_SECONDS = 2;
const SMALL_CONNECTIONS = 8;
const BIG_CONNECTIONS = 2;
const BIG_REQUESTS = 10;
/** Validator runs before timing it in process: V8 optimises a function only after it ran a while. */
const VALIDATOR_WARMUP_RUNS = 5;
const VALIDATOR_TIMED_RUNS = 10;
/**
 * Small requests beside the 1 MiB ones: 400/s, far above what an API server sends a webhook, yet
 * leaving the CPU room to judge the large ones (a saturating loop would starve them instead).
 */
const MIXED_SMALL_CONNECTIONS = 2;
const MIXED_SMALL_RATE_PER_CONNECTION = 200;
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
  /** CPU the server process spent per request answered (µs), worker threads included. */
  serverCpuMicrosPerRequest?: number;
}

function reviewBody(object: Record<string, unknown>): string {
  return JSON.stringify(buildReview({ object }).review);
}

/** Run for `seconds`, or send `amount` requests in all. */
type LoadShape = { connections: number } & (
  | {
      seconds: number;
      /** Requests per second per connection (sent back to back, then idle for the rest of the second). */
      connectionRate?: number;
    }
  | { amount: number }
);

async function load(port: number, path: string, body: string, shape: LoadShape): Promise<Result> {
  return autocannon({
    url: `https://127.0.0.1:${port}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: shape.connections,
    pipelining: 1,
    // A 1 MiB config may wait behind another: let the server's own deadline decide, not autocannon.
    timeout: 30,
    ...('amount' in shape ? { amount: shape.amount } : { duration: shape.seconds }),
    // autocannon's coordinated-omission correction assumes a 1 ms interval whatever the rate.
    ...('connectionRate' in shape && shape.connectionRate !== undefined
      ? { connectionRate: shape.connectionRate, ignoreCoordinatedOmission: true }
      : {}),
  });
}

/** Reads the server process's CPU time; measurements charge it to the requests they sent. */
type CpuClock = () => Promise<number>;

async function measure(
  scenario: string,
  port: number,
  path: string,
  body: string,
  shape: LoadShape,
  cpuClock: CpuClock,
): Promise<Measurement> {
  // A count-shaped run warms up with as many requests as it measures (the worker that judges them
  // must have run the validator often enough to be optimised, as a long-running server's has).
  const warmUp = 'amount' in shape ? { amount: shape.amount } : { seconds: Math.min(WARMUP_SECONDS, shape.seconds) };
  await load(port, path, body, { connections: shape.connections, ...warmUp });
  const cpuBefore = await cpuClock();
  const result = await load(port, path, body, shape);
  const cpuMicros = (await cpuClock()) - cpuBefore;
  return { ...summarise(scenario, path, body, result), serverCpuMicrosPerRequest: cpuMicros / result.requests.total };
}

/**
 * The better of two runs: on a shared machine a neighbour's burst lowers one run, rarely both, and
 * the ceiling and promgate are measured the same way so their ratio stays fair.
 */
async function measureBest(...run: Parameters<typeof measure>): Promise<Measurement> {
  const first = await measure(...run);
  const second = await measure(...run);
  return first.requestsPerSecond >= second.requestsPerSecond ? first : second;
}

/** One request, to show what the load is made of: the verdict promgate gives this body. */
async function verdictOf(port: number, ca: string, path: string, body: string): Promise<string> {
  const answer = await post(port, path, body, { ca });
  const review = JSON.parse(answer.body) as {
    response?: { allowed: boolean; patch?: string; status?: { message?: string } };
  };
  const response = review.response;
  if (!response) return `HTTP ${answer.statusCode}`;
  if (response.allowed) return response.patch ? 'allowed, patched' : 'allowed';
  return `denied (${(response.status?.message ?? '').split('\n')[1]?.slice(0, 90) ?? ''})`;
}

function summarise(scenario: string, path: string, body: string, result: Result): Measurement {
  return {
    scenario,
    path,
    bodyBytes: Buffer.byteLength(body),
    connections: result.connections,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

function startServers(): Promise<{ ready: ServersReady; cpuClock: CpuClock; stop(): Promise<void> }> {
  const child = fork(fileURLToPath(new URL('./servers.js', import.meta.url)), [], { stdio: 'inherit' });
  const cpuClock: CpuClock = () =>
    new Promise((resolve) => {
      child.once('message', (reading: CpuReading) => resolve(reading.cpuMicros));
      child.send('cpu');
    });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench servers exited early with code ${String(code)}`)));
    child.once('message', (ready: ServersReady) => {
      child.removeAllListeners('exit');
      resolve({
        ready,
        cpuClock,
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

/** One run's wall time, or why the command could not run (exit 0 and 1 are both verdicts). */
function commandMs(command: string, args: string[]): number | Error {
  const started = performance.now();
  const outcome = spawnSync(command, args, { stdio: 'pipe' });
  if (outcome.error) return outcome.error;
  if (outcome.status !== 0 && outcome.status !== 1) {
    return new Error(`${command} exited with ${String(outcome.status)}: ${outcome.stderr.toString().trim()}`);
  }
  return performance.now() - started;
}

interface ProcessComparison {
  file: string;
  configBytes: number;
  promgateMs: number;
  /** Absent, with the reason in `promtoolMissing`, when promtool cannot be built or run here. */
  promtoolMs?: number;
  promtoolMissing?: string;
}

interface CheckConfigTimes {
  prometheusVersion: string;
  promtoolVersion?: string;
  /** `node -e 0`: what any Node.js command costs before it reads a file. */
  nodeStartMs: number;
  small: ProcessComparison;
  staticTargets: ProcessComparison;
  /** The validator alone on the 1 MiB configs in this process, warm (median). */
  inProcessBigMs: number;
  inProcessStaticTargetsMs: number;
}

/** Median wall time of each command over `runs` rounds, the commands taking turns within a round. */
function medianTurns(commands: { command: string; args: string[] }[], runs: number): (number | Error)[] {
  const samples = commands.map((): number[] => []);
  const failures: (Error | undefined)[] = commands.map(() => undefined);
  for (let run = 0; run < runs; run += 1) {
    commands.forEach(({ command, args }, index) => {
      if (failures[index]) return;
      const ms = commandMs(command, args);
      if (ms instanceof Error) failures[index] = ms;
      else samples[index]!.push(ms);
    });
  }
  return samples.map((taken, index) => failures[index] ?? medianMs(taken));
}

function inProcessMs(text: string, prometheusVersion: string): number {
  for (let run = 0; run < VALIDATOR_WARMUP_RUNS; run += 1) checkPrometheusConfig(text, { prometheusVersion });
  const samples: number[] = [];
  for (let run = 0; run < VALIDATOR_TIMED_RUNS; run += 1) {
    const started = performance.now();
    checkPrometheusConfig(text, { prometheusVersion });
    samples.push(performance.now() - started);
  }
  return medianMs(samples);
}

/**
 * `promgate check-config` and `promtool check config --syntax-only` of the same release, each a
 * whole process on the same file, taking turns so that a neighbour's burst hits both alike.
 */
function timeCheckConfig(options: BenchOptions): CheckConfigTimes {
  const release = options.prometheusVersion;
  let promtool: string | Error;
  try {
    promtool = promtoolBinary(release);
  } catch (err) {
    promtool = asError(err);
  }
  const dir = mkdtempSync(join(tmpdir(), 'promgate-bench-config-'));
  const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
  const compare = (name: string, text: string): ProcessComparison => {
    const file = join(dir, name);
    writeFileSync(file, text);
    const promgateRun = {
      command: process.execPath,
      args: [cli, 'check-config', '--prometheus-version', release, file],
    };
    const commands =
      typeof promtool === 'string'
        ? [promgateRun, { command: promtool, args: ['check', 'config', '--syntax-only', file] }]
        : [promgateRun];
    const [promgateMs, promtoolMs] = medianTurns(commands, options.processRuns);
    if (promgateMs === undefined || promgateMs instanceof Error)
      throw promgateMs ?? new Error('check-config did not run');
    const promtoolOutcome = promtoolMs ?? (promtool instanceof Error ? promtool : new Error('promtool did not run'));
    return {
      file: name,
      configBytes: Buffer.byteLength(text),
      promgateMs,
      ...(promtoolOutcome instanceof Error
        ? { promtoolMissing: promtoolOutcome.message }
        : { promtoolMs: promtoolOutcome }),
    };
  };
  try {
    const nodeStart = medianTurns([{ command: process.execPath, args: ['-e', '0'] }], options.processRuns)[0]!;
    if (nodeStart instanceof Error) throw nodeStart;
    const bigText = prometheusConfigOfSize(ONE_MIB);
    const staticTargetsText = staticTargetsConfigOfSize(ONE_MIB);
    return {
      prometheusVersion: release,
      ...(typeof promtool === 'string' ? { promtoolVersion: promtoolVersion(promtool) } : {}),
      nodeStartMs: nodeStart,
      small: compare('small-arms.yml', smallPrometheusConfig()),
      staticTargets: compare('static-targets-1mib.yml', staticTargetsText),
      inProcessBigMs: inProcessMs(bigText, release),
      inProcessStaticTargetsMs: inProcessMs(staticTargetsText, release),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const format = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const formatBytes = (bytes: number): string => (bytes >= 1024 ? `${format(bytes / 1024, 0)} KiB` : `${bytes} B`);
const percent = (share: number): string => `${format(100 * share, 0)}%`;

/** Server CPU per request relative to the ceiling's: what promgate adds, steadier than req/s. */
const cpuRatio = (row: Measurement, ceiling: Measurement): number =>
  (row.serverCpuMicrosPerRequest ?? Number.NaN) / (ceiling.serverCpuMicrosPerRequest ?? Number.NaN);

interface Row extends Measurement {
  verdict: string;
  ceiling?: Measurement;
}

function printTable(rows: Row[]): void {
  const header = [
    'scenario',
    'body',
    'conns',
    'req/s',
    'p50 ms',
    'p99 ms',
    'vs ceiling',
    'CPU µs/req',
    'CPU vs ceiling',
    'failed',
    'verdict',
  ];
  const lines = rows.map((row) => [
    row.scenario,
    formatBytes(row.bodyBytes),
    String(row.connections),
    format(row.requestsPerSecond, 0),
    format(row.p50Ms, 0),
    format(row.p99Ms, 0),
    row.ceiling ? percent(row.requestsPerSecond / row.ceiling.requestsPerSecond) : '',
    row.serverCpuMicrosPerRequest === undefined ? '' : format(row.serverCpuMicrosPerRequest, 0),
    row.ceiling ? `${format(cpuRatio(row, row.ceiling), 2)}×` : '',
    String(row.non2xx + row.errors + row.timeouts),
    row.verdict,
  ]);
  for (const line of alignColumns([header, ...lines])) console.log(line);
}

function printHostileTable(rows: HostileMeasurement[]): void {
  const lines = rows.map((row) => [
    row.scenario,
    formatBytes(row.bodyBytes),
    format(row.ms, 0),
    row.answer,
    row.problem ?? 'well-formed',
  ]);
  for (const line of alignColumns([['case', 'body', 'ms', 'answer', 'check'], ...lines])) console.log(line);
}

/** One figure per target of bench/targets.ts, from this run's measurements. */
function figuresOf(run: {
  daemonSet: Measurement;
  ceilingDaemonSet: Measurement;
  small: Measurement;
  ceilingSmall: Measurement;
  big: Measurement;
  staticTargets: Measurement;
  mixedSmall: Measurement;
  hostile: HostileMeasurement[];
  checkConfig: CheckConfigTimes;
}): Record<FigureName, Figure> {
  const share = (row: Measurement, ceiling: Measurement): Figure => ({
    value: row.requestsPerSecond / ceiling.requestsPerSecond,
    detail:
      `${format(row.requestsPerSecond, 0)} vs ${format(ceiling.requestsPerSecond, 0)} req/s; server CPU per review ` +
      `${format(row.serverCpuMicrosPerRequest ?? Number.NaN, 0)} µs vs the ceiling's ${format(ceiling.serverCpuMicrosPerRequest ?? Number.NaN, 0)} µs ` +
      `(${format(cpuRatio(row, ceiling), 2)}×)`,
  });
  const p99 = (row: Measurement): Figure => ({
    value: row.p99Ms,
    detail: `p50 ${format(row.p50Ms, 0)} ms, ${format(row.requestsPerSecond, 0)} req/s${failedNote(row)}`,
  });
  const median = (row: Measurement): Figure => ({
    value: row.p50Ms,
    detail: `p99 ${format(row.p99Ms, 0)} ms over ${BIG_REQUESTS} requests, one at a time${failedNote(row)}`,
  });
  const { checkConfig } = run;
  const versus = (comparison: ProcessComparison): Figure =>
    comparison.promtoolMs === undefined
      ? { value: undefined, detail: `promtool unavailable: ${comparison.promtoolMissing ?? ''}` }
      : {
          value: comparison.promgateMs / comparison.promtoolMs,
          detail:
            `${format(comparison.promgateMs, 0)} ms vs promtool ${checkConfig.promtoolVersion ?? ''} ` +
            `${format(comparison.promtoolMs, 0)} ms (${formatBytes(comparison.configBytes)}; node -e 0 alone ${format(checkConfig.nodeStartMs, 0)} ms)`,
        };
  const singles = run.hostile.filter((row) => row.server === 'promgate' && row.kind === 'request');
  const slowest = singles.reduce((worst, row) => (row.ms > worst.ms ? row : worst));
  const badlyAnswered = run.hostile.filter((row) => row.server === 'promgate' && row.problem !== undefined);
  const storms = stormRatios(run.hostile);
  const worstStorm = storms.reduce((worst, storm) => (storm.ratio > worst.ratio ? storm : worst));
  return {
    checkConfigSmallVsPromtool: versus(checkConfig.small),
    checkConfigBigVsPromtool: versus(checkConfig.staticTargets),
    validateBigMedianMs: median(run.big),
    validateStaticTargetsMedianMs: median(run.staticTargets),
    daemonSetShareOfCeiling: share(run.daemonSet, run.ceilingDaemonSet),
    daemonSetP99Ms: p99(run.daemonSet),
    smallConfigMapShareOfCeiling: share(run.small, run.ceilingSmall),
    smallConfigMapP99Ms: p99(run.small),
    p99BesideBigMs: p99(run.mixedSmall),
    hostileSlowestMs: { value: slowest.ms, detail: slowest.scenario },
    hostileBadAnswers: {
      value: badlyAnswered.length,
      detail: badlyAnswered.map((row) => `${row.scenario}: ${row.problem ?? ''}`).join('; '),
    },
    stormWorstVsCeiling: {
      value: worstStorm.ratio,
      detail: storms
        .map((storm) => `${storm.scenario}: ${format(storm.promgateMs, 0)} vs ${format(storm.ceilingMs, 0)} ms`)
        .join('; '),
    },
  };
}

function failedNote(row: Measurement): string {
  const failed = row.non2xx + row.errors + row.timeouts;
  return failed === 0 ? '' : `; ${failed} failed`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const daemonSetBody = reviewBody(fixtureDaemonSet(DCGM_EXPORTER_MANIFEST));
  const smallConfigMapBody = reviewBody(armsConfigMap('arms-small', smallPrometheusConfig()));
  const bigConfigMapBody = reviewBody(armsConfigMap('arms-1mib', prometheusConfigOfSize(ONE_MIB)));
  const staticTargetsBody = reviewBody(armsConfigMap('arms-static-1mib', staticTargetsConfigOfSize(ONE_MIB)));
  const policies = registeredPolicies().map(({ policy }) => policy.name);

  console.log(
    `promgate bench: node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), ` +
      `load average ${loadavg()
        .map((load) => load.toFixed(1))
        .join(' ')}`,
  );
  console.log(`registered policies: ${policies.join(', ') || '(none)'}`);
  const servers = await startServers();
  const { promgatePort, ceilingPort, poolSize, caCert } = servers.ready;
  const { cpuClock } = servers;
  const warmUpSeconds = Math.min(WARMUP_SECONDS, options.seconds);
  console.log(
    `worker pool: ${poolSize} worker(s); runs of ${options.seconds} s after ${warmUpSeconds} s of warm-up; ` +
      `latency is whole milliseconds (autocannon)\n`,
  );
  const mutatePath = `/mutate${TIMEOUT_QUERY}`;
  const validatePath = `/validate${TIMEOUT_QUERY}`;
  // The first 1 MiB review meets a worker that has never run the validator: what an ARMS
  // ConfigMap, changed a few times a day, usually gets. Timed once, before any warm-up.
  const firstBigStartedAt = performance.now();
  const bigVerdict = await verdictOf(promgatePort, caCert, validatePath, bigConfigMapBody);
  const firstBigMs = performance.now() - firstBigStartedAt;
  const verdicts = {
    daemonSet: await verdictOf(promgatePort, caCert, mutatePath, daemonSetBody),
    small: await verdictOf(promgatePort, caCert, validatePath, smallConfigMapBody),
    big: bigVerdict,
    staticTargets: await verdictOf(promgatePort, caCert, validatePath, staticTargetsBody),
  };
  const fixed = 'fixed answer';
  const saturated = { connections: SMALL_CONNECTIONS, seconds: options.seconds };

  const ceilingDaemonSet = await measureBest(
    'ceiling, DaemonSet body',
    ceilingPort,
    '/ceiling',
    daemonSetBody,
    saturated,
    cpuClock,
  );
  const daemonSet = await measureBest(
    'DaemonSet /mutate',
    promgatePort,
    mutatePath,
    daemonSetBody,
    saturated,
    cpuClock,
  );
  const ceilingSmall = await measureBest(
    'ceiling, ConfigMap body',
    ceilingPort,
    '/ceiling',
    smallConfigMapBody,
    saturated,
    cpuClock,
  );
  const small = await measureBest(
    'small ConfigMap /validate',
    promgatePort,
    validatePath,
    smallConfigMapBody,
    saturated,
    cpuClock,
  );
  // One connection, a count not a duration: the latency is the time to judge one 1 MiB config.
  const oneAtATime = { connections: 1, amount: BIG_REQUESTS };
  const big = await measure(
    '1 MiB ConfigMap /validate',
    promgatePort,
    validatePath,
    bigConfigMapBody,
    oneAtATime,
    cpuClock,
  );
  const staticTargets = await measure(
    '1 MiB static targets /validate',
    promgatePort,
    validatePath,
    staticTargetsBody,
    oneAtATime,
    cpuClock,
  );
  const [bigDuringMix, smallDuringMix] = await Promise.all([
    load(promgatePort, validatePath, bigConfigMapBody, { connections: BIG_CONNECTIONS, seconds: options.seconds }),
    load(promgatePort, mutatePath, daemonSetBody, {
      connections: MIXED_SMALL_CONNECTIONS,
      connectionRate: MIXED_SMALL_RATE_PER_CONNECTION,
      seconds: options.seconds,
    }),
  ]);
  const mixedBig = summarise('mix: 1 MiB ConfigMaps', validatePath, bigConfigMapBody, bigDuringMix);
  const mixedSmall = summarise(
    `mix: DaemonSets beside them, ${MIXED_SMALL_CONNECTIONS * MIXED_SMALL_RATE_PER_CONNECTION}/s`,
    mutatePath,
    daemonSetBody,
    smallDuringMix,
  );
  const hostile = await measureHostileInput({ promgate: promgatePort, ceiling: ceilingPort }, caCert, {
    validate: validatePath,
    mutate: mutatePath,
  });
  await servers.stop();

  const rows: Row[] = [
    { ...ceilingDaemonSet, verdict: fixed },
    { ...daemonSet, ceiling: ceilingDaemonSet, verdict: verdicts.daemonSet },
    { ...ceilingSmall, verdict: fixed },
    { ...small, ceiling: ceilingSmall, verdict: verdicts.small },
    { ...big, verdict: verdicts.big },
    { ...staticTargets, verdict: verdicts.staticTargets },
    { ...mixedBig, verdict: verdicts.big },
    { ...mixedSmall, verdict: verdicts.daemonSet },
  ];
  printTable(rows);
  console.log(
    `\nfirst 1 MiB review after start (its worker's validator not yet optimised): ${format(firstBigMs, 0)} ms`,
  );
  console.log('\nhostile input (one request each, or one per connection; the slowest answer):');
  printHostileTable(hostile);

  // With the servers stopped: whole processes, each its own, on an otherwise idle bench.
  const checkConfig = timeCheckConfig(options);
  printCheckConfig(checkConfig, options.processRuns);

  const targets = judgeTargets(
    TARGETS,
    figuresOf({
      daemonSet,
      ceilingDaemonSet,
      small,
      ceilingSmall,
      big,
      staticTargets,
      mixedSmall,
      hostile,
      checkConfig,
    }),
  );
  console.log('\ntargets (SPEC §6), judged on this run:');
  for (const target of targets) console.log(`  ${verdictLine(target)}`);
  const failed = rows.filter((row) => row.non2xx + row.errors + row.timeouts > 0);
  if (failed.length > 0) console.log(`\nwarning: failed requests in: ${failed.map((row) => row.scenario).join('; ')}`);

  const resultsDir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const machine = {
    node: process.version,
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? '',
    loadAverage: loadavg(),
  };
  const results = {
    machine,
    options,
    policies,
    poolSize,
    rows: rows.map(({ ceiling, ...row }) => ({ ...row, ceilingScenario: ceiling?.scenario })),
    firstBigReviewMs: firstBigMs,
    hostile,
    checkConfig,
    targets,
  };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nresults written to ${file}`);
}

function printCheckConfig(times: CheckConfigTimes, runs: number): void {
  console.log(
    `\ncheck-config vs promtool ${times.promtoolVersion ?? '(unavailable)'} --syntax-only at Prometheus ` +
      `${times.prometheusVersion}, whole processes (median of ${runs}, taking turns); node -e 0: ${format(times.nodeStartMs, 0)} ms`,
  );
  const lines = [times.small, times.staticTargets].map((comparison) => [
    comparison.file,
    formatBytes(comparison.configBytes),
    format(comparison.promgateMs, 0),
    comparison.promtoolMs === undefined ? 'n/a' : format(comparison.promtoolMs, 0),
  ]);
  for (const line of alignColumns([['file', 'size', 'check-config ms', 'promtool ms'], ...lines])) console.log(line);
  console.log(
    `validator alone, in process, warm (median of ${VALIDATOR_TIMED_RUNS} after ${VALIDATOR_WARMUP_RUNS}): ` +
      `promgate's 1 MiB config ${format(times.inProcessBigMs)} ms, 1 MiB of static targets ${format(times.inProcessStaticTargetsMs)} ms`,
  );
}

try {
  await main();
} catch (err) {
  console.error(`bench: ${asError(err).message}`);
  process.exitCode = 2;
}
