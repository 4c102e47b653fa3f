// `promgate serve` that cannot start must say why in one line and exit 2 on its own, as a process:
// a pod whose container stays up with nothing listening is Running and never Ready, and its
// logs show a stack trace instead of the cause. Needs the build in dist/ (`npm run build`).
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCertificateSet } from '../../src/certs/files.js';
import { runCli } from '../support/cli.js';
import { CLI, productionEnv } from '../support/serve-process.js';

// Each test starts several node processes with worker threads: on a shared 2-core machine that
// alone can pass tap's default 120 s per file, which is for a hang, not for a slow start.
t.setTimeout(300_000);

/** Far beyond closing what it started: a process still running then is held open by something. */
const HUNG_AFTER_REPORT_MS = 20_000;

interface Ended {
  code: number | null | 'still running after reporting the error';
  stderr: string;
}

function serve(args: string[]): Promise<Ended> {
  // Worker threads on purpose: they are what kept a failed start-up alive.
  const child = spawn(process.execPath, [CLI, 'serve', '--host', '127.0.0.1', '--workers', '2', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: productionEnv(),
  });
  let stderr = '';
  let watchdog: NodeJS.Timeout | undefined;
  return new Promise((resolve) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      watchdog ??= setTimeout(() => {
        child.kill('SIGKILL');
        resolve({ code: 'still running after reporting the error', stderr });
      }, HUNG_AFTER_REPORT_MS);
    });
    child.on('exit', (code) => {
      clearTimeout(watchdog);
      resolve({ code, stderr });
    });
  });
}

function occupiedPort(t: Test): Promise<number> {
  const server: Server = createServer();
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

const dir = mkdtempSync(join(tmpdir(), 'promgate-startup-'));
const [one, other] = [join(dir, 'one'), join(dir, 'other')];
await writeCertificateSet(one);
await writeCertificateSet(other);
const notADirectory = join(dir, 'a-file');
writeFileSync(notADirectory, '');

type Case = [what: string, args: string[], cause: RegExp];

function expectOneLine(t: Test, what: string, ended: Ended, cause: RegExp): void {
  t.equal(ended.code, 2, `${what}: exits with code 2`);
  const lines = ended.stderr.trimEnd().split('\n');
  t.equal(lines.length, 1, `${what}: one line on stderr`);
  t.notMatch(ended.stderr, /\n\s+at /, `${what}: no stack trace`);
  t.match(lines[0]?.replace(/^promgate serve: /, ''), cause, `${what}: says what is wrong`);
}

t.test('a process that cannot start says why in one line and exits 2 by itself', async (t) => {
  const busy = await occupiedPort(t);
  // Each fails after the worker threads started: what once kept the process alive.
  const cases: Case[] = [
    [
      'webhook port in use',
      ['--port', String(busy), '--metrics-port', '0', '--cert-dir', one],
      new RegExp(
        `^--port ${busy}: cannot listen on 127\\.0\\.0\\.1:${busy} for the webhooks: address already in use \\(EADDRINUSE\\)$`,
      ),
    ],
    [
      'missing certificate',
      ['--port', '0', '--tls-cert', join(dir, 'missing.crt'), '--tls-key', join(one, 'tls.key')],
      /^cannot read certificate .*missing\.crt: no such file or directory \(ENOENT\)$/,
    ],
    [
      'key of another certificate',
      ['--port', '0', '--tls-cert', join(one, 'tls.crt'), '--tls-key', join(other, 'tls.key')],
      /^.*other\/tls\.key is not the private key of the certificate in .*one\/tls\.crt$/,
    ],
  ];
  // Side by side: each process spends its time loading modules, and the machine may be busy.
  const ended = await Promise.all(cases.map(([, args]) => serve(args)));
  for (const [index, [what, , cause]] of cases.entries()) expectOneLine(t, what, ended[index]!, cause);
});

t.test('the other start-up errors, in-process: the same one line and exit code 2', async (t) => {
  const busy = await occupiedPort(t);
  const cases: Case[] = [
    [
      'metrics port in use',
      ['--port', '0', '--metrics-port', String(busy), '--cert-dir', one],
      new RegExp(
        `^--metrics-port ${busy}: cannot listen on 127\\.0\\.0\\.1:${busy} for the probes: address already in use`,
      ),
    ],
    [
      'certificate folder that cannot be created',
      ['--port', '0', '--cert-dir', join(notADirectory, 'certs')],
      /^cannot create a development certificate set in .*a-file\/certs: not a directory \(ENOTDIR\)$/,
    ],
    [
      'missing config',
      ['--port', '0', '--config', join(dir, 'missing.yaml'), '--cert-dir', one],
      /^cannot read config file .*missing\.yaml: no such file or directory \(ENOENT\)$/,
    ],
  ];
  for (const [what, args, cause] of cases) {
    const result = await runCli(['serve', '--host', '127.0.0.1', '--workers', '1', ...args]);
    expectOneLine(t, what, result, cause);
  }
});
