// No Docker engine runs the tests, so the Dockerfile is read: stages, base images, what reaches
// the final image, the user it runs as, and that the build context holds what the COPYs need.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { MANIFESTS, REPO_ROOT, render } from './render.js';
import { promgateContainer } from './inspect.js';

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Instructions with continuation lines joined and comments dropped, split into stages. */
function parseDockerfile(text: string): { globalArgs: Map<string, string>; stages: Stage[] } {
  const logicalLines = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of logicalLines) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args };
    const current = stages.at(-1);
    if (instruction.keyword === 'FROM') {
      const [, image = '', name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      const resolved = image.replace(/\$\{(\w+)\}/g, (_, variable: string) => globalArgs.get(variable) ?? '');
      stages.push({ image: resolved, name, instructions: [] });
    } else if (current === undefined) {
      if (instruction.keyword !== 'ARG') throw new Error(`only ARG may precede the first FROM: ${line}`);
      const [variable = '', value = ''] = args.split('=');
      globalArgs.set(variable, value);
    } else {
      current.instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

const dockerfile = parseDockerfile(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'));
const { stages } = dockerfile;
const finalStage = stages.at(-1);
if (finalStage === undefined) throw new Error('Dockerfile has no FROM');
const runs = (stage: Stage): string[] => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
const only = (stage: Stage, keyword: string): Instruction[] => stage.instructions.filter((i) => i.keyword === keyword);

t.test('base images: one pinned Node.js LTS major on Debian slim', async (t) => {
  t.ok(stages.length >= 2, 'multi-stage');
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
  const minimumMajor = Number(/>=\s*(\d+)/.exec(pkg.engines.node)?.[1]);
  for (const stage of stages) {
    const match = /^node:(\d+)-(bookworm|trixie)-slim(@sha256:[0-9a-f]{64})?$/.exec(stage.image);
    t.ok(match, `${stage.image}: node:<major>-<debian>-slim, never latest/lts/current`);
    const major = Number(match?.[1]);
    t.ok(major >= minimumMajor, `Node.js ${major} satisfies engines ${pkg.engines.node}`);
    t.ok(major >= 22, `Node.js ${major} is still supported (20 left support in April 2026)`);
  }
  t.equal(new Set(stages.map((stage) => stage.image)).size, 1, 'every stage builds on the same image');
});

t.test('dependencies: all of them to compile, production ones only in the image', async (t) => {
  const buildStage = stages.find((stage) => runs(stage).some((run) => /npm ci(?!.*--omit=dev)/.test(run)));
  t.ok(buildStage, 'a stage runs a full `npm ci` (the prepare script compiles TypeScript)');
  const depsStage = stages.find((stage) => runs(stage).some((run) => /npm ci .*--omit=dev/.test(run)));
  t.ok(depsStage?.name, 'a named stage installs production dependencies only');
  t.notOk(
    runs(finalStage).some((run) => /\bnpm (ci|install|i)\b/.test(run)),
    'the final stage installs nothing',
  );
  const copies = only(finalStage, 'COPY').map((copy) => copy.args);
  t.ok(
    copies.some((copy) => copy.includes(`--from=${depsStage?.name ?? '?'}`) && copy.includes('node_modules')),
    'node_modules come from the production-only stage',
  );
  t.ok(
    copies.some((copy) => copy.includes(`--from=${buildStage?.name ?? '?'}`) && copy.includes('dist/')),
    'compiled code comes from the build stage',
  );
  for (const copy of copies.filter((c) => !c.includes('--from='))) {
    t.match(copy, /^package\.json\s/, `only package.json comes from the context: ${copy}`);
  }
});

t.test('runs as a numeric non-root user, as the Deployment expects', async (t) => {
  const users = only(finalStage, 'USER');
  t.equal(users.length, 1);
  const [uid, gid] = (users[0]?.args ?? '').split(':').map(Number);
  t.ok(Number.isInteger(uid) && (uid ?? 0) > 0, 'numeric uid, not root: runAsNonRoot can verify it');
  t.ok(gid === undefined || (Number.isInteger(gid) && gid > 0));
  const { container } = promgateContainer(render(MANIFESTS));
  t.equal(container.securityContext?.runAsUser, uid, 'the manifests run the same uid');
});

t.test('entrypoint', async (t) => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  const [entrypoint] = only(finalStage, 'ENTRYPOINT');
  const [cmd] = only(finalStage, 'CMD');
  t.same(JSON.parse(entrypoint?.args ?? 'null'), ['node', pkg.bin['promgate']], 'exec form, the package bin');
  t.same(JSON.parse(cmd?.args ?? 'null'), ['serve']);
  t.ok(existsSync(join(REPO_ROOT, 'src', 'cli', 'main.ts')), 'the entry point is compiled from src/cli/main.ts');
});

t.test('.dockerignore: an allow-list that covers every COPY from the context', async (t) => {
  const rules = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  t.equal(rules[0], '*', 'everything is excluded first (certs/, .git, node_modules, dist, tests)');
  const allowed = rules.filter((rule) => rule.startsWith('!')).map((rule) => rule.slice(1).replace(/\/$/, ''));
  const contextSources = stages
    .flatMap((stage) => only(stage, 'COPY'))
    .filter((copy) => !copy.args.includes('--from='))
    .flatMap((copy) =>
      copy.args
        .split(/\s+/)
        .filter((word) => !word.startsWith('--'))
        .slice(0, -1),
    );
  for (const source of contextSources) {
    t.ok(allowed.includes(source.replace(/\/$/, '')), `${source} is in the build context`);
    t.ok(existsSync(join(REPO_ROOT, source)), `${source} exists`);
  }
  t.notOk(
    allowed.some((path) => path.startsWith('certs')),
    'no certificates or keys in the context',
  );
});
