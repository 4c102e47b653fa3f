// The repeat loop behind certificate renewal and the background audit: stopping aborts the
// round in progress through its signal and waits for it to end; no round starts after a stop.
import t from 'tap';
import { repeatEvery } from '../../src/common/periodic.js';

t.test('stop aborts the round in progress and resolves once it has ended', async (t) => {
  let roundEnded = false;
  let sawAbort = false;
  const stop = repeatEvery(
    (signal) =>
      new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => {
          sawAbort = true;
          setImmediate(() => {
            roundEnded = true;
            resolve();
          });
        });
      }),
    { intervalMs: 60_000, immediately: true },
  );
  await stop();
  t.ok(sawAbort, 'the round saw the abort');
  t.ok(roundEnded, 'stop waited for the round to end');
});

t.test('a round that ignores the signal is still waited for', async (t) => {
  let release!: () => void;
  let finished = false;
  const stop = repeatEvery(
    () =>
      new Promise<void>((resolve) => {
        release = () => {
          finished = true;
          resolve();
        };
      }),
    { intervalMs: 60_000, immediately: true },
  );
  const stopped = stop();
  let stopResolved = false;
  void stopped.then(() => (stopResolved = true));
  await new Promise((resolve) => setImmediate(resolve));
  t.notOk(stopResolved, 'stop is still waiting');
  release();
  await stopped;
  t.ok(finished, 'the round finished its work');
});

t.test('rounds repeat until stopped, and none starts afterwards', async (t) => {
  // The loop's timers are unref'd (they must not keep a server alive): this test keeps itself alive.
  const keepAlive = setInterval(() => undefined, 1_000);
  t.teardown(() => clearInterval(keepAlive));
  let rounds = 0;
  let stop!: () => Promise<void>;
  const thirdRound = new Promise<void>((resolve) => {
    stop = repeatEvery(
      async () => {
        rounds += 1;
        if (rounds === 3) resolve();
      },
      { intervalMs: 1, immediately: true },
    );
  });
  await thirdRound;
  await stop();
  const atStop = rounds;
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.equal(rounds, atStop, 'no round after stop');
  t.ok(atStop >= 3);
});
