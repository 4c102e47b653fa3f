// Go strings are byte strings; JavaScript strings are UTF-16. A Go string that is not valid UTF-8
// (e.g. a `!!binary` scalar) is carried here with each invalid byte as a lone surrogate
// U+DC80..U+DCFF ("surrogate escape"), so it round-trips into Go's `%q` and UTF-8 validity checks.

const ESCAPED_BYTE_BASE = 0xdc00;

/** Bytes → string, invalid UTF-8 bytes surrogate-escaped. */
export function bytesToGoString(bytes: Uint8Array): string {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const first = bytes[i]!;
    const length = first < 0x80 ? 1 : first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc2 ? 2 : 0;
    let char: string | undefined;
    if (length > 0 && i + length <= bytes.length) {
      try {
        char = decoder.decode(bytes.subarray(i, i + length));
      } catch {
        char = undefined;
      }
    }
    if (char === undefined) {
      out += String.fromCharCode(ESCAPED_BYTE_BASE + first);
      i += 1;
    } else {
      out += char;
      i += length;
    }
  }
  return out;
}

/** Go's utf8.ValidString. */
export function isValidUtf8(text: string): boolean {
  // Most strings hold no surrogate at all: then there is no pair to remove and nothing to find.
  if (!/[\uD800-\uDFFF]/.test(text)) return true;
  return !/[\uD800-\uDFFF]/u.test(text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''));
}

const ESCAPES = new Map<number, string>([
  [0x07, '\\a'],
  [0x08, '\\b'],
  [0x0c, '\\f'],
  [0x0a, '\\n'],
  [0x0d, '\\r'],
  [0x09, '\\t'],
  [0x0b, '\\v'],
  [0x5c, '\\\\'],
  [0x22, '\\"'],
]);

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0');
}

function isPrintable(char: string): boolean {
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(char);
}

/** Go's `%q`. */
export function goQuote(text: string): string {
  let out = '"';
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    const escape = ESCAPES.get(codePoint);
    if (escape !== undefined) out += escape;
    else if (codePoint >= 0xdc80 && codePoint <= 0xdcff) out += `\\x${hex(codePoint - ESCAPED_BYTE_BASE, 2)}`;
    else if (isPrintable(char)) out += char;
    else if (codePoint < 0x80) out += `\\x${hex(codePoint, 2)}`;
    else if (codePoint <= 0xffff) out += `\\u${hex(codePoint, 4)}`;
    else out += `\\U${hex(codePoint, 8)}`;
  }
  return out + '"';
}

/** Go's `%v` of a float64 (strconv.FormatFloat(f, 'g', -1, 64)): shortest digits, exponent form
 *  from 1e+06 up and below 1e-04, with a signed two-digit exponent. */
export function goFloat(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  if (exponent >= -4 && exponent < 6) return String(value);
  const [mantissa, power] = value.toExponential().split('e') as [string, string];
  const sign = power.startsWith('-') ? '-' : '+';
  return `${mantissa}e${sign}${power.replace(/^[+-]/, '').padStart(2, '0')}`;
}
