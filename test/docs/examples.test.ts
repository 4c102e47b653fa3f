// What the documents show promgate printing is what it prints. Every ```console block in the
// README, docs/ and examples/ runs its `$ promgate …` lines (at the default configuration, from the
// repository's root) and must print exactly the lines shown under them; and every file in
// examples/ gets the verdict examples/README.md gives it.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

const ROOT = join(import.meta.dirname, '../..');
// Paths in the documents are relative to the repository's root.
process.chdir(ROOT);

function markdownFiles(): string[] {
  const docs = readdirSync('docs', { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => join('docs', file));
  return ['README.md', 'examples/README.md', ...docs];
}

interface Example {
  file: string;
  command: string;
  expected: string;
}

/** How a document runs promgate: installed, or from a clone. */
const PROMGATE = /^\$ (promgate|npm run --silent promgate --) /;

/** `$ promgate ARGS` lines of ```console blocks, each with the output shown under it. */
function consoleExamples(file: string): Example[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^```console\n([\s\S]*?)^```$/gm)].flatMap((block) =>
    (block[1] ?? '')
      .split(/^(?=\$ )/m)
      .filter((part) => PROMGATE.test(part))
      .map((part) => {
        const [command = '', ...output] = part.split('\n');
        return { file, command: command.slice(2), expected: output.join('\n') };
      }),
  );
}

t.test('every promgate command a document shows prints what the document says', async (t) => {
  const examples = markdownFiles().flatMap(consoleExamples);
  t.ok(examples.length >= 4, `${examples.length} commands shown in the documents`);
  for (const { file, command, expected } of examples) {
    const argv = `$ ${command}`.replace(PROMGATE, '').split(' ');
    const result = await runCli(argv);
    t.equal(result.stdout + result.stderr, expected, `${file}: ${command}`);
  }
});

/** check's verdict on a line of its own, before any reason (`: namespace … excluded`) and the policies that judged. */
const VERDICTS = 'allowed after patch|allowed|DENIED|not covered|not admitted through promgate';
const VERDICT = new RegExp(`: (${VERDICTS})(?:: [^\\n(]*)?(?: \\([^)\\n]*\\))?$`, 'm');

function verdictOf(output: string): string | undefined {
  return VERDICT.exec(output)?.[1];
}

t.test('each example gets the verdict examples/README.md gives it', async (t) => {
  const rows = [
    ...readFileSync('examples/README.md', 'utf8').matchAll(
      new RegExp(`^\\| \\[[^\\]]+\\]\\(([^)]+)\\) +\\|[^|]+\\| (${VERDICTS}) +\\| (${VERDICTS}) +\\|$`, 'gm'),
    ),
  ].map((row) => ({ file: join('examples', row[1] ?? ''), mutated: row[2], asWritten: row[3] }));
  const listed = rows.map((row) => row.file).sort();
  const present = ['daemonsets', 'configmaps']
    .flatMap((folder) => readdirSync(join('examples', folder)).map((file) => join('examples', folder, file)))
    .sort();
  t.same(listed, present, 'every DaemonSet and ConfigMap example is listed, and every listed file exists');
  for (const { file, mutated, asWritten } of rows) {
    t.equal(verdictOf((await runCli(['check', file])).stdout), mutated, `check ${file}`);
    t.equal(verdictOf((await runCli(['check', '--no-mutate', file])).stdout), asWritten, `check --no-mutate ${file}`);
  }
});
