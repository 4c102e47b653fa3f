// Prometheus durations (prometheus/common model.ParseDuration): `1h30m`, `90s`, `0`; units
// y w d h m s ms, biggest first, integers only. The parser was rewritten in common 0.42
// (Prometheus 2.43): same language, more precise messages, e.g. `unknown unit "." in duration
// "1.5h"` where older releases said `not a valid duration string: "1.5h"`.
import type { DecodeContext, FieldType } from '../schema/decoder.js';
import { parsedString } from '../schema/types.js';
import { goQuote } from './go-string.js';

const MS_PER_UNIT: ReadonlyArray<readonly [string, bigint]> = [
  ['y', 365n * 24n * 3600n * 1000n],
  ['w', 7n * 24n * 3600n * 1000n],
  ['d', 24n * 3600n * 1000n],
  ['h', 3600n * 1000n],
  ['m', 60n * 1000n],
  ['s', 1000n],
  ['ms', 1n],
];
const NANOS_PER_MS = 1_000_000n;
const MAX_NANOS = 2n ** 63n - 1n;
/** First Prometheus release with common's rewritten parser. */
export const DETAILED_DURATION_ERRORS_SINCE = '2.43';

export type DurationResult = { ms: number } | { error: string };

function parseLegacy(text: string): DurationResult {
  const match =
    /^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$/.exec(text);
  if (!match) return { error: `not a valid duration string: ${goQuote(text)}` };
  let nanos = 0n;
  for (const [index, [, msPerUnit]] of MS_PER_UNIT.entries()) {
    const digits = match[index + 1];
    if (digits === undefined) continue;
    nanos += BigInt(digits) * msPerUnit * NANOS_PER_MS;
    if (BigInt(digits) > MAX_NANOS / msPerUnit / NANOS_PER_MS || nanos > MAX_NANOS)
      return { error: 'duration out of range' };
  }
  return { ms: Number(nanos / NANOS_PER_MS) };
}

function parseDetailed(text: string): DurationResult {
  const invalid = (): DurationResult => ({ error: `not a valid duration string: ${goQuote(text)}` });
  let rest = text;
  let nanos = 0n;
  let lastUnitIndex = -1;
  while (rest !== '') {
    const digits = /^[0-9]*/.exec(rest)![0];
    if (digits === '') return invalid();
    rest = rest.slice(digits.length);
    const unit = /^[^0-9]*/.exec(rest)![0];
    if (unit === '') return invalid();
    rest = rest.slice(unit.length);
    // Go's ParseUint fails on more than 20 digits before the unit is even looked at.
    if (BigInt(digits) > 2n ** 64n - 1n) return invalid();
    const unitIndex = MS_PER_UNIT.findIndex(([name]) => name === unit);
    if (unitIndex < 0) return { error: `unknown unit ${goQuote(unit)} in duration ${goQuote(text)}` };
    if (unitIndex <= lastUnitIndex) return invalid();
    lastUnitIndex = unitIndex;
    const nanosPerUnit = MS_PER_UNIT[unitIndex]![1] * NANOS_PER_MS;
    if (BigInt(digits) > 2n ** 63n / nanosPerUnit) return { error: 'duration out of range' };
    nanos += BigInt(digits) * nanosPerUnit;
    if (nanos > MAX_NANOS) return { error: 'duration out of range' };
  }
  return { ms: Number(nanos / NANOS_PER_MS) };
}

/** Parsed durations by text, one map per parser: a config repeats the same few (`30s`, `1m`)
 *  hundreds of times. Results are frozen (shared) and depend on nothing but the text and the parser,
 *  so the cache cannot change a verdict; it is bounded so hostile input cannot grow it. */
const parsedDurations = new Map<(text: string) => DurationResult, Map<string, DurationResult>>([
  [parseDetailed, new Map()],
  [parseLegacy, new Map()],
]);
const PARSED_DURATIONS_LIMIT = 1_000;

/** model.ParseDuration as the given release's prometheus/common implements it. */
export function parseDuration(text: string, ctx: DecodeContext): DurationResult {
  if (text === '0') return { ms: 0 };
  if (text === '') return { error: 'empty duration string' };
  const parse = ctx.atLeast(DETAILED_DURATION_ERRORS_SINCE) ? parseDetailed : parseLegacy;
  const cache = parsedDurations.get(parse)!;
  let result = cache.get(text);
  if (result === undefined) {
    result = Object.freeze(parse(text));
    if (cache.size >= PARSED_DURATIONS_LIMIT) cache.clear();
    cache.set(text, result);
  }
  return result;
}

/** model.Duration, decoded to milliseconds. */
export const duration: FieldType<number> = parsedString('model.Duration', 0, (text, ctx) => {
  const result = parseDuration(text, ctx);
  return 'error' in result ? result : result.ms;
});

/** model.Duration.String(): `1m`, `1h30m`, `90d`; years and weeks only when exact. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  const units: Array<[string, number, boolean]> = [
    ['y', 365 * 24 * 3600 * 1000, true],
    ['w', 7 * 24 * 3600 * 1000, true],
    ['d', 24 * 3600 * 1000, false],
    ['h', 3600 * 1000, false],
    ['m', 60 * 1000, false],
    ['s', 1000, false],
    ['ms', 1, false],
  ];
  for (const [unit, size, onlyWhenExact] of units) {
    if (onlyWhenExact && rest % size !== 0) continue;
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}
