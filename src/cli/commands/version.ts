// `promgate version` (and `promgate --version`): the release, read from the package.json that
// ships beside the code, so the number is never written twice.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT_OK, parseFlags, writeLine, type Command } from '../usage.js';

/** The nearest package.json above this file: the repository's, or the container image's /app one. */
export function promgateVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === 'promgate' && manifest.version) return manifest.version;
    } catch {
      // No package.json here (or not ours): look one folder up.
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

export const versionCommand: Command = {
  usage: 'promgate version\n\nPrints the release of promgate (also: promgate --version).',
  async run(argv, io) {
    parseFlags(argv, {}, false);
    writeLine(io.stdout, `promgate ${promgateVersion()}`);
    return EXIT_OK;
  },
};
