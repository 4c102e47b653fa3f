// The Prometheus validator alone, warm, in a loop: what to run under `node --cpu-prof` to see where
// a configuration's time goes (docs/performance.md, "Where the validator's time goes").
//
//   node --cpu-prof --cpu-prof-dir=prof dist/bench/validator-loop.js static-1mib 20
//
// Prints the median time and CPU per run; the profile (prof/*.cpuprofile) opens in Chrome's
// DevTools (Performance tab) or any .cpuprofile viewer.
import { checkPrometheusConfig } from '../src/prometheus/index.js';
import {
  ONE_MIB,
  prometheusConfigOfSize,
  smallPrometheusConfig,
  staticTargetsConfigOfSize,
} from '../fixtures/objects.js';

const CONFIGS: Record<string, () => string> = {
  small: smallPrometheusConfig,
  '1mib': () => prometheusConfigOfSize(ONE_MIB),
  'static-1mib': () => staticTargetsConfigOfSize(ONE_MIB),
};
const WARM_UP_RUNS = 5;

const [name = 'static-1mib', runsText = '20', release = '2.55'] = process.argv.slice(2);
const config = CONFIGS[name];
const runs = Number(runsText);
if (config === undefined || !Number.isSafeInteger(runs) || runs < 1) {
  console.error(`usage: node dist/bench/validator-loop.js [${Object.keys(CONFIGS).join('|')}] [RUNS] [RELEASE]`);
  process.exit(2);
}
const text = config();
for (let run = 0; run < WARM_UP_RUNS; run += 1) checkPrometheusConfig(text, { prometheusVersion: release });
const wallMs: number[] = [];
const cpuMs: number[] = [];
for (let run = 0; run < runs; run += 1) {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const { errors } = checkPrometheusConfig(text, { prometheusVersion: release });
  wallMs.push(performance.now() - started);
  cpuMs.push(process.cpuUsage(cpuBefore).user / 1000);
  if (errors.length > 0) throw new Error(`the ${name} config should be valid: ${errors[0]?.message ?? ''}`);
}
const median = (samples: number[]): string => [...samples].sort((a, b) => a - b)[samples.length >> 1]!.toPrecision(3);
console.log(
  `${name} (${text.length} characters) at Prometheus ${release}: median ${median(wallMs)} ms, ` +
    `CPU ${median(cpuMs)} ms per run (${runs} runs after ${WARM_UP_RUNS})`,
);
