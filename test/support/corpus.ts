// Where the upstream test data lives: `../shared/corpus/` beside the checkout (the project's
// layout), overridable with PROMGATE_CORPUS for checkouts elsewhere. A missing corpus is a loud
// failure, never a silently skipped test.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REPOSITORY_ROOT = resolve(import.meta.dirname, '../..');

function locateCorpus(): string {
  const candidates = [
    process.env['PROMGATE_CORPUS'],
    join(REPOSITORY_ROOT, '../shared/corpus'),
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
