// Go's regexp/syntax parser (parse.go), ported for one question: does Go's regexp.Compile accept
// this expression, and if not, with which error? It runs in time linear in the expression's length
// and never compiles a program. It builds Go's parse tree (literal runs merged, alternations
// factored) because Go's limits on size and nesting are measured on that tree, not on the text.
//
// Two things are not modelled rune for rune: the Unicode tables behind \p{…} and case folding of
// non-ASCII runes under (?i). A \p{…} name is looked up by re2js, the engine promgate runs relabel
// rules with; where either could move the verdict (only near Go's size and nesting limits), the
// parse answers `undecided` and the caller asks re2js for the whole expression.
import { RE2JS } from 're2js';

const ErrInvalidCharRange = 'invalid character class range';
const ErrInvalidEscape = 'invalid escape sequence';
const ErrInvalidNamedCapture = 'invalid named capture';
const ErrInvalidPerlOp = 'invalid or unsupported Perl syntax';
const ErrInvalidRepeatOp = 'invalid nested repetition operator';
const ErrInvalidRepeatSize = 'invalid repeat count';
const ErrMissingBracket = 'missing closing ]';
const ErrMissingParen = 'missing closing )';
const ErrMissingRepeatArgument = 'missing argument to repetition operator';
const ErrTrailingBackslash = 'trailing backslash at end of expression';
const ErrUnexpectedParen = 'unexpected )';
const ErrNestingDepth = 'expression nests too deeply';
const ErrLarge = 'expression too large';

// Go's Op values: their order matters (pseudo-ops above real ones, simpler classes below richer).
const OpNoMatch = 1;
const OpEmptyMatch = 2;
const OpLiteral = 3;
const OpCharClass = 4;
const OpAnyCharNotNL = 5;
const OpAnyChar = 6;
const OpBeginLine = 7;
const OpEndLine = 8;
const OpBeginText = 9;
const OpEndText = 10;
const OpWordBoundary = 11;
const OpNoWordBoundary = 12;
const OpCapture = 13;
const OpStar = 14;
const OpPlus = 15;
const OpQuest = 16;
const OpRepeat = 17;
const OpConcat = 18;
const OpAlternate = 19;
const opPseudo = 128;
const opLeftParen = opPseudo;
const opVerticalBar = opPseudo + 1;

// Go's parse flags.
const FoldCase = 1;
const ClassNL = 4;
const DotNL = 8;
const OneLine = 16;
const NonGreedy = 32;
const PerlX = 64;
const UnicodeGroups = 128;
const WasDollar = 256;
/** The flags regexp.Compile parses with (syntax.Perl). */
const Perl = ClassNL | OneLine | PerlX | UnicodeGroups;

const MAX_HEIGHT = 1000;
/** 128 MiB of 40-byte instructions. */
const MAX_SIZE = Math.floor((128 << 20) / 40);
/** 128 MiB of 4-byte runes. */
const MAX_RUNES = (128 << 20) / 4;
const MAX_RUNE = 0x10ffff;
/** The lowest and highest runes that case folding involves. */
const MIN_FOLD = 0x41;
const MAX_FOLD = 0x1e943;
/** Rune slots a \p{…} class may add: the largest Unicode table, negated and case-folded, is smaller. */
const UNICODE_CLASS_RUNES_BOUND = 4096;

interface Node {
  op: number;
  flags: number;
  runes: number[];
  subs: Node[];
  min: number;
  max: number;
  cap: number;
  name: string;
  /** Go's parser caches heights and sizes in maps keyed by node; kept on the node here, -1 for
   *  none. A reused node keeps its stale size (Go's size map is not told) but loses its height. */
  height: number;
  size: number;
}

export type GoRegexpVerdict =
  /** Accepted; `programSize` estimates the compiled program's instructions as Go's parser does. */
  | { kind: 'valid'; programSize: number }
  | { kind: 'invalid'; message: string }
  /** Within reach of a limit that depends on Unicode data this port leaves to re2js. */
  | { kind: 'undecided' };

class SyntaxError_ {
  constructor(
    readonly code: string,
    readonly expr: string,
  ) {}
}

class Undecided {}

const perlGroups: ReadonlyMap<string, { sign: number; class: readonly number[] }> = new Map([
  ['\\d', { sign: +1, class: [0x30, 0x39] }],
  ['\\D', { sign: -1, class: [0x30, 0x39] }],
  ['\\s', { sign: +1, class: [0x9, 0xa, 0xc, 0xd, 0x20, 0x20] }],
  ['\\S', { sign: -1, class: [0x9, 0xa, 0xc, 0xd, 0x20, 0x20] }],
  ['\\w', { sign: +1, class: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a] }],
  ['\\W', { sign: -1, class: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a] }],
]);

const POSIX_CLASSES: Record<string, readonly number[]> = {
  alnum: [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
  alpha: [0x41, 0x5a, 0x61, 0x7a],
  ascii: [0x0, 0x7f],
  blank: [0x9, 0x9, 0x20, 0x20],
  cntrl: [0x0, 0x1f, 0x7f, 0x7f],
  digit: [0x30, 0x39],
  graph: [0x21, 0x7e],
  lower: [0x61, 0x7a],
  print: [0x20, 0x7e],
  punct: [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
  space: [0x9, 0xd, 0x20, 0x20],
  upper: [0x41, 0x5a],
  word: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
  xdigit: [0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
};

const posixGroups: ReadonlyMap<string, { sign: number; class: readonly number[] }> = new Map(
  Object.entries(POSIX_CLASSES).flatMap(([name, runes]) => [
    [`[:${name}:]`, { sign: +1, class: runes }],
    [`[:^${name}:]`, { sign: -1, class: runes }],
  ]),
);

/** \p{…} names re2js knows, asked once per name. */
const unicodeClassNames = new Map<string, boolean>();

function isKnownUnicodeClass(name: string): boolean {
  let known = unicodeClassNames.get(name);
  if (known === undefined) {
    try {
      RE2JS.compile(`\\p{${name}}`);
      known = true;
    } catch {
      known = false;
    }
    // Names are short words; a flood of distinct junk names must not grow the map without bound.
    if (unicodeClassNames.size < 1024) unicodeClassNames.set(name, known);
  }
  return known;
}

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function unhex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

function isValidCaptureName(name: string): boolean {
  if (name === '') return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c !== 0x5f && !isAlnum(c)) return false;
  }
  return true;
}

function isCharClass(re: Node): boolean {
  return (
    (re.op === OpLiteral && re.runes.length === 1) ||
    re.op === OpCharClass ||
    re.op === OpAnyCharNotNL ||
    re.op === OpAnyChar
  );
}

function matchRune(re: Node, r: number): boolean {
  switch (re.op) {
    case OpLiteral:
      return re.runes.length === 1 && re.runes[0] === r;
    case OpCharClass:
      for (let i = 0; i < re.runes.length; i += 2) if (re.runes[i]! <= r && r <= re.runes[i + 1]!) return true;
      return false;
    case OpAnyCharNotNL:
      return r !== 0x0a;
    case OpAnyChar:
      return true;
  }
  return false;
}

function runesEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Go's Regexp.Equal. */
function equal(x: Node, y: Node): boolean {
  if (x.op !== y.op) return false;
  switch (x.op) {
    case OpEndText:
      return (x.flags & WasDollar) === (y.flags & WasDollar);
    case OpLiteral:
    case OpCharClass:
      return (x.flags & FoldCase) === (y.flags & FoldCase) && runesEqual(x.runes, y.runes);
    case OpAlternate:
    case OpConcat:
      return x.subs.length === y.subs.length && x.subs.every((sub, i) => equal(sub, y.subs[i]!));
    case OpStar:
    case OpPlus:
    case OpQuest:
      return (x.flags & NonGreedy) === (y.flags & NonGreedy) && equal(x.subs[0]!, y.subs[0]!);
    case OpRepeat:
      return (
        (x.flags & NonGreedy) === (y.flags & NonGreedy) &&
        x.min === y.min &&
        x.max === y.max &&
        equal(x.subs[0]!, y.subs[0]!)
      );
    case OpCapture:
      return x.cap === y.cap && x.name === y.name && equal(x.subs[0]!, y.subs[0]!);
  }
  return true;
}

/** Go's repeatIsValid: nested counted repetitions may not multiply past n copies. */
function repeatIsValid(re: Node, n: number): boolean {
  if (re.op === OpRepeat) {
    let m = re.max;
    if (m === 0) return true;
    if (m < 0) m = re.min;
    if (m > n) return false;
    if (m > 0) n = Math.floor(n / m);
  }
  return re.subs.every((sub) => repeatIsValid(sub, n));
}

/** Go's calcSize without its cache: the program size of a finished tree. */
function programSize(re: Node): number {
  let size = 0;
  switch (re.op) {
    case OpLiteral:
      size = re.runes.length;
      break;
    case OpCapture:
    case OpStar:
      size = 2 + programSize(re.subs[0]!);
      break;
    case OpPlus:
    case OpQuest:
      size = 1 + programSize(re.subs[0]!);
      break;
    case OpConcat:
      for (const sub of re.subs) size += programSize(sub);
      break;
    case OpAlternate:
      for (const sub of re.subs) size += programSize(sub);
      if (re.subs.length > 1) size += re.subs.length - 1;
      break;
    case OpRepeat: {
      const sub = programSize(re.subs[0]!);
      if (re.max === -1) size = re.min === 0 ? 2 + sub : 1 + re.min * sub;
      else size = re.max * sub + (re.max - re.min);
      break;
    }
  }
  return Math.max(1, size);
}

// --- Character classes: pairs of runes [lo, hi, lo, hi, …] -------------------------------------

/** Go's appendRange: extends one of the last two ranges when it overlaps or abuts. */
function appendRange(r: number[], lo: number, hi: number): number[] {
  const n = r.length;
  for (let i = 2; i <= 4; i += 2) {
    if (n >= i) {
      const rlo = r[n - i]!;
      const rhi = r[n - i + 1]!;
      if (lo <= rhi + 1 && rlo <= hi + 1) {
        if (lo < rlo) r[n - i] = lo;
        if (hi > rhi) r[n - i + 1] = hi;
        return r;
      }
    }
  }
  r.push(lo, hi);
  return r;
}

/** Go's cleanClass: sorted by low end (longer first on ties), overlapping and abutting merged. */
function cleanClass(r: number[]): number[] {
  const pairs = r.length / 2;
  if (pairs < 2) return r;
  // One sortable number per range: low end first, then the higher high end first.
  const keys = new Float64Array(pairs);
  for (let i = 0; i < pairs; i++) keys[i] = r[2 * i]! * 0x400000 + (0x3fffff - r[2 * i + 1]!);
  keys.sort();
  const out: number[] = [];
  for (const key of keys) {
    const lo = Math.floor(key / 0x400000);
    const hi = 0x3fffff - (key - lo * 0x400000);
    const w = out.length;
    if (w > 0 && lo <= out[w - 1]! + 1) {
      if (hi > out[w - 1]!) out[w - 1] = hi;
      continue;
    }
    out.push(lo, hi);
  }
  return out;
}

function negateClass(r: readonly number[]): number[] {
  const out: number[] = [];
  let nextLo = 0;
  for (let i = 0; i < r.length; i += 2) {
    if (nextLo <= r[i]! - 1) out.push(nextLo, r[i]! - 1);
    nextLo = r[i + 1]! + 1;
  }
  if (nextLo <= MAX_RUNE) out.push(nextLo, MAX_RUNE);
  return out;
}

function appendClass(r: number[], x: readonly number[]): number[] {
  for (let i = 0; i < x.length; i += 2) r = appendRange(r, x[i]!, x[i + 1]!);
  return r;
}

function appendNegatedClass(r: number[], x: readonly number[]): number[] {
  let nextLo = 0;
  for (let i = 0; i < x.length; i += 2) {
    if (nextLo <= x[i]! - 1) r = appendRange(r, nextLo, x[i]! - 1);
    nextLo = x[i + 1]! + 1;
  }
  if (nextLo <= MAX_RUNE) r = appendRange(r, nextLo, MAX_RUNE);
  return r;
}

/** What the parse loop treats other than as a literal: ( | ) ^ $ . [ * + ? { and backslash. */
const PARSE_SPECIAL: ReadonlySet<number> = new Set([...'(|)^$.[*+?{\\'].map((char) => char.charCodeAt(0)));

/** Shared and frozen: a node's runes or subs are replaced, never grown, unless it made them. */
const NO_RUNES = Object.freeze([]) as unknown as number[];
const NO_SUBS = Object.freeze([]) as unknown as Node[];

/** Rune slots a class may collect before it is cleaned early (cleaning is idempotent, so the
 *  result is Go's; this only keeps a class of a million distinct runes from holding them all). */
const CLEAN_CLASS_EARLY = 1 << 16;

// --- The parser ----------------------------------------------------------------------------------

class Parser {
  flags = Perl;
  readonly stack: Node[] = [];
  private readonly free: Node[] = [];
  private numCap = 0;
  private numRegexp = 0;
  private numRunes = 0;
  /** Rune slots of \p{…} classes, which this port does not expand: an upper bound. */
  private unicodeClassRunes = 0;
  private repeats = 0;
  private measuringHeight = false;
  private measuringSize = false;
  /** Set once the tree may differ from Go's (see the file comment). */
  private approximate = false;
  /** Where the last search for a character found it (or -1 from `from` on): searches for `>`, `}`
   *  and `:]` start ever further right, so remembering keeps them linear in all. */
  private readonly searches = new Map<string, { from: number; at: number }>();

  constructor(readonly whole: string) {}

  fail(code: string, expr: string): never {
    throw new SyntaxError_(code, expr);
  }

  indexFrom(needle: string, from: number): number {
    const last = this.searches.get(needle);
    if (last !== undefined && from >= last.from && (last.at === -1 || last.at >= from)) return last.at;
    const at = this.whole.indexOf(needle, from);
    this.searches.set(needle, { from, at });
    return at;
  }

  // Go's unicode.SimpleFold, exact for the orbits of ASCII letters (including the Kelvin sign and
  // the long s); any other rune in the folding range makes the tree approximate.
  simpleFold(r: number): number {
    if (r >= 0x41 && r <= 0x5a) return r === 0x4b ? 0x6b : r === 0x53 ? 0x73 : r + 0x20;
    if (r >= 0x61 && r <= 0x7a) return r === 0x6b ? 0x212a : r === 0x73 ? 0x17f : r - 0x20;
    if (r === 0x212a) return 0x4b;
    if (r === 0x17f) return 0x53;
    if (r >= 0x80 && r <= MAX_FOLD) this.approximate = true;
    return r;
  }

  minFoldRune(r: number): number {
    if (r < MIN_FOLD || r > MAX_FOLD) return r;
    let m = r;
    for (let f = this.simpleFold(r); f !== r; f = this.simpleFold(f)) m = Math.min(m, f);
    return m;
  }

  appendFoldedRange(r: number[], lo: number, hi: number): number[] {
    if ((lo <= MIN_FOLD && hi >= MAX_FOLD) || hi < MIN_FOLD || lo > MAX_FOLD) return appendRange(r, lo, hi);
    if (lo < MIN_FOLD) {
      r = appendRange(r, lo, MIN_FOLD - 1);
      lo = MIN_FOLD;
    }
    if (hi > MAX_FOLD) {
      r = appendRange(r, MAX_FOLD + 1, hi);
      hi = MAX_FOLD;
    }
    // Go folds rune by rune; this port does so for ASCII and takes the rest as written.
    for (let c = lo; c <= Math.min(hi, 0x7f); c++) {
      r = appendRange(r, c, c);
      for (let f = this.simpleFold(c); f !== c; f = this.simpleFold(f)) r = appendRange(r, f, f);
    }
    if (hi >= 0x80) {
      this.approximate = true;
      r = appendRange(r, Math.max(lo, 0x80), hi);
    }
    return r;
  }

  appendFoldedClass(r: number[], x: readonly number[]): number[] {
    for (let i = 0; i < x.length; i += 2) r = this.appendFoldedRange(r, x[i]!, x[i + 1]!);
    return r;
  }

  appendLiteral(r: number[], x: number, flags: number): number[] {
    return flags & FoldCase ? this.appendFoldedRange(r, x, x) : appendRange(r, x, x);
  }

  newRegexp(op: number): Node {
    let re = this.free.pop();
    if (re !== undefined) {
      re.height = -1;
      re.flags = 0;
      re.runes = NO_RUNES;
      re.subs = NO_SUBS;
      re.min = 0;
      re.max = 0;
      re.cap = 0;
      re.name = '';
    } else {
      re = { op, flags: 0, runes: NO_RUNES, subs: NO_SUBS, min: 0, max: 0, cap: 0, name: '', height: -1, size: -1 };
      this.numRegexp++;
    }
    re.op = op;
    return re;
  }

  reuse(re: Node): void {
    re.height = -1;
    this.free.push(re);
  }

  checkLimits(re: Node): void {
    // Measuring began on an exact tree that has since stopped being exact.
    if (this.approximate && (this.measuringSize || this.measuringHeight)) throw new Undecided();
    this.checkRunes();
    this.checkSize(re);
    this.checkHeight(re);
  }

  checkRunes(): void {
    if (this.numRunes + this.unicodeClassRunes > MAX_RUNES) {
      if (this.numRunes <= MAX_RUNES) throw new Undecided();
      this.fail(ErrLarge, this.whole);
    }
  }

  checkSize(re: Node): void {
    if (!this.measuringSize) {
      // Go starts measuring only once nodes times repetitions could reach the limit.
      if (this.repeats === 0) this.repeats = 1;
      if (re.op === OpRepeat) {
        let n = re.max;
        if (n === -1) n = re.min;
        if (n <= 0) n = 1;
        if (n > Math.floor(MAX_SIZE / this.repeats)) this.repeats = MAX_SIZE;
        else this.repeats *= n;
      }
      const nodes = this.countedNodes();
      if (nodes < Math.floor(MAX_SIZE / this.repeats)) return;
      if (this.approximate) throw new Undecided();
      this.measuringSize = true;
      for (const node of this.stack) this.checkSize(node);
    }
    if (this.calcSize(re, true) > MAX_SIZE) this.fail(ErrLarge, this.whole);
  }

  /** Nodes parsed so far; an approximate tree is measured with a margin, since it may count a few
   *  nodes fewer than Go's. */
  private countedNodes(): number {
    return this.approximate ? 2 * this.numRegexp : this.numRegexp;
  }

  calcSize(re: Node, force: boolean): number {
    if (!force && re.size >= 0) return re.size;
    let size = 0;
    switch (re.op) {
      case OpLiteral:
        size = re.runes.length;
        break;
      case OpCapture:
      case OpStar:
        size = 2 + this.calcSize(re.subs[0]!, false);
        break;
      case OpPlus:
      case OpQuest:
        size = 1 + this.calcSize(re.subs[0]!, false);
        break;
      case OpConcat:
        for (const sub of re.subs) size += this.calcSize(sub, false);
        break;
      case OpAlternate:
        for (const sub of re.subs) size += this.calcSize(sub, false);
        if (re.subs.length > 1) size += re.subs.length - 1;
        break;
      case OpRepeat: {
        const sub = this.calcSize(re.subs[0]!, false);
        if (re.max === -1) size = re.min === 0 ? 2 + sub : 1 + re.min * sub;
        else size = re.max * sub + (re.max - re.min);
        break;
      }
    }
    size = Math.max(1, size);
    re.size = size;
    return size;
  }

  checkHeight(re: Node): void {
    const nodes = this.countedNodes();
    if (nodes < MAX_HEIGHT) return;
    if (this.approximate) throw new Undecided();
    if (!this.measuringHeight) {
      this.measuringHeight = true;
      for (const node of this.stack) this.checkHeight(node);
    }
    if (this.calcHeight(re, true) > MAX_HEIGHT) this.fail(ErrNestingDepth, this.whole);
  }

  calcHeight(re: Node, force: boolean): number {
    if (!force && re.height >= 0) return re.height;
    let h = 1;
    for (const sub of re.subs) h = Math.max(h, 1 + this.calcHeight(sub, false));
    re.height = h;
    return h;
  }

  push(re: Node): Node | undefined {
    this.numRunes += re.runes.length;
    const r = re.runes;
    if (re.op === OpCharClass && r.length === 2 && r[0] === r[1]) {
      if (this.maybeConcat(r[0]!, this.flags & ~FoldCase)) return undefined;
      re.op = OpLiteral;
      re.runes = [r[0]!];
      re.flags = this.flags & ~FoldCase;
    } else if (
      (re.op === OpCharClass &&
        r.length === 4 &&
        r[0] === r[1] &&
        r[2] === r[3] &&
        this.simpleFold(r[0]!) === r[2] &&
        this.simpleFold(r[2]!) === r[0]) ||
      (re.op === OpCharClass &&
        r.length === 2 &&
        r[0]! + 1 === r[1] &&
        this.simpleFold(r[0]!) === r[1] &&
        this.simpleFold(r[1]!) === r[0])
    ) {
      // A case-insensitive rune such as [Aa].
      if (this.maybeConcat(r[0]!, this.flags | FoldCase)) return undefined;
      re.op = OpLiteral;
      re.runes = [r[0]!];
      re.flags = this.flags | FoldCase;
    } else {
      this.maybeConcat(-1, 0);
    }
    this.stack.push(re);
    this.checkLimits(re);
    return re;
  }

  /** Go's maybeConcat: merges the two topmost literals; reports whether it pushed r itself. */
  maybeConcat(r: number, flags: number): boolean {
    const n = this.stack.length;
    if (n < 2) return false;
    const re1 = this.stack[n - 1]!;
    const re2 = this.stack[n - 2]!;
    if (re1.op !== OpLiteral || re2.op !== OpLiteral || (re1.flags & FoldCase) !== (re2.flags & FoldCase)) {
      return false;
    }
    for (const rune of re1.runes) re2.runes.push(rune);
    if (r >= 0) {
      re1.runes = [r];
      re1.flags = flags;
      return true;
    }
    this.stack.pop();
    this.reuse(re1);
    return false;
  }

  literal(r: number): void {
    const re = this.newRegexp(OpLiteral);
    re.flags = this.flags;
    re.runes = [this.flags & FoldCase ? this.minFoldRune(r) : r];
    this.push(re);
  }

  op(op: number): Node {
    const re = this.newRegexp(op);
    re.flags = this.flags;
    // Only character classes can be absorbed by push; these are never one.
    return this.push(re)!;
  }

  /** Go's repeat; `before` is where the operator starts, `after` where its text ends. */
  repeat(op: number, min: number, max: number, before: number, after: number, lastRepeat: number): number {
    let flags = this.flags;
    if (this.flags & PerlX) {
      if (after < this.whole.length && this.whole.charCodeAt(after) === 0x3f) {
        after++;
        flags ^= NonGreedy;
      }
      if (lastRepeat >= 0) this.fail(ErrInvalidRepeatOp, this.whole.slice(lastRepeat, after));
    }
    const n = this.stack.length;
    if (n === 0) this.fail(ErrMissingRepeatArgument, this.whole.slice(before, after));
    const sub = this.stack[n - 1]!;
    if (sub.op >= opPseudo) this.fail(ErrMissingRepeatArgument, this.whole.slice(before, after));
    const re = this.newRegexp(op);
    re.min = min;
    re.max = max;
    re.flags = flags;
    re.subs = [sub];
    this.stack[n - 1] = re;
    this.checkLimits(re);
    if (op === OpRepeat && (min >= 2 || max >= 2) && !repeatIsValid(re, 1000)) {
      this.fail(ErrInvalidRepeatSize, this.whole.slice(before, after));
    }
    return after;
  }

  concat(): Node | undefined {
    this.maybeConcat(-1, 0);
    let i = this.stack.length;
    while (i > 0 && this.stack[i - 1]!.op < opPseudo) i--;
    const subs = this.stack.splice(i);
    if (subs.length === 0) return this.push(this.newRegexp(OpEmptyMatch));
    return this.push(this.collapse(subs, OpConcat));
  }

  alternate(): Node | undefined {
    let i = this.stack.length;
    while (i > 0 && this.stack[i - 1]!.op < opPseudo) i--;
    const subs = this.stack.splice(i);
    if (subs.length > 0) cleanAlt(subs[subs.length - 1]!);
    if (subs.length === 0) return this.push(this.newRegexp(OpNoMatch));
    return this.push(this.collapse(subs, OpAlternate));
  }

  collapse(subs: Node[], op: number): Node {
    if (subs.length === 1) return subs[0]!;
    let re = this.newRegexp(op);
    const collected: Node[] = [];
    for (const sub of subs) {
      if (sub.op === op) {
        for (const inner of sub.subs) collected.push(inner);
        this.reuse(sub);
      } else {
        collected.push(sub);
      }
    }
    re.subs = collected;
    if (op === OpAlternate) {
      re.subs = this.factor(re.subs);
      if (re.subs.length === 1) {
        const old = re;
        re = re.subs[0]!;
        this.reuse(old);
      }
    }
    return re;
  }

  /** Go's factor: common literal prefixes, then common leading classes, then runs of single runes
   *  merged into classes, then runs of empty matches collapsed. */
  factor(sub: Node[]): Node[] {
    if (sub.length < 2) return sub;

    // Round 1: common literal prefixes. `str` is the run's prefix: the first `strLength` runes of
    // the leading string of the run's first branch.
    let str: readonly number[] = NO_RUNES;
    let strLength = 0;
    let strflags = 0;
    let start = 0;
    let out: Node[] = [];
    for (let i = 0; i <= sub.length; i++) {
      let istr: readonly number[] = NO_RUNES;
      let iflags = 0;
      if (i < sub.length) {
        const leading = leadingLiteral(sub[i]!);
        if (leading !== undefined) {
          istr = leading.runes;
          iflags = leading.flags & FoldCase;
        }
        if (iflags === strflags) {
          let same = 0;
          while (same < strLength && same < istr.length && str[same] === istr[same]) same++;
          if (same > 0) {
            strLength = same;
            continue;
          }
        }
      }
      if (i === start) {
        // Nothing to do: a run of length 0.
      } else if (i === start + 1) {
        out.push(sub[start]!);
      } else {
        const prefix = this.newRegexp(OpLiteral);
        prefix.flags = strflags;
        prefix.runes = str.slice(0, strLength);
        for (let j = start; j < i; j++) {
          sub[j] = this.removeLeadingString(sub[j]!, strLength);
          this.checkLimits(sub[j]!);
        }
        const suffix = this.collapse(sub.slice(start, i), OpAlternate);
        const re = this.newRegexp(OpConcat);
        re.subs = [prefix, suffix];
        out.push(re);
      }
      start = i;
      str = istr;
      strLength = istr.length;
      strflags = iflags;
    }
    sub = out;

    // Round 2: common simple first pieces (a class, or a fixed repetition of one).
    start = 0;
    out = [];
    let first: Node | undefined;
    for (let i = 0; i <= sub.length; i++) {
      let ifirst: Node | undefined;
      if (i < sub.length) {
        ifirst = leadingRegexp(sub[i]!);
        if (
          first !== undefined &&
          ifirst !== undefined &&
          equal(first, ifirst) &&
          (isCharClass(first) || (first.op === OpRepeat && first.min === first.max && isCharClass(first.subs[0]!)))
        ) {
          continue;
        }
      }
      if (i === start) {
        // Nothing to do.
      } else if (i === start + 1) {
        out.push(sub[start]!);
      } else {
        const prefix = first!;
        for (let j = start; j < i; j++) {
          sub[j] = this.removeLeadingRegexp(sub[j]!, j !== start);
          this.checkLimits(sub[j]!);
        }
        const suffix = this.collapse(sub.slice(start, i), OpAlternate);
        const re = this.newRegexp(OpConcat);
        re.subs = [prefix, suffix];
        out.push(re);
      }
      start = i;
      first = ifirst;
    }
    sub = out;

    // Round 3: runs of single runes or classes become one class.
    start = 0;
    out = [];
    for (let i = 0; i <= sub.length; i++) {
      if (i < sub.length && isCharClass(sub[i]!)) continue;
      if (i === start) {
        // Nothing to do.
      } else if (i === start + 1) {
        out.push(sub[start]!);
      } else {
        let max = start;
        for (let j = start + 1; j < i; j++) {
          if (
            sub[max]!.op < sub[j]!.op ||
            (sub[max]!.op === sub[j]!.op && sub[max]!.runes.length < sub[j]!.runes.length)
          ) {
            max = j;
          }
        }
        [sub[start], sub[max]] = [sub[max]!, sub[start]!];
        for (let j = start + 1; j < i; j++) {
          this.mergeCharClass(sub[start]!, sub[j]!);
          this.reuse(sub[j]!);
        }
        cleanAlt(sub[start]!);
        out.push(sub[start]!);
      }
      if (i < sub.length) out.push(sub[i]!);
      start = i + 1;
    }
    sub = out;

    // Round 4: runs of empty matches become one.
    out = [];
    for (let i = 0; i < sub.length; i++) {
      if (i + 1 < sub.length && sub[i]!.op === OpEmptyMatch && sub[i + 1]!.op === OpEmptyMatch) continue;
      out.push(sub[i]!);
    }
    return out;
  }

  removeLeadingString(re: Node, n: number): Node {
    if (re.op === OpConcat && re.subs.length > 0) {
      const sub = this.removeLeadingString(re.subs[0]!, n);
      re.subs[0] = sub;
      if (sub.op === OpEmptyMatch) {
        this.reuse(sub);
        switch (re.subs.length) {
          case 0:
          case 1:
            re.op = OpEmptyMatch;
            re.subs = [];
            break;
          case 2: {
            const old = re;
            re = re.subs[1]!;
            this.reuse(old);
            break;
          }
          default:
            re.subs.shift();
        }
      }
      return re;
    }
    if (re.op === OpLiteral) {
      re.runes = re.runes.slice(n);
      if (re.runes.length === 0) re.op = OpEmptyMatch;
    }
    return re;
  }

  removeLeadingRegexp(re: Node, reuse: boolean): Node {
    if (re.op === OpConcat && re.subs.length > 0) {
      if (reuse) this.reuse(re.subs[0]!);
      re.subs.shift();
      switch (re.subs.length) {
        case 0:
          re.op = OpEmptyMatch;
          re.subs = [];
          break;
        case 1: {
          const old = re;
          re = re.subs[0]!;
          this.reuse(old);
        }
      }
      return re;
    }
    if (reuse) this.reuse(re);
    return this.newRegexp(OpEmptyMatch);
  }

  mergeCharClass(dst: Node, src: Node): void {
    switch (dst.op) {
      case OpAnyChar:
        break;
      case OpAnyCharNotNL:
        if (matchRune(src, 0x0a)) dst.op = OpAnyChar;
        break;
      case OpCharClass:
        dst.runes =
          src.op === OpLiteral
            ? this.appendLiteral(dst.runes, src.runes[0]!, src.flags)
            : appendClass(dst.runes, src.runes);
        break;
      case OpLiteral:
        if (src.runes[0] === dst.runes[0] && src.flags === dst.flags) break;
        dst.op = OpCharClass;
        dst.runes = this.appendLiteral([], dst.runes[0]!, dst.flags);
        dst.runes = this.appendLiteral(dst.runes, src.runes[0]!, src.flags);
    }
  }

  swapVerticalBar(): boolean {
    const n = this.stack.length;
    const stack = this.stack;
    if (n >= 3 && stack[n - 2]!.op === opVerticalBar && isCharClass(stack[n - 1]!) && isCharClass(stack[n - 3]!)) {
      let re1 = stack[n - 1]!;
      let re3 = stack[n - 3]!;
      if (re1.op > re3.op) {
        [re1, re3] = [re3, re1];
        stack[n - 3] = re3;
      }
      this.mergeCharClass(re3, re1);
      this.reuse(re1);
      stack.pop();
      return true;
    }
    if (n >= 2) {
      const re1 = stack[n - 1]!;
      const re2 = stack[n - 2]!;
      if (re2.op === opVerticalBar) {
        if (n >= 3) cleanAlt(stack[n - 3]!);
        stack[n - 2] = re1;
        stack[n - 1] = re2;
        return true;
      }
    }
    return false;
  }

  parseVerticalBar(): void {
    this.concat();
    if (!this.swapVerticalBar()) this.op(opVerticalBar);
  }

  parseRightParen(): void {
    this.concat();
    if (this.swapVerticalBar()) this.stack.pop();
    this.alternate();
    const n = this.stack.length;
    if (n < 2) this.fail(ErrUnexpectedParen, this.whole);
    const re1 = this.stack[n - 1]!;
    const re2 = this.stack[n - 2]!;
    this.stack.length = n - 2;
    if (re2.op !== opLeftParen) this.fail(ErrUnexpectedParen, this.whole);
    this.flags = re2.flags;
    if (re2.cap === 0) {
      this.push(re1);
    } else {
      re2.op = OpCapture;
      re2.subs = [re1];
      this.push(re2);
    }
  }

  /** Go's parseRepeat at `at` (a `{`): the bounds and where they end, or undefined when the text is
   *  not a repetition (then `{` is a literal). A bound past 10^8 comes back as -1. */
  parseRepeat(at: number): { min: number; max: number; after: number } | undefined {
    const s = this.whole;
    let i = at + 1;
    const first = this.parseInt(i);
    if (first === undefined) return undefined;
    let min = first.value;
    let max: number;
    i = first.after;
    if (i >= s.length) return undefined;
    if (s[i] !== ',') {
      max = min;
    } else {
      i++;
      if (i >= s.length) return undefined;
      if (s[i] === '}') {
        max = -1;
      } else {
        const second = this.parseInt(i);
        if (second === undefined) return undefined;
        max = second.value;
        i = second.after;
        if (max < 0) min = -1;
      }
    }
    if (i >= s.length || s[i] !== '}') return undefined;
    return { min, max, after: i + 1 };
  }

  parseInt(at: number): { value: number; after: number } | undefined {
    const s = this.whole;
    const isDigit = (i: number) => i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39;
    if (!isDigit(at)) return undefined;
    if (s[at] === '0' && isDigit(at + 1)) return undefined;
    let end = at;
    while (isDigit(end)) end++;
    let value = 0;
    for (let i = at; i < end; i++) {
      if (value >= 1e8) {
        value = -1;
        break;
      }
      value = value * 10 + s.charCodeAt(i) - 0x30;
    }
    return { value, after: end };
  }

  /** Go's parsePerlFlags at a `(?`: a named group, a non-capturing group or flags. */
  parsePerlFlags(at: number): number {
    const s = this.whole;
    const rest = s.length - at;
    const startsWithP = rest > 4 && s[at + 2] === 'P' && s[at + 3] === '<';
    const startsWithName = rest > 3 && s[at + 2] === '<';
    if (startsWithP || startsWithName) {
      const exprStart = startsWithName ? 3 : 4;
      const end = this.indexFrom('>', at);
      if (end < 0) this.fail(ErrInvalidNamedCapture, s.slice(at));
      const capture = s.slice(at, end + 1);
      const name = s.slice(at + exprStart, end);
      if (!isValidCaptureName(name)) this.fail(ErrInvalidNamedCapture, capture);
      this.numCap++;
      const re = this.op(opLeftParen);
      re.cap = this.numCap;
      re.name = name;
      return end + 1;
    }
    let t = at + 2;
    let flags = this.flags;
    let sign = +1;
    let sawFlag = false;
    loop: while (t < s.length) {
      const c = s.codePointAt(t)!;
      t += c > 0xffff ? 2 : 1;
      switch (c) {
        case 0x69: // i
          flags |= FoldCase;
          sawFlag = true;
          break;
        case 0x6d: // m
          flags &= ~OneLine;
          sawFlag = true;
          break;
        case 0x73: // s
          flags |= DotNL;
          sawFlag = true;
          break;
        case 0x55: // U
          flags |= NonGreedy;
          sawFlag = true;
          break;
        case 0x2d: // -
          if (sign < 0) break loop;
          sign = -1;
          // Inverted so that setting a flag above clears it; inverted back at the end.
          flags = ~flags & 0xffff;
          sawFlag = false;
          break;
        case 0x3a: // :
        case 0x29: // )
          if (sign < 0) {
            if (!sawFlag) break loop;
            flags = ~flags & 0xffff;
          }
          if (c === 0x3a) this.op(opLeftParen);
          this.flags = flags;
          return t;
        default:
          break loop;
      }
    }
    return this.fail(ErrInvalidPerlOp, s.slice(at, t));
  }

  /** Go's parseEscape at a backslash: the rune it stands for and where it ends. */
  parseEscape(at: number): [number, number] {
    const s = this.whole;
    let t = at + 1;
    if (t >= s.length) this.fail(ErrTrailingBackslash, '');
    const c = s.codePointAt(t)!;
    t += c > 0xffff ? 2 : 1;
    const isOctal = (i: number) => i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x37;
    switch (c) {
      case 0x31:
      case 0x32:
      case 0x33:
      case 0x34:
      case 0x35:
      case 0x36:
      case 0x37:
      case 0x30: {
        // A lone non-zero digit would be a backreference, which RE2 does not have.
        if (c !== 0x30 && !isOctal(t)) break;
        let r = c - 0x30;
        for (let i = 1; i < 3 && isOctal(t); i++, t++) r = r * 8 + s.charCodeAt(t) - 0x30;
        return [r, t];
      }
      case 0x78: {
        // x
        if (t >= s.length) break;
        const open = s.codePointAt(t)!;
        t += open > 0xffff ? 2 : 1;
        if (open === 0x7b) {
          let nhex = 0;
          let r = 0;
          for (;;) {
            if (t >= s.length) return this.fail(ErrInvalidEscape, s.slice(at, t));
            const d = s.codePointAt(t)!;
            t += d > 0xffff ? 2 : 1;
            if (d === 0x7d) break;
            const v = unhex(d);
            if (v < 0) return this.fail(ErrInvalidEscape, s.slice(at, t));
            r = r * 16 + v;
            if (r > MAX_RUNE) return this.fail(ErrInvalidEscape, s.slice(at, t));
            nhex++;
          }
          if (nhex === 0) break;
          return [r, t];
        }
        const x = unhex(open);
        let y = -1;
        if (t < s.length) {
          const d = s.codePointAt(t)!;
          t += d > 0xffff ? 2 : 1;
          y = unhex(d);
        }
        if (x < 0 || y < 0) break;
        return [x * 16 + y, t];
      }
      case 0x61:
        return [0x07, t];
      case 0x66:
        return [0x0c, t];
      case 0x6e:
        return [0x0a, t];
      case 0x72:
        return [0x0d, t];
      case 0x74:
        return [0x09, t];
      case 0x76:
        return [0x0b, t];
      default:
        // Escaped punctuation is itself; an escaped letter or digit is an unknown escape.
        if (c < 0x80 && !isAlnum(c)) return [c, t];
    }
    return this.fail(ErrInvalidEscape, s.slice(at, t));
  }

  parseClassChar(at: number, wholeClass: number): [number, number] {
    const s = this.whole;
    if (at >= s.length) this.fail(ErrMissingBracket, s.slice(wholeClass));
    if (s.charCodeAt(at) === 0x5c) return this.parseEscape(at);
    const c = s.codePointAt(at)!;
    return [c, at + (c > 0xffff ? 2 : 1)];
  }

  appendGroup(r: number[], group: { sign: number; class: readonly number[] }): number[] {
    if (!(this.flags & FoldCase)) {
      return group.sign < 0 ? appendNegatedClass(r, group.class) : appendClass(r, group.class);
    }
    const folded = cleanClass(this.appendFoldedClass([], group.class));
    return group.sign < 0 ? appendNegatedClass(r, folded) : appendClass(r, folded);
  }

  /** Go's parseNamedClass at a `[:`: undefined when no `:]` follows (then `[` is a literal). */
  parseNamedClass(at: number, r: number[]): [number[], number] | undefined {
    const s = this.whole;
    const close = this.indexFrom(':]', at + 2);
    if (close < 0) return undefined;
    const name = s.slice(at, close + 2);
    const group = posixGroups.get(name);
    if (group === undefined) this.fail(ErrInvalidCharRange, name);
    return [this.appendGroup(r, group), close + 2];
  }

  /** Go's parseUnicodeClass at a `\p` or `\P`. The class's runes are not expanded (see the file
   *  comment): only its name is checked, and its size bounded. */
  parseUnicodeClass(at: number): number {
    const s = this.whole;
    let t = at + 2;
    let c = 0xfffd;
    if (t < s.length) {
      c = s.codePointAt(t)!;
      t += c > 0xffff ? 2 : 1;
    }
    let seq: string;
    let name: string;
    if (c !== 0x7b) {
      seq = s.slice(at, t);
      name = seq.slice(2);
    } else {
      const end = this.indexFrom('}', at);
      if (end < 0) this.fail(ErrInvalidCharRange, s.slice(at));
      seq = s.slice(at, end + 1);
      t = end + 1;
      name = s.slice(at + 3, end);
    }
    if (name.startsWith('^')) name = name.slice(1);
    if (!isKnownUnicodeClass(name)) this.fail(ErrInvalidCharRange, seq);
    this.approximate = true;
    this.unicodeClassRunes += UNICODE_CLASS_RUNES_BOUND;
    return t;
  }

  isUnicodeClassAt(at: number): boolean {
    const s = this.whole;
    return (this.flags & UnicodeGroups) !== 0 && s[at] === '\\' && (s[at + 1] === 'p' || s[at + 1] === 'P');
  }

  perlGroupAt(at: number): { sign: number; class: readonly number[] } | undefined {
    if (!(this.flags & PerlX) || this.whole[at] !== '\\') return undefined;
    return perlGroups.get(this.whole.slice(at, at + 2));
  }

  /** Go's parseClass at a `[`: pushes the class and returns where it ends. */
  parseClass(at: number): number {
    const s = this.whole;
    let t = at + 1;
    const re = this.newRegexp(OpCharClass);
    re.flags = this.flags;
    let cls: number[] = [];
    let sign = +1;
    if (t < s.length && s[t] === '^') {
      sign = -1;
      t++;
      // A negated class does not match \n unless asked to: put it in before negating.
      if (!(this.flags & ClassNL)) cls.push(0x0a, 0x0a);
    }
    let first = true;
    let cleanedLength = 0;
    while (t >= s.length || s[t] !== ']' || first) {
      first = false;
      if (cls.length > cleanedLength + CLEAN_CLASS_EARLY) {
        cls = cleanClass(cls);
        cleanedLength = cls.length;
      }
      if (s.length - t > 2 && s[t] === '[' && s[t + 1] === ':') {
        const named = this.parseNamedClass(t, cls);
        if (named !== undefined) {
          [cls, t] = named;
          continue;
        }
      }
      if (this.isUnicodeClassAt(t)) {
        t = this.parseUnicodeClass(t);
        continue;
      }
      const group = this.perlGroupAt(t);
      if (group !== undefined) {
        cls = this.appendGroup(cls, group);
        t += 2;
        continue;
      }
      const rangeStart = t;
      let lo: number;
      [lo, t] = this.parseClassChar(t, at);
      let hi = lo;
      // [a-] means a or -: a range needs something other than ] after the dash.
      if (s.length - t >= 2 && s[t] === '-' && s[t + 1] !== ']') {
        [hi, t] = this.parseClassChar(t + 1, at);
        if (hi < lo) this.fail(ErrInvalidCharRange, s.slice(rangeStart, t));
      }
      cls = this.flags & FoldCase ? this.appendFoldedRange(cls, lo, hi) : appendRange(cls, lo, hi);
    }
    t++;
    cls = cleanClass(cls);
    re.runes = sign < 0 ? negateClass(cls) : cls;
    this.push(re);
    return t;
  }

  parse(): Node {
    const s = this.whole;
    let t = 0;
    let lastRepeat = -1;
    while (t < s.length) {
      let repeat = -1;
      const c = s.charCodeAt(t);
      switch (c) {
        case 0x28: // (
          if (this.flags & PerlX && s[t + 1] === '?') {
            t = this.parsePerlFlags(t);
            break;
          }
          this.numCap++;
          this.op(opLeftParen).cap = this.numCap;
          t++;
          break;
        case 0x7c: // |
          this.parseVerticalBar();
          t++;
          break;
        case 0x29: // )
          this.parseRightParen();
          t++;
          break;
        case 0x5e: // ^
          this.op(this.flags & OneLine ? OpBeginText : OpBeginLine);
          t++;
          break;
        case 0x24: // $
          if (this.flags & OneLine) this.op(OpEndText).flags |= WasDollar;
          else this.op(OpEndLine);
          t++;
          break;
        case 0x2e: // .
          this.op(this.flags & DotNL ? OpAnyChar : OpAnyCharNotNL);
          t++;
          break;
        case 0x5b: // [
          t = this.parseClass(t);
          break;
        case 0x2a: // *
        case 0x2b: // +
        case 0x3f: {
          // ?
          const op = c === 0x2a ? OpStar : c === 0x2b ? OpPlus : OpQuest;
          const before = t;
          t = this.repeat(op, 0, 0, before, t + 1, lastRepeat);
          repeat = before;
          break;
        }
        case 0x7b: {
          // {
          const before = t;
          const bounds = this.parseRepeat(t);
          if (bounds === undefined) {
            this.literal(0x7b);
            t++;
            break;
          }
          const { min, max, after } = bounds;
          if (min < 0 || min > 1000 || max > 1000 || (max >= 0 && min > max)) {
            this.fail(ErrInvalidRepeatSize, s.slice(before, after));
          }
          t = this.repeat(OpRepeat, min, max, before, after, lastRepeat);
          repeat = before;
          break;
        }
        case 0x5c: // backslash
          t = this.parseBackslash(t);
          break;
        default:
          t = this.literalRun(t);
      }
      lastRepeat = repeat;
    }
    this.concat();
    if (this.swapVerticalBar()) this.stack.pop();
    this.alternate();
    if (this.stack.length !== 1) this.fail(ErrMissingParen, s);
    return this.stack[0]!;
  }

  /**
   * Plain characters from `at` on, as Go's loop pushes them one literal at a time; returns where
   * they end. After the third, Go's stack holds the run merged so far under a one-rune literal,
   * and each further rune moves that rune onto the run: no node is allocated, none is measured
   * (Go's size check has not started, or sees a one-rune literal), so the port does that move
   * directly. The last rune is pushed as Go pushes it: a repetition may follow.
   */
  literalRun(at: number): number {
    const s = this.whole;
    let t = at;
    let pushed = 0;
    while (t < s.length && !PARSE_SPECIAL.has(s.charCodeAt(t))) {
      const rune = s.codePointAt(t)!;
      const next = t + (rune > 0xffff ? 2 : 1);
      const last = next >= s.length || PARSE_SPECIAL.has(s.charCodeAt(next));
      const stack = this.stack;
      const top = stack[stack.length - 1];
      if (pushed < 3 || last || this.flags & FoldCase || this.measuringSize) {
        this.literal(rune);
      } else {
        const run = stack[stack.length - 2]!;
        run.runes.push(top!.runes[0]!);
        top!.runes[0] = rune;
        this.numRunes++;
      }
      pushed++;
      t = next;
    }
    this.checkRunes();
    return t;
  }

  parseBackslash(at: number): number {
    const s = this.whole;
    if (this.flags & PerlX && at + 1 < s.length) {
      switch (s[at + 1]) {
        case 'A':
          this.op(OpBeginText);
          return at + 2;
        case 'b':
          this.op(OpWordBoundary);
          return at + 2;
        case 'B':
          this.op(OpNoWordBoundary);
          return at + 2;
        case 'C':
          // Any byte: not supported.
          return this.fail(ErrInvalidEscape, s.slice(at, at + 2));
        case 'Q': {
          // \Q … \E: everything between is literal.
          const end = s.indexOf('\\E', at + 2);
          const literal = end < 0 ? s.slice(at + 2) : s.slice(at + 2, end);
          for (const char of literal) this.literal(char.codePointAt(0)!);
          return end < 0 ? s.length : end + 2;
        }
        case 'z':
          this.op(OpEndText);
          return at + 2;
      }
    }
    const re = this.newRegexp(OpCharClass);
    re.flags = this.flags;
    if (this.isUnicodeClassAt(at)) {
      const next = this.parseUnicodeClass(at);
      // Its runes are not expanded, but an alternation may merge others into them.
      re.runes = [];
      this.push(re);
      return next;
    }
    const group = this.perlGroupAt(at);
    if (group !== undefined) {
      re.runes = this.appendGroup([], group);
      this.push(re);
      return at + 2;
    }
    this.reuse(re);
    const [rune, next] = this.parseEscape(at);
    this.literal(rune);
    return next;
  }
}

/** Go's cleanAlt: readies a class for an alternation (a class of every rune is `.` with s). */
function cleanAlt(re: Node): void {
  if (re.op !== OpCharClass) return;
  re.runes = cleanClass(re.runes);
  const r = re.runes;
  if (r.length === 2 && r[0] === 0 && r[1] === MAX_RUNE) {
    re.runes = [];
    re.op = OpAnyChar;
  } else if (r.length === 4 && r[0] === 0 && r[1] === 0x09 && r[2] === 0x0b && r[3] === MAX_RUNE) {
    re.runes = [];
    re.op = OpAnyCharNotNL;
  }
}

/** Go's leadingString, as the literal node whose runes lead `re`. */
function leadingLiteral(re: Node): Node | undefined {
  if (re.op === OpConcat && re.subs.length > 0) re = re.subs[0]!;
  return re.op === OpLiteral ? re : undefined;
}

function leadingRegexp(re: Node): Node | undefined {
  if (re.op === OpEmptyMatch) return undefined;
  if (re.op === OpConcat && re.subs.length > 0) {
    const sub = re.subs[0]!;
    return sub.op === OpEmptyMatch ? undefined : sub;
  }
  return re;
}

/**
 * Whether Go's regexp.Compile (flags syntax.Perl) accepts `expression`, with Go's error message
 * when it does not (`error parsing regexp: <code>: \`<text>\``).
 */
export function parseGoRegexp(expression: string): GoRegexpVerdict {
  const parser = new Parser(expression);
  try {
    const tree = parser.parse();
    return { kind: 'valid', programSize: programSize(tree) };
  } catch (error) {
    if (error instanceof SyntaxError_) {
      // Go quotes the whole expression after these two, which may be a megabyte: promgate, like
      // re2js before it, gives the reason alone.
      const quoted = error.code === ErrLarge || error.code === ErrNestingDepth ? '' : `: \`${error.expr}\``;
      return { kind: 'invalid', message: `error parsing regexp: ${error.code}${quoted}` };
    }
    // A stack overflow in the recursive parts (alternation factoring of a pathological list) is
    // an expression this port cannot judge: re2js decides it, as it always did.
    if (error instanceof Undecided || error instanceof RangeError) return { kind: 'undecided' };
    throw error;
  }
}
