// units.Base2Bytes (alecthomas/units), used for body_size_limit: `100MB`, `1.5GiB`, `0`.
// A bare number is an error (`units: unknown unit  in 100`): the unit is mandatory.
import type { FieldType } from '../schema/decoder.js';
import { parsedString } from '../schema/types.js';

const PREFIXES = ['', 'K', 'M', 'G', 'T', 'P', 'E'];

function unitMap(suffix: string): Map<string, number> {
  return new Map(PREFIXES.map((prefix, power) => [prefix === '' ? 'B' : prefix + suffix, 1024 ** power]));
}
/** `KiB`, `MiB`… are tried first, then the traditional `KB`, `MB`… (both base 2). */
const IEC_UNITS = unitMap('iB');
const LEGACY_UNITS = unitMap('B');

function parseUnit(text: string, units: Map<string, number>): number | { error: string } {
  const invalid = { error: `units: invalid ${text}` };
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return invalid;
  let total = 0;
  while (rest !== '') {
    const number = /^([0-9]*)(?:\.([0-9]*))?/.exec(rest)!;
    const whole = number[1] ?? '';
    const fraction = number[2];
    if (whole === '' && (fraction === undefined || fraction === '')) return invalid;
    rest = rest.slice(number[0].length);
    const unit = /^[^.0-9]*/.exec(rest)![0];
    rest = rest.slice(unit.length);
    const multiplier = units.get(unit);
    if (multiplier === undefined) return { error: `units: unknown unit ${unit} in ${text}` };
    total += Number(`${whole === '' ? '0' : whole}.${fraction ?? ''}0`) * multiplier;
  }
  return negative ? -total : total;
}

export function parseBase2Bytes(text: string): number | { error: string } {
  const iec = parseUnit(text, IEC_UNITS);
  return typeof iec === 'number' ? iec : parseUnit(text, LEGACY_UNITS);
}

export const base2Bytes: FieldType<number> = parsedString('units.Base2Bytes', 0, (text) => parseBase2Bytes(text), {
  unmarshaler: 'text',
});

const SI_PREFIXES = ['', 'K', 'M', 'G', 'T', 'P', 'E'];

/** Base2Bytes.String (units.ToString with scale 1024): `1KiB512B`, a negative amount `-1KiB-512B`. */
export function formatBase2Bytes(bytes: number): string {
  let rest = BigInt(Math.trunc(bytes));
  const parts: string[] = [];
  for (const [power, prefix] of SI_PREFIXES.entries()) {
    const remainder = rest % 1024n;
    if (remainder !== 0n || (power === 0 && rest === 0n))
      parts.unshift(`${remainder}${prefix}${power === 0 ? 'B' : 'iB'}`);
    rest /= 1024n;
    if (rest === 0n) break;
  }
  return parts.join('');
}
