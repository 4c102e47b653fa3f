// The real kubectl (scripts/tool's build), run as a user would run it: the scenarios assert on
// its exit code, on what it prints, and on the objects it reads back.
import { spawn } from 'node:child_process';
import { toolPath } from '../../fixtures/tools.js';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class Kubectl {
  readonly #binary = toolPath('kubectl');

  constructor(readonly kubeconfig: string) {}

  /** Runs kubectl; `input` goes to its stdin (for `-f -`). Never throws for a non-zero exit. */
  run(args: readonly string[], input?: string): Promise<KubectlResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.#binary, ['--kubeconfig', this.kubeconfig, ...args], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.once('error', reject);
      child.once('close', (code) =>
        resolve({
          code: code ?? -1,
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
        }),
      );
      // A kubectl that exits without reading its input (a command that takes none, or an early
      // failure) closes the pipe first: the EPIPE says nothing its exit code and stderr do not.
      child.stdin.on('error', () => undefined);
      child.stdin.end(input ?? '');
    });
  }

  /** Runs kubectl and fails with its stderr unless it exits 0. */
  async ok(args: readonly string[], input?: string): Promise<string> {
    const result = await this.run(args, input);
    if (result.code !== 0) {
      throw new Error(`kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`);
    }
    return result.stdout;
  }

  /** `kubectl get -o json` of one object, parsed. */
  async getJson<T = Record<string, unknown>>(resource: string, name: string, namespace?: string): Promise<T> {
    const scope = namespace === undefined ? [] : ['-n', namespace];
    return JSON.parse(await this.ok(['get', resource, name, ...scope, '-o', 'json'])) as T;
  }
}
