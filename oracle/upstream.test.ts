// `npm run test:oracle`: CI's comparison of promgate with upstream promtool, as a tap suite. It runs
// the two oracle commands (compare.ts on upstream's config/testdata and the shared corpora, fuzz.ts
// on generated configurations) at the releases of PROMGATE_ORACLE_RELEASES and turns every source
// and every release into an assertion, so a disagreement fails CI and names itself. promtool
// builds come from scripts/tool's cache (.ci/run builds them in a stage of their own).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { REPOSITORY_ROOT } from '../fixtures/repository.js';

/** The oldest release ARMS users migrate from, the 3.x LTS of the shared corpus, the newest. */
const RELEASES = (process.env['PROMGATE_ORACLE_RELEASES'] ?? '2.55,3.5,3.16').split(',').filter(Boolean);
/** Bounded so a warm CI run stays short (about a minute); the seed is random and printed, so runs add coverage. */
const FUZZ_RUNS = process.env['PROMGATE_ORACLE_FUZZ_RUNS'] ?? '1000';

function runOracle(script: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [join(REPOSITORY_ROOT, 'dist/oracle', script), ...args], {
    cwd: REPOSITORY_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, output: result.stdout };
}

t.test("upstream's config/testdata and the shared corpora", async (t) => {
  const { status, output } = runOracle('compare.js', RELEASES);
  t.comment(output.trim());
  const sources = [...output.matchAll(/^(.+): (\d+) files, (\d+) agree$/gm)];
  t.ok(sources.length >= RELEASES.length, `at least one source per release (${RELEASES.join(', ')})`);
  for (const [, name, files, agreeing] of sources) {
    t.ok(Number(files) > 0, `${name}: has files`);
    t.equal(Number(agreeing), Number(files), `${name}: promgate agrees with promtool on every file`);
  }
  t.equal(status, 0, 'npm run oracle exits 0');
});

t.test('differential fuzzing', async (t) => {
  const { status, output } = runOracle('fuzz.js', ['--runs', FUZZ_RUNS, '--releases', RELEASES.join(',')]);
  t.comment(output.trim());
  const releases = [...output.matchAll(/^(\S+): (\d+) tried .*, (\d+) disagreement\(s\)$/gm)];
  t.same(
    releases.map(([, release]) => release),
    RELEASES,
    'every release judged by both',
  );
  for (const [, release, tried, disagreements] of releases) {
    t.equal(Number(tried), Number(FUZZ_RUNS), `${release}: ${FUZZ_RUNS} configurations tried`);
    t.equal(Number(disagreements), 0, `${release}: promgate and promtool agree on each`);
  }
  t.equal(status, 0, 'npm run oracle:fuzz exits 0');
});
