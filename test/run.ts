// Runs compiled tap test files, each in its own Node.js process, several at once; prints each
// file's verdict and time, the whole output of every file that failed, and last the totals as
// `N passed, N failed`.
//
// Why not tap's own runner: it starts each test file, and every Node.js process or worker thread a
// test starts in turn, with two ESM loader hooks (@tapjs/mock's and @tapjs/processinfo's, the
// latter even with coverage off), which Node.js 20 runs on a separate thread for every module a
// process loads. Measured on the whole suite that nearly doubled its CPU time; the tests need
// neither hook, and each file is a plain tap script that prints TAP when run with `node`.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Parser } from 'tap-parser';
import type { FinalResults, Result } from 'tap-parser';
import { usableCpus } from '../src/server/cpu-limit.js';

const USAGE = `usage: node dist/test/run.js [--jobs N] [--timeout SECONDS] [--slow] [FILE|FOLDER ...]

Runs every *.test.js under the folders (default dist/test), or the files named. --slow runs only
the *.slow.test.js files, which are otherwise left out.`;

interface FileOutcome {
  file: string;
  ok: boolean;
  passed: number;
  failed: number;
  seconds: number;
  /** What the file printed (stdout then stderr), shown when it failed. */
  output: string;
  /** Why the file failed beyond its failed assertions (exit status, timeout, no test points, a
   *  broken TAP stream such as a missing plan). */
  problem: string | undefined;
}

interface Options {
  jobs: number;
  timeoutSeconds: number;
  slow: boolean;
  roots: string[];
}

function parseOptions(argv: string[]): Options {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      jobs: { type: 'string' },
      timeout: { type: 'string' },
      slow: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const positive = (flag: string, text: string | undefined, fallback: number): number => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`--${flag} must be a positive whole number, not ${text}`);
    return value;
  };
  return {
    // Several test files wait on timers, sockets and child processes: one more file than there
    // are CPUs to use (the container's limit, as the worker pool counts them) keeps them busy
    // while one of them waits.
    jobs: positive('jobs', values.jobs, usableCpus() + 1),
    timeoutSeconds: positive('timeout', values.timeout, 120),
    slow: values.slow,
    roots: positionals.length > 0 ? positionals : ['dist/test'],
  };
}

function testFiles(roots: string[], slow: boolean): string[] {
  const selected = (name: string): boolean => name.endsWith('.test.js') && name.endsWith('.slow.test.js') === slow;
  const files: string[] = [];
  const visit = (path: string, named: boolean): void => {
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) visit(join(path, entry), false);
    } else if (named || selected(path)) {
      files.push(path);
    }
  };
  for (const root of roots) visit(root, true);
  return files;
}

/** Counts the test points of a TAP stream at every level of subtests. */
function countTestPoints(parser: Parser, totals: { passed: number; failed: number }): void {
  parser.on('assert', (result: Result) => {
    if (result.ok || result.todo || result.skip) totals.passed++;
    else totals.failed++;
  });
  parser.on('child', (child: Parser) => countTestPoints(child, totals));
}

function runFile(file: string, timeoutSeconds: number): Promise<FileOutcome> {
  const started = process.hrtime.bigint();
  const totals = { passed: 0, failed: 0 };
  const parser = new Parser();
  countTestPoints(parser, totals);
  // Set when the parser ends (synchronously, on parser.end()).
  let tapError: string | undefined;
  parser.on('complete', (results: FinalResults) => {
    if (!results.ok) tapError = results.failures.find((failure) => failure.tapError)?.tapError ?? 'not ok';
  });
  const output: Buffer[] = [];
  const errors: Buffer[] = [];
  // Its own process group, so that a timeout also stops what the test itself started.
  const child = spawn(process.execPath, [file], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, TAP_TIMEOUT: String(timeoutSeconds) },
  });
  child.stdout.on('data', (chunk: Buffer) => {
    output.push(chunk);
    parser.write(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
  const stopGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // The group has already gone.
    }
  };
  // At the timeout tap's own timer fails the file, reporting what was still running; the file
  // is stopped only if it has not ended a while after that.
  let stopped = false;
  const grace = Math.min(timeoutSeconds, 10);
  const timer = setTimeout(
    () => {
      stopped = true;
      stopGroup('SIGTERM');
      setTimeout(() => stopGroup('SIGKILL'), 5_000).unref();
    },
    (timeoutSeconds + grace) * 1000,
  );
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      parser.end();
      const problem = stopped
        ? `still running ${grace} s after its ${timeoutSeconds} s`
        : code !== 0 && totals.failed === 0
          ? `exited with ${signal ?? `status ${code}`}`
          : totals.passed + totals.failed === 0
            ? 'printed no test points'
            : tapError !== undefined && totals.failed === 0
              ? `its TAP is not valid: ${tapError}`
              : undefined;
      resolve({
        file,
        ok: problem === undefined && totals.failed === 0,
        passed: totals.passed,
        failed: totals.failed,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        output: Buffer.concat(output).toString() + Buffer.concat(errors).toString(),
        problem,
      });
    });
  });
}

function report(outcome: FileOutcome): void {
  const verdict = outcome.ok ? 'ok  ' : 'FAIL';
  const counts = `${outcome.passed} passed${outcome.failed > 0 ? `, ${outcome.failed} failed` : ''}`;
  const problem = outcome.problem === undefined ? '' : `; ${outcome.problem}`;
  console.log(`${verdict} ${outcome.seconds.toFixed(1).padStart(6)} s  ${outcome.file} (${counts}${problem})`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const files = testFiles(options.roots, options.slow);
  if (files.length === 0) throw new Error(`no test files under ${options.roots.join(', ')}`);
  const started = Date.now();
  const outcomes: FileOutcome[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const outcome = await runFile(files[next++]!, options.timeoutSeconds);
      report(outcome);
      outcomes.push(outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.jobs, files.length) }, worker));
  const failedFiles = outcomes.filter((outcome) => !outcome.ok);
  for (const outcome of failedFiles) {
    console.log(`\n=== ${outcome.file}: ${outcome.problem ?? `${outcome.failed} failed`}\n${outcome.output}`);
  }
  const passed = outcomes.reduce((sum, outcome) => sum + outcome.passed, 0);
  // A file that failed without a failed assertion (a crash, a timeout) still counts as one failure.
  const failed = outcomes.reduce((sum, outcome) => sum + (outcome.ok ? 0 : Math.max(outcome.failed, 1)), 0);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(`\n# ${files.length} files (${failedFiles.length} failed) in ${seconds} s, ${options.jobs} at a time`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failedFiles.length > 0 ? 1 : 0;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  console.error(USAGE);
  process.exitCode = 2;
});
