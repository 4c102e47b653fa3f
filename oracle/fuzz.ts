// `npm run oracle:fuzz -- [--runs N] [--releases 2.42,2.53,2.55] [--seed S] [--save]`: a
// differential fuzzer. fast-check generates prometheus.yml documents that start valid and are then
// mutated (oracle/mutations.ts); promtool of every release given and promgate at the same releases
// judge each one. A disagreement is shrunk to a small document by fast-check, replaying the run
// that found it; with --save the shrunk documents join test/prometheus/fixtures/fuzz-regressions.json
// with promtool's verdicts, which `npm test` checks without promtool. Releases promgate does not
// judge yet (3.x) are judged by promtool alone, so their verdicts are recorded for later.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { REPOSITORY_ROOT } from '../fixtures/repository.js';
import { NEWEST_SUPPORTED, OLDEST_SUPPORTED } from '../src/prometheus/index.js';
import { isJudgedRelease } from '../src/prometheus/version.js';
import { prometheusConfig } from './config-arbitrary.js';
import { applyMutations, mutationArbitrary } from './mutations.js';
import {
  agrees,
  promgateVerdict,
  promtoolBinary,
  promtoolVersion,
  promtoolVerdicts,
  type Verdict,
} from './verdicts.js';
import { emitYaml, slotsOf, withoutNode, type YamlTree } from './yaml-tree.js';

const REGRESSIONS_FILE = join(REPOSITORY_ROOT, 'test/prometheus/fixtures/fuzz-regressions.json');

const usage = `npm run oracle:fuzz -- [--runs N] [--releases R1,R2,...] [--seed S] [--save] [--max-shrinks N]
       npm run oracle:fuzz -- --record FILE [--record FILE...] [--releases R1,R2,...]

Generates N (default 300) configurations, judges each with promtool of every release
(default ${OLDEST_SUPPORTED},2.53,${NEWEST_SUPPORTED}; built by scripts/tool) and with promgate at the same release,
shrinks every disagreement and prints it. --save adds the shrunk ones to
test/prometheus/fixtures/fuzz-regressions.json. The seed is random unless given;
the run prints it. Exit status 1 when promgate and promtool disagree.
--record adds a document found another way (a fuzzer run's printed shrunk case,
say) to the same file with promtool's verdicts, instead of generating any.`;

interface Regression {
  yaml: string;
  /** promtool's verdict per release (major.minor) on `yaml`. */
  promtool: Record<string, Verdict>;
}

interface Options {
  runs: number;
  releases: string[];
  seed: number;
  save: boolean;
  maxShrinks: number;
  record: string[];
}

function parseOptions(argv: string[]): Options | string {
  const options: Options = {
    runs: 300,
    releases: [OLDEST_SUPPORTED, '2.53', NEWEST_SUPPORTED],
    seed: Math.floor(Math.random() * 2 ** 31),
    save: false,
    maxShrinks: 1000,
    record: [],
  };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]!;
    const value = (): string => {
      const next = argv[++index];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    const count = (): number => {
      const text = value();
      if (!/^\d+$/.test(text)) throw new Error(`${flag}: expected a number, got "${text}"`);
      return Number(text);
    };
    if (flag === '--runs') options.runs = count();
    else if (flag === '--seed') options.seed = count();
    else if (flag === '--max-shrinks') options.maxShrinks = count();
    else if (flag === '--releases') options.releases = value().split(',').filter(Boolean);
    else if (flag === '--save') options.save = true;
    else if (flag === '--record') options.record.push(value());
    else if (flag === '-h' || flag === '--help') return usage;
    else throw new Error(`unknown argument "${flag}"\n\n${usage}`);
  }
  return options;
}

const documentArbitrary = fc
  .tuple(prometheusConfig, fc.array(mutationArbitrary, { maxLength: 3 }))
  .map(([tree, mutations]) => applyMutations(tree, mutations));

interface Judge {
  release: string;
  binary: string;
}

/** promtool's verdict at each release where promgate's verdict on `text` differs from it. */
function disagreementsOn(judges: Judge[], text: string): Map<string, boolean> {
  const found = new Map<string, boolean>();
  for (const { release, binary } of judges) {
    const upstream = promtoolVerdicts(binary, [text])[0]!;
    if (!agrees(promgateVerdict(release, text), upstream)) found.set(release, upstream.valid);
  }
  return found;
}

/** The smallest document found that still shows the disagreement: fast-check replays run `index`
 *  of `seed` and shrinks what it generated, then parts of the document are dropped one at a time
 *  while promgate still disagrees with the same promtool verdict at one of the same releases (so
 *  that neither drifts to another bug). Mutations pick their sites by position, so fast-check's
 *  shrinking alone often stops early; dropping parts finishes the job. */
function shrink(
  judges: Judge[],
  seed: number,
  index: number,
  original: Map<string, boolean>,
  maxShrinks: number,
): string {
  let budget = maxShrinks;
  const stillDisagrees = (tree: YamlTree): boolean => {
    if (budget-- <= 0) return false;
    const found = disagreementsOn(judges, emitYaml(tree));
    return [...found].some(([release, valid]) => original.get(release) === valid);
  };
  // Past the budget every candidate "passes", which ends shrinking at the smallest found so far.
  const result = fc.check(
    fc.property(documentArbitrary, (tree) => !stillDisagrees(tree)),
    { seed, path: String(index), numRuns: 1 },
  );
  if (result.counterexample === null) throw new Error(`run ${index} of seed ${seed} no longer disagrees`);
  let smallest = result.counterexample[0];
  // Outer nodes come first in document order, so whole sections go before their fields; a pass
  // that drops nothing ends it.
  for (let pass = true; pass && budget > 0;) {
    pass = false;
    for (let node = 0; node < slotsOf(smallest).length && budget > 0;) {
      const candidate = withoutNode(smallest, node);
      if (stillDisagrees(candidate)) {
        smallest = candidate;
        pass = true;
      } else {
        node++;
      }
    }
  }
  return emitYaml(smallest);
}

function readRegressions(): Regression[] {
  return (JSON.parse(readFileSync(REGRESSIONS_FILE, 'utf8')) as { cases: Regression[] }).cases;
}

function saveRegressions(cases: Regression[]): void {
  const about =
    'Configurations on which promgate and upstream promtool (check config --syntax-only) disagreed, found by ' +
    "npm run oracle:fuzz and shrunk by fast-check. promtool holds promtool's verdict per release; " +
    'test/prometheus/fuzz-regressions.test.ts requires promgate to agree at every release it judges.';
  writeFileSync(REGRESSIONS_FILE, `${JSON.stringify({ about, cases }, null, 2)}\n`);
}

function describe(verdict: Verdict): string {
  return verdict.valid ? 'valid' : `invalid: ${verdict.message.replaceAll('\n', ' ')}`;
}

/** `yaml` with promtool's verdict at every release, printed beside promgate's. */
function regressionOf(yaml: string, all: Judge[], judges: Judge[]): Regression {
  const promtool = Object.fromEntries(
    all.map(({ release, binary }) => [release, promtoolVerdicts(binary, [yaml])[0]!]),
  );
  for (const { release } of judges) {
    console.log(`  ${release} promtool: ${describe(promtool[release]!)}`);
    console.log(`  ${release} promgate: ${describe(promgateVerdict(release, yaml))}`);
  }
  return { yaml, promtool };
}

/** --record: documents from files join the regression file as they are. */
function record(files: string[], all: Judge[], judges: Judge[]): number {
  const known = new Set(readRegressions().map((regression) => regression.yaml));
  const fresh: Regression[] = [];
  for (const file of files) {
    const yaml = readFileSync(file, 'utf8');
    console.log(`\n--- ${file}${known.has(yaml) ? ' (already in fuzz-regressions.json)' : ''}:\n${yaml}`);
    const regression = regressionOf(yaml, all, judges);
    if (!known.has(yaml)) fresh.push(regression);
    known.add(yaml);
  }
  saveRegressions([...readRegressions(), ...fresh]);
  console.log(`\nsaved ${fresh.length} new case(s) to ${REGRESSIONS_FILE}`);
  return 0;
}

function main(argv: string[]): number {
  let options: Options;
  try {
    const parsed = parseOptions(argv);
    if (typeof parsed === 'string') return (console.log(parsed), 0);
    options = parsed;
  } catch (err) {
    console.error(`oracle:fuzz: ${(err as Error).message}`);
    return 2;
  }
  const all = options.releases.map((release) => ({ release, binary: promtoolBinary(release) }));
  const judges = all.filter(({ release }) => isJudgedRelease(release));
  for (const { release, binary } of all) {
    const note = isJudgedRelease(release) ? '' : ' (promgate does not judge this release yet: promtool only)';
    console.log(`promtool ${promtoolVersion(binary)} for ${release}${note}`);
  }
  if (options.record.length > 0) return record(options.record, all, judges);
  console.log(`seed ${options.seed}, ${options.runs} configurations`);

  const texts = fc.sample(documentArbitrary, { seed: options.seed, numRuns: options.runs }).map(emitYaml);
  const verdicts = new Map(all.map(({ release, binary }) => [release, promtoolVerdicts(binary, texts)]));
  /** Run index → promtool's verdict at each release where promgate differs. */
  const failing = new Map<number, Map<string, boolean>>();
  for (const { release } of all) {
    const upstream = verdicts.get(release)!;
    const valid = upstream.filter((verdict) => verdict.valid).length;
    let disagreements = 0;
    if (isJudgedRelease(release)) {
      texts.forEach((text, index) => {
        if (!agrees(promgateVerdict(release, text), upstream[index]!)) {
          disagreements++;
          failing.set(index, (failing.get(index) ?? new Map<string, boolean>()).set(release, upstream[index]!.valid));
        }
      });
    }
    const judged = isJudgedRelease(release) ? `, ${disagreements} disagreement(s)` : '';
    console.log(
      `${release}: ${texts.length} tried (${new Set(texts).size} distinct), promtool valid ${valid}${judged}`,
    );
  }

  const known = new Set(readRegressions().map((regression) => regression.yaml));
  const found = new Map<string, Regression>();
  for (const [index, original] of failing) {
    const involved = judges.filter(({ release }) => original.has(release));
    const yaml = shrink(involved, options.seed, index, original, options.maxShrinks);
    if (found.has(yaml)) continue;
    console.log(`\n--- run ${index}, shrunk${known.has(yaml) ? ' (already in fuzz-regressions.json)' : ''}:\n${yaml}`);
    found.set(yaml, regressionOf(yaml, all, judges));
  }
  const fresh = [...found.values()].filter((regression) => !known.has(regression.yaml));
  if (options.save && fresh.length > 0) {
    saveRegressions([...readRegressions(), ...fresh]);
    console.log(`\nsaved ${fresh.length} new case(s) to ${REGRESSIONS_FILE}`);
  }
  console.log(`\n${failing.size} disagreeing configuration(s), ${found.size} after shrinking, ${fresh.length} new`);
  return failing.size === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
