// SPEC §6's targets, defined once: each names one figure `npm run bench` measures and the bound it
// must keep. The verdicts it prints are computed here from those figures, nothing else.

/** The figures the targets judge; each is a ratio or a comparison measured in the same run. */
export type FigureName =
  | 'checkConfigSmallVsPromtool'
  | 'checkConfigBigVsPromtool'
  | 'validateBigMedianMs'
  | 'validateStaticTargetsMedianMs'
  | 'daemonSetShareOfCeiling'
  | 'daemonSetP99Ms'
  | 'smallConfigMapShareOfCeiling'
  | 'smallConfigMapP99Ms'
  | 'p99BesideBigMs'
  | 'hostileSlowestMs'
  | 'hostileBadAnswers'
  | 'stormWorstVsCeiling';

/** How a figure must compare with its bound. */
export type Comparison = 'atLeast' | 'atMost' | 'below';

export interface Target {
  figure: FigureName;
  what: string;
  comparison: Comparison;
  bound: number;
}

export const TARGETS: readonly Target[] = [
  {
    figure: 'checkConfigSmallVsPromtool',
    what: '`check-config` on a small ARMS config, whole process, vs promtool --syntax-only',
    comparison: 'below',
    bound: 1,
  },
  {
    figure: 'checkConfigBigVsPromtool',
    what: '`check-config` on a 1 MiB config of static targets, whole process, vs promtool --syntax-only',
    comparison: 'below',
    bound: 1,
  },
  {
    figure: 'validateBigMedianMs',
    what: "1 MiB config (promgate's own) through /validate, median ms",
    comparison: 'atMost',
    bound: 60,
  },
  {
    figure: 'validateStaticTargetsMedianMs',
    what: '1 MiB config of static targets through /validate, median ms',
    comparison: 'atMost',
    bound: 60,
  },
  {
    figure: 'daemonSetShareOfCeiling',
    what: 'DaemonSet /mutate throughput, share of the ceiling',
    comparison: 'atLeast',
    bound: 0.7,
  },
  { figure: 'daemonSetP99Ms', what: 'DaemonSet /mutate p99 ms at that load', comparison: 'below', bound: 5 },
  {
    figure: 'smallConfigMapShareOfCeiling',
    what: 'small ARMS ConfigMap /validate throughput, share of the ceiling',
    comparison: 'atLeast',
    bound: 0.5,
  },
  {
    figure: 'smallConfigMapP99Ms',
    what: 'small ARMS ConfigMap /validate p99 ms at that load',
    comparison: 'below',
    bound: 5,
  },
  {
    figure: 'p99BesideBigMs',
    what: 'small-request p99 ms while 1 MiB configs are in flight',
    comparison: 'below',
    bound: 50,
  },
  {
    figure: 'hostileSlowestMs',
    what: 'slowest answer to a hostile input (connection storms apart), ms',
    comparison: 'atMost',
    bound: 1_000,
  },
  {
    figure: 'hostileBadAnswers',
    what: 'hostile inputs and storm requests not answered well-formed',
    comparison: 'atMost',
    bound: 0,
  },
  {
    figure: 'stormWorstVsCeiling',
    what: "connection storms: promgate's time vs the ceiling's in the same run, the worst storm",
    comparison: 'atMost',
    bound: 1.2,
  },
];

export type Verdict = 'met' | 'not met' | 'not measured';

/** A figure against its target; undefined or NaN (a tool missing, nothing answered) is not measured. */
export function judgeFigure(target: Target, value: number | undefined): Verdict {
  if (value === undefined || Number.isNaN(value)) return 'not measured';
  switch (target.comparison) {
    case 'atLeast':
      return value >= target.bound ? 'met' : 'not met';
    case 'atMost':
      return value <= target.bound ? 'met' : 'not met';
    case 'below':
      return value < target.bound ? 'met' : 'not met';
  }
}

/** A figure as measured, and what to print beside it (the inputs of a ratio, why it is missing). */
export interface Figure {
  value: number | undefined;
  detail: string;
}

export interface JudgedTarget extends Target, Figure {
  verdict: Verdict;
}

/** Every target judged against its figure; a figure the run did not produce is not measured. */
export function judgeTargets(targets: readonly Target[], figures: Partial<Record<FigureName, Figure>>): JudgedTarget[] {
  return targets.map((target) => {
    const figure = figures[target.figure] ?? { value: undefined, detail: 'not measured in this run' };
    return { ...target, ...figure, verdict: judgeFigure(target, figure.value) };
  });
}

const SYMBOL: Record<Comparison, string> = { atLeast: '≥', atMost: '≤', below: '<' };

/** "not met      DaemonSet …: 0.62 (target ≥ 0.70); detail". */
export function verdictLine(judged: JudgedTarget): string {
  const value = judged.value === undefined || Number.isNaN(judged.value) ? 'n/a' : formatFigure(judged.value);
  return (
    `${judged.verdict.padEnd(12)} ${judged.what}: ${value} ` +
    `(target ${SYMBOL[judged.comparison]} ${formatFigure(judged.bound)})${judged.detail ? `; ${judged.detail}` : ''}`
  );
}

/** Two significant decimals for ratios, whole numbers for milliseconds and counts. */
function formatFigure(value: number): string {
  return Number.isInteger(value) || Math.abs(value) >= 10 ? value.toFixed(0) : value.toFixed(2);
}
