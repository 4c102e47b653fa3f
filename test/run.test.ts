// The test runner behind `npm test` (test/run.ts): its totals, verdicts and exit status.
import t from 'tap';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNNER = fileURLToPath(new URL('./run.js', import.meta.url));
const CASES = fileURLToPath(new URL('./support/runner-cases', import.meta.url));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [RUNNER, ...args], (error, stdout, stderr) => {
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
    });
  });
}

t.test('passing files: every test point counted, subtests included, exit 0', async (t) => {
  const { code, stdout } = await run([join(CASES, 'passes.js')]);
  t.equal(code, 0);
  // The subtest's own assertion, the subtest's closing point, and the top-level assertion.
  t.match(stdout, /^ok .*passes\.js \(3 passed\)$/m);
  t.match(stdout, /\n3 passed, 0 failed\n$/);
});

t.test('a failed assertion fails its file, and its output is shown', async (t) => {
  const { code, stdout } = await run([join(CASES, 'passes.js'), join(CASES, 'fails.js')]);
  t.equal(code, 1);
  t.match(stdout, /^FAIL .*fails\.js \(1 passed, 1 failed\)$/m);
  t.match(stdout, /=== .*fails\.js: 1 failed\nTAP version 14\nnot ok 1 - this one fails/);
  t.match(stdout, /\n4 passed, 1 failed\n$/);
});

t.test('a file that exits early fails without a failed assertion and counts as one failure', async (t) => {
  const { code, stdout } = await run([join(CASES, 'crashes.js')]);
  t.equal(code, 1);
  t.match(stdout, /^FAIL .*crashes\.js \(1 passed; exited with status 3\)$/m);
  t.match(stdout, /\n1 passed, 1 failed\n$/);
});

t.test('a file without test points, or without a plan, fails', async (t) => {
  const silent = await run([join(CASES, 'silent.js')]);
  t.equal(silent.code, 1);
  t.match(silent.stdout, /^FAIL .*silent\.js \(0 passed; printed no test points\)$/m);
  const unplanned = await run([join(CASES, 'unplanned.js')]);
  t.equal(unplanned.code, 1);
  t.match(unplanned.stdout, /^FAIL .*unplanned\.js \(1 passed; its TAP is not valid: no plan\)$/m);
});

t.test('a file that never ends is stopped by tap at the timeout and fails', async (t) => {
  const { code, stdout } = await run(['--timeout', '1', join(CASES, 'hangs.js')]);
  t.equal(code, 1);
  t.match(stdout, /^FAIL .*hangs\.js \(0 passed, \d+ failed; still running 1 s after its 1 s\)$/m);
  t.match(stdout, /timeout!/);
  t.match(stdout, /\n\d+ passed, [1-9]\d* failed\n$/);
});

t.test('folders are searched for *.test.js; --slow runs the *.slow.test.js files instead', async (t) => {
  // Inside the cases' folder, so that the copies find tap.
  const folder = mkdtempSync(join(CASES, 'folder-'));
  t.teardown(() => rmSync(folder, { recursive: true, force: true }));
  mkdirSync(join(folder, 'nested'));
  copyFileSync(join(CASES, 'passes.js'), join(folder, 'nested', 'quick.test.js'));
  copyFileSync(join(CASES, 'fails.js'), join(folder, 'storm.slow.test.js'));
  copyFileSync(join(CASES, 'fails.js'), join(folder, 'helper.js'));
  const quick = await run([folder]);
  t.equal(quick.code, 0);
  t.match(quick.stdout, /nested\/quick\.test\.js/);
  t.notMatch(quick.stdout, /storm|helper/);
  const slow = await run(['--slow', folder]);
  t.equal(slow.code, 1);
  t.match(slow.stdout, /storm\.slow\.test\.js/);
  t.notMatch(slow.stdout, /quick|helper/);
});

t.test('bad flags and an empty selection are refused with the usage', async (t) => {
  const badJobs = await run(['--jobs', '0', join(CASES, 'passes.js')]);
  t.equal(badJobs.code, 2);
  t.match(badJobs.stderr, /--jobs must be a positive whole number, not 0\n.*usage: /);
  const empty = await run([CASES]);
  t.equal(empty.code, 2, 'the cases themselves are not named *.test.js');
  t.match(empty.stderr, /no test files under /);
});
