// `npm run oracle -- RELEASE...`: promgate's verdict against upstream promtool's, release by
// release, on upstream's own config/testdata of that release (from its Go module, by
// scripts/upstream-testdata) and on the shared corpora (`../shared/corpus/prometheus-testdata*`) when present.
// Prints agreement counts per source and every disagreement; exits 1 if there is one.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPOSITORY_ROOT } from '../fixtures/repository.js';
import { upstreamConfigPackage } from '../fixtures/upstream-testdata.js';
import { NEWEST_SUPPORTED, OLDEST_SUPPORTED } from '../src/prometheus/index.js';
import { supportedVersion } from '../src/prometheus/version.js';
import {
  agrees,
  promgateVerdict,
  promtoolBinary,
  promtoolVersion,
  promtoolVerdicts,
  type Verdict,
} from './verdicts.js';

const usage = `npm run oracle -- RELEASE... [--corpus DIR]

Judges upstream's config/testdata of each RELEASE (2.55, 3.5, …) and every
prometheus-testdata* folder of the shared corpus with promtool of that release
(built by scripts/tool) and with promgate at that release, and lists where they
disagree. --corpus names the corpus folder (default: ../shared/corpus or
$PROMGATE_CORPUS, skipped when absent). promgate judges ${OLDEST_SUPPORTED} to ${NEWEST_SUPPORTED}.`;

interface Source {
  name: string;
  dir: string;
  files: string[];
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.ya?ml$/.test(file))
    .sort();
}

/** upstream's config/testdata of the release `binary` reports itself as (its exact patch). */
function upstreamTestdata(binary: string): Source {
  const version = promtoolVersion(binary);
  const configPackage = upstreamConfigPackage(version);
  if ('missing' in configPackage) throw new Error(configPackage.missing);
  const testdata = join(configPackage.dir, 'testdata');
  return { name: `upstream ${version} config/testdata`, dir: testdata, files: yamlFiles(testdata) };
}

async function corpusSources(explicit: string | undefined): Promise<Source[]> {
  const corpus = explicit ?? (await import('../fixtures/corpus.js')).CORPUS_DIR;
  if (corpus === undefined) return [];
  return readdirSync(corpus)
    .filter((name) => name.startsWith('prometheus-testdata') && existsSync(join(corpus, name, 'ORACLE.tsv')))
    .sort()
    .map((name) => ({ name: relative(REPOSITORY_ROOT, join(corpus, name)), dir: join(corpus, name), files: [] }))
    .map((source) => ({ ...source, files: yamlFiles(source.dir) }));
}

function describe(verdict: Verdict): string {
  return verdict.valid ? 'valid' : `invalid: ${verdict.message.replaceAll('\n', ' ')}`;
}

async function main(argv: string[]): Promise<number> {
  const releases: string[] = [];
  let corpus: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    if (argument === '--corpus') corpus = argv[++index];
    else if (argument === '-h' || argument === '--help') return (console.log(usage), 0);
    else releases.push(argument);
  }
  if (releases.length === 0) return (console.error(usage), 2);
  for (const release of releases) {
    try {
      supportedVersion(release);
    } catch (err) {
      console.error(`oracle: ${(err as Error).message}`);
      return 2;
    }
  }
  const corpora = await corpusSources(corpus);
  let disagreements = 0;
  for (const release of releases) {
    const binary = promtoolBinary(release);
    console.log(`\n== promtool ${promtoolVersion(binary)} against promgate at ${release}`);
    for (const source of [upstreamTestdata(binary), ...corpora]) {
      const texts = source.files.map((file) => readFileSync(join(source.dir, file), 'utf8'));
      const upstream = promtoolVerdicts(binary, texts);
      const differing = source.files.flatMap((file, index) => {
        const ours = promgateVerdict(release, texts[index]!);
        return agrees(ours, upstream[index]!) ? [] : [{ file, ours, upstream: upstream[index]! }];
      });
      console.log(`${source.name}: ${source.files.length} files, ${source.files.length - differing.length} agree`);
      for (const { file, ours, upstream: theirs } of differing) {
        console.log(`  ${file}\n    promtool: ${describe(theirs)}\n    promgate: ${describe(ours)}`);
      }
      disagreements += differing.length;
    }
  }
  console.log(`\n${disagreements} disagreement(s)`);
  return disagreements === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
