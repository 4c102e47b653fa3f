import t from 'tap';
import { parseGoDurationMs } from '../../src/common/go-duration.js';
import { parseTimeoutParameter } from '../../src/admission/review.js';
import { parseDurationFlag } from '../../src/cli/usage.js';

t.test('Go duration text', async (t) => {
  const valid: Array<[string, number]> = [
    ['0', 0],
    ['0s', 0],
    ['10s', 10_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['1m0s', 60_000],
    ['1h30m', 5_400_000],
    ['250us', 0.25],
  ];
  for (const [text, ms] of valid) t.equal(parseGoDurationMs(text), ms, text);
  for (const text of ['', '10', 's', '-1s', '1d', '1 s', '1s ', '5x', '1.s.']) {
    t.equal(parseGoDurationMs(text), undefined, `${JSON.stringify(text)} is no Go duration`);
  }
});

t.test('the ?timeout= parameter and duration flags read it the same way', async (t) => {
  t.equal(parseTimeoutParameter('10s'), 10_000);
  t.equal(parseTimeoutParameter(' 30s '), 30_000, 'surrounding space is tolerated in a query parameter');
  t.equal(parseTimeoutParameter(['10s']), undefined, 'a repeated parameter is not a duration');
  t.equal(parseTimeoutParameter('soon'), undefined);
  t.equal(parseDurationFlag('0', '--audit-interval', 300_000), 0, '--audit-interval 0 turns the audit off');
  t.equal(parseDurationFlag(undefined, '--audit-interval', 300_000), 300_000);
  t.throws(() => parseDurationFlag('5 minutes', '--audit-interval', 0), {
    message: '--audit-interval: expected a duration such as 30s, 5m or 1h30m, got "5 minutes"',
  });
});
