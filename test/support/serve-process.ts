// `promgate serve` as a child process, the way `npm start` and Kubernetes run it (it needs the
// build in dist/, which `npm ci` makes): its ports come from its "promgate serving" log line.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPOSITORY_ROOT } from '../../fixtures/repository.js';

export const CLI = join(REPOSITORY_ROOT, 'dist/src/cli/main.js');

export interface ServeProcess {
  child: ChildProcess;
  port: number;
  metricsPort: number;
  /** Worker threads it judges large objects in, as it logged them. */
  workers: number;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Resolves when the process has logged a line with this message. */
  logged(message: string): Promise<void>;
}

/**
 * The environment a promgate process runs in from a test: the test's own minus the module loaders
 * tap preloads through NODE_OPTIONS. Those serve tap's bookkeeping, not promgate, and would cost the
 * process and each of its workers about a second of CPU.
 */
export function productionEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const options = (env.NODE_OPTIONS ?? '')
    .split(/\s+/)
    .filter((option) => option !== '' && !option.includes('@tapjs/'));
  return { ...env, NODE_OPTIONS: options.join(' ') };
}

export async function startServeProcess(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--shutdown-delay', '0s', ...args],
    { stdio: ['ignore', 'pipe', 'inherit'], env: productionEnv(env) },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const seen = new Set<string>();
  const waiting = new Map<string, () => void>();
  const lines = createInterface({ input: child.stdout! });
  const ports = await new Promise<{ port: number; metricsPort: number; workers: number }>((resolve, reject) => {
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as { msg: string; port?: number; metricsPort?: number; workers?: number };
      seen.add(entry.msg);
      waiting.get(entry.msg)?.();
      if (entry.msg === 'promgate serving') {
        resolve({ port: entry.port ?? 0, metricsPort: entry.metricsPort ?? 0, workers: entry.workers ?? -1 });
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited early with ${code}`)));
  });
  const logged = (message: string): Promise<void> =>
    seen.has(message) ? Promise.resolve() : new Promise((resolve) => waiting.set(message, resolve));
  return { child, ...ports, exited, logged };
}
