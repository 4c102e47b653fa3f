// The bench's verdicts are computed, never written down: these check the computation on figures
// made up for the purpose (no timing here; `npm run bench` measures).
import t from 'tap';
import { stormRatios, type HostileMeasurement } from '../../bench/hostile.js';
import { judgeFigure, judgeTargets, TARGETS, verdictLine, type Target } from '../../bench/targets.js';

const target = (comparison: Target['comparison'], bound: number): Target => ({
  figure: 'daemonSetShareOfCeiling',
  what: 'a figure',
  comparison,
  bound,
});

t.test('each comparison at, below and above its bound', async (t) => {
  t.equal(judgeFigure(target('atLeast', 0.7), 0.7), 'met', 'at least: the bound itself');
  t.equal(judgeFigure(target('atLeast', 0.7), 0.69), 'not met');
  t.equal(judgeFigure(target('atLeast', 0.7), 1.3), 'met');
  t.equal(judgeFigure(target('atMost', 60), 60), 'met', 'at most: the bound itself');
  t.equal(judgeFigure(target('atMost', 60), 61), 'not met');
  t.equal(judgeFigure(target('atMost', 0), 0), 'met', 'no bad answer');
  t.equal(judgeFigure(target('atMost', 0), 1), 'not met', 'one bad answer');
  t.equal(judgeFigure(target('below', 1), 1), 'not met', 'below: as slow as promtool is not faster');
  t.equal(judgeFigure(target('below', 1), 0.99), 'met');
  t.equal(judgeFigure(target('below', 5), 4), 'met');
});

t.test('a figure the run could not produce is not measured, never met', async (t) => {
  t.equal(judgeFigure(target('atMost', 60), undefined), 'not measured');
  t.equal(judgeFigure(target('atLeast', 0.5), Number.NaN), 'not measured', 'e.g. 0/0 requests');
  const judged = judgeTargets(TARGETS, {});
  t.equal(judged.length, TARGETS.length, 'every target is reported');
  t.ok(
    judged.every((row) => row.verdict === 'not measured'),
    'no figures: nothing met',
  );
});

t.test('judgeTargets pairs each target with its own figure', async (t) => {
  const judged = judgeTargets(TARGETS, {
    daemonSetShareOfCeiling: { value: 0.72, detail: 'CPU beside the ceiling' },
    smallConfigMapShareOfCeiling: { value: 0.42, detail: '' },
    checkConfigBigVsPromtool: { value: undefined, detail: 'promtool unavailable: no Go' },
  });
  const byFigure = new Map(judged.map((row) => [row.figure, row]));
  t.equal(byFigure.get('daemonSetShareOfCeiling')?.verdict, 'met');
  t.equal(byFigure.get('smallConfigMapShareOfCeiling')?.verdict, 'not met');
  t.equal(byFigure.get('checkConfigBigVsPromtool')?.verdict, 'not measured');
  t.match(
    verdictLine(byFigure.get('daemonSetShareOfCeiling')!),
    /^met +DaemonSet .*: 0\.72 \(target ≥ 0\.70\); CPU beside/,
  );
  t.match(verdictLine(byFigure.get('smallConfigMapShareOfCeiling')!), /^not met +.*: 0\.42 \(target ≥ 0\.50\)$/);
  t.match(verdictLine(byFigure.get('checkConfigBigVsPromtool')!), /^not measured +.*: n\/a .*promtool unavailable/);
});

t.test('the targets are SPEC §6 as restated, each figure judged once', async (t) => {
  const figures = TARGETS.map((row) => row.figure);
  t.equal(new Set(figures).size, figures.length, 'no figure judged twice');
  const bound = (figure: string): number | undefined => TARGETS.find((row) => row.figure === figure)?.bound;
  t.equal(bound('daemonSetShareOfCeiling'), 0.7);
  t.equal(bound('smallConfigMapShareOfCeiling'), 0.5);
  t.equal(bound('validateBigMedianMs'), 60);
  t.equal(bound('validateStaticTargetsMedianMs'), 60);
  t.equal(bound('hostileSlowestMs'), 1_000);
  t.equal(bound('stormWorstVsCeiling'), 1.2);
});

t.test('storms are paired with the same storm on the ceiling', async (t) => {
  const row = (scenario: string, server: 'promgate' | 'ceiling', ms: number): HostileMeasurement => ({
    scenario,
    server,
    kind: 'storm',
    bodyBytes: 1,
    ms,
    answer: '',
  });
  const ratios = stormRatios([
    row('ceiling: 1000 new TLS connections at once', 'ceiling', 1_000),
    row('1000 new TLS connections at once', 'promgate', 1_100),
    row('ceiling: 2000 new TLS connections at once', 'ceiling', 2_000),
    row('2000 new TLS connections at once', 'promgate', 3_000),
    { ...row('promYaml: alias bomb', 'promgate', 5), kind: 'request' },
  ]);
  t.same(
    ratios.map(({ scenario, ratio }) => [scenario, ratio]),
    [
      ['1000 new TLS connections at once', 1.1],
      ['2000 new TLS connections at once', 1.5],
    ],
  );
});
