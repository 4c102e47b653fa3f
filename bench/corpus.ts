// Where the upstream test data lives: `../shared/corpus/` beside the checkout (the project's
// layout), overridable with PROMGATE_CORPUS for checkouts elsewhere, and last the development
// machine's shared folder, so that a scratch clone (`git clone … /tmp/ci && /tmp/ci/.ci/run`)
// finds it too. Used by the benchmark and by the tests; a missing corpus is a loud failure, never
// a silently skipped test.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root, whether this file runs from source (bench/) or compiled (dist/bench/). */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

function locateCorpus(): string {
  const candidates = [
    process.env['PROMGATE_CORPUS'],
    resolve(repositoryRoot(), '../shared/corpus'),
    '/work/shared/corpus',
  ].filter((candidate): candidate is string => candidate !== undefined && candidate !== '');
  const found = candidates.find((candidate) => existsSync(join(candidate, 'daemonsets')));
  if (!found) {
    throw new Error(`upstream test corpus not found (looked in ${candidates.join(', ')}); set PROMGATE_CORPUS`);
  }
  return found;
}

export const CORPUS_DIR = locateCorpus();

/** A path inside the corpus, e.g. `corpusPath('daemonsets', 'INDEX.tsv')`. */
export function corpusPath(...parts: string[]): string {
  return join(CORPUS_DIR, ...parts);
}
