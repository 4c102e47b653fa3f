// Prometheus's relabel.Regexp: a Go RE2 expression, anchored as `^(?:…)$` before it is compiled,
// and from 3.0 as `^(?s:…)$`, where `.` matches a newline too (Go's error messages quote either).
// Judging a config needs only to know whether Go accepts the expression: Go's parser (ported in
// regexp-syntax.ts) answers in time linear in its length. promgate runs an expression only where
// promtool does, relabelling static targets; most relabel expressions are then matched by string
// comparison (a literal, a prefix followed by `.*`, a list of literals), and the rest are compiled
// with re2js (RE2 semantics and Go's error messages, never JavaScript's RegExp) within a budget.
// Go's regexp only learned `(?<name>…)` in Go 1.22, which Prometheus 2.51 was the first to use.
import { LRUCache } from 'lru-cache';
import { RE2JS } from 're2js';
import type { DecodeContext, FieldType } from './schema/decoder.js';
import { parsedString } from './schema/types.js';
import { formatVersion } from './version.js';
import { parseGoRegexp } from './regexp-syntax.js';

export const NAMED_GROUP_SHORT_SYNTAX_SINCE = '2.51';
export const DOT_MATCHES_NEWLINE_SINCE = '3.0';

/** How relabel.NewRegexp wraps an expression: `.` matches a newline only under the s flag. */
export type Anchoring = '^(?:' | '^(?s:';

function anchoringOf(ctx: DecodeContext): Anchoring {
  return ctx.atLeast(DOT_MATCHES_NEWLINE_SINCE) ? '^(?s:' : '^(?:';
}

/** Offset of the first `(?<` that opens a group (not escaped, not inside a character class). */
function findShortNamedGroup(pattern: string): number {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      continue;
    }
    if (char === '[') {
      inClass = true;
      // `[]…]` and `[^]…]`: a leading `]` is a literal.
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
      continue;
    }
    if (pattern.startsWith('(?<', i) && !pattern.startsWith('(?<=', i) && !pattern.startsWith('(?<!', i)) return i;
  }
  return -1;
}

/** Go's regexp accepts a group name used twice (`(?P<n>a)|(?P<n>b)`); re2js refuses it. Later
 *  uses are renamed so the expression compiles; `${n}` then expands the first group, as in Go. */
function compileGoRegexp(anchored: string): RE2JS {
  try {
    return RE2JS.compile(anchored);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.includes('duplicate capture group name')) throw error;
    const seen = new Map<string, number>();
    const renamed = anchored.replace(/\(\?P?<([A-Za-z0-9_]+)>/g, (group, name: string) => {
      const uses = seen.get(name) ?? 0;
      seen.set(name, uses + 1);
      return uses === 0 ? group : group.replace(`<${name}>`, `<${name}__duplicate${uses}>`);
    });
    return RE2JS.compile(renamed);
  }
}

/** Runs an anchored expression on label values. */
export interface RegexMatcher {
  /** The submatches when `value` matches the whole expression (index 0 is the value itself). */
  submatches(value: string): string[] | undefined;
  /** Capture-group names and their indexes, for `${name}` in a replacement. */
  readonly groupNames: Readonly<Record<string, number>>;
}

/**
 * Work promgate spends compiling one expression to run it: the larger of its length and the RE2
 * instructions Go's parser estimates for its program. re2js compiles about 0.3 million
 * instructions a second; an expression past this is not run (see RelabelRegexp.matcher).
 */
export const COMPILE_BUDGET = 20_000;

/**
 * Budget of the compiled-expression cache, in RE2 program instructions. Configs repeat the same few
 * regexes across many jobs, and compiling RE2 programs dominates otherwise; the bench's 1 MiB config
 * of 1 600 distinct expressions needs about 80 000 (33 MiB of heap: a sequential pass over more
 * than the budget would miss on every one). An instruction costs at most about 0.55 KiB, so the
 * cache stays under about 55 MiB, within a worker's 128 MiB heap, whatever the configs hold. A
 * count bound would not do: `a{1,50}` repeated ten times is one short pattern of 1 000 instructions.
 */
export const COMPILED_CACHE_INSTRUCTIONS = 100_000;

const compiledCache = new LRUCache<string, RE2JS>({
  maxSize: COMPILED_CACHE_INSTRUCTIONS,
  sizeCalculation: (compiled) => Math.max(1, compiled.programSize()),
});

/** Instructions of the programs cached now (for tests of the bound). */
export function compiledCacheInstructions(): number {
  return compiledCache.calculatedSize;
}

function compiledMatcher(compiled: RE2JS): RegexMatcher {
  return {
    submatches(value) {
      const matcher = compiled.matcher(value);
      if (!matcher.matches()) return undefined;
      const groups: string[] = [];
      for (let i = 0; i <= matcher.groupCount(); i++) groups.push(matcher.group(i) ?? '');
      return groups;
    },
    groupNames: compiled.namedGroups() as Record<string, number>,
  };
}

const NO_GROUP_NAMES: Readonly<Record<string, number>> = Object.freeze({});

/** The characters that mean something in RE2 outside a class (braces count: `a{2}` repeats). */
const META = /[\\.+*?()|[\]{}^$]/;

/** The text an RE2 literal stands for, or undefined when it is more than a literal: plain
 *  characters and escaped ASCII punctuation only. */
function literalText(expression: string): string | undefined {
  if (!expression.includes('\\')) return META.test(expression) ? undefined : expression;
  let text = '';
  for (let i = 0; i < expression.length; i++) {
    let char = expression[i]!;
    if (char === '\\') {
      char = expression[++i] ?? '';
      if (!/^[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]$/.test(char)) return undefined;
    } else if (META.test(char)) {
      return undefined;
    }
    text += char;
  }
  return text;
}

/** `|` outside escapes (the branches of a list of literals). */
function splitBranches(expression: string): string[] {
  const branches: string[] = [];
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    if (expression[i] === '\\') i++;
    else if (expression[i] === '|') {
      branches.push(expression.slice(start, i));
      start = i + 1;
    }
  }
  branches.push(expression.slice(start));
  return branches;
}

/** A matcher that needs no program, for the shapes relabel rules mostly take; `.` matches a
 *  newline only under the s flag, as in RE2. */
function stringMatcher(expression: string, anchoring: Anchoring): RegexMatcher | undefined {
  const dotMatchesNewline = anchoring === '^(?s:';
  const whole = (matches: (value: string) => boolean): RegexMatcher => ({
    submatches: (value) => (matches(value) ? [value] : undefined),
    groupNames: NO_GROUP_NAMES,
  });
  if (expression === '(.*)') {
    return {
      submatches: (value) => (!dotMatchesNewline && value.includes('\n') ? undefined : [value, value]),
      groupNames: NO_GROUP_NAMES,
    };
  }
  const literal = literalText(expression);
  if (literal !== undefined) return whole((value) => value === literal);
  if (expression.endsWith('.*')) {
    const prefix = literalText(expression.slice(0, -2));
    if (prefix !== undefined) {
      return whole((value) => value.startsWith(prefix) && (dotMatchesNewline || !value.includes('\n', prefix.length)));
    }
  }
  const branches = splitBranches(expression).map(literalText);
  if (branches.length > 1 && branches.every((branch) => branch !== undefined)) {
    const set = new Set(branches);
    return whole((value) => set.has(value));
  }
  return undefined;
}

/** relabel.Regexp: the expression as written and what running it takes. */
export class RelabelRegexp {
  /** A string matcher or the reason not to run, once known; compiled programs live in the cache. */
  private settled: RegexMatcher | { cannotRun: string } | undefined;

  constructor(
    /** The expression as written in the config (unanchored). */
    readonly source: string,
    /** How the judged release anchors it. */
    readonly anchoring: Anchoring,
    /** RE2 instructions of its program as Go's parser estimates them. */
    readonly programSize: number,
  ) {}

  /** How to run the anchored expression, or why promgate does not: its program would cost more
   *  than COMPILE_BUDGET to compile. */
  matcher(): RegexMatcher | { cannotRun: string } {
    if (this.settled === undefined) {
      const cost = Math.max(this.source.length, this.programSize);
      this.settled =
        stringMatcher(this.source, this.anchoring) ??
        (cost > COMPILE_BUDGET
          ? {
              cannotRun: `a regex of ${this.source.length} characters and about ${this.programSize} RE2 instructions is more than promgate compiles to run (${COMPILE_BUDGET})`,
            }
          : undefined);
    }
    return this.settled ?? this.compiledMatcher();
  }

  private compiledMatcher(): RegexMatcher | { cannotRun: string } {
    const anchored = `${this.anchoring}${this.source})$`;
    let compiled = compiledCache.get(anchored);
    if (compiled === undefined) {
      try {
        compiled = compileGoRegexp(anchored);
      } catch (error) {
        // Go accepts it (regexp-syntax.ts said so) but re2js does not: nothing to run it with.
        this.settled = {
          cannotRun: `re2js cannot compile the regex: ${error instanceof Error ? error.message : String(error)}`,
        };
        return this.settled;
      }
      // An expression larger than the whole cache is not kept (LRUCache leaves it out).
      compiledCache.set(anchored, compiled);
    }
    return compiledMatcher(compiled);
  }
}

/** Verdicts by anchored expression: configs repeat the same few across their jobs. Long ones are
 *  not kept. */
const verdictCache = new LRUCache<string, RelabelRegexp | { error: string }>({ max: 4096 });
const CACHED_EXPRESSION_MAX_LENGTH = 1024;
/** Go's parser refuses an expression of more than 2^25 runes; a literal shorter than that is fine. */
const LITERAL_MAX_LENGTH = 1 << 24;

/**
 * Longest list of literals (`v0|v1|…`) judged without Go's parser. Go's size estimate gives each
 * character at most one instruction and each `|` one more, so below this length such a list stays
 * far inside its limit (3.3 million instructions) and is always valid; Go's parser would factor
 * the list's common prefixes, which costs the port half a second for 100 000 alternatives.
 */
const LITERAL_LIST_MAX_LENGTH = 1 << 20;

/** `a|b\.c|`: alternatives that are each a literal (stringMatcher matches them as a set). */
function isLiteralList(source: string): boolean {
  return (
    source.length <= LITERAL_LIST_MAX_LENGTH &&
    source.includes('|') &&
    splitBranches(source).every((branch) => literalText(branch) !== undefined)
  );
}

/** Go's verdict on the anchored expression: parsed here, or by re2js for the few expressions near
 *  RE2's limits whose verdict hangs on Unicode data the port leaves out (regexp-syntax.ts). */
function judge(source: string, anchoring: Anchoring): RelabelRegexp | { error: string } {
  // A literal is always valid below Go's limit of runes in one expression, a list of them below
  // LITERAL_LIST_MAX_LENGTH.
  if ((!META.test(source) && source.length <= LITERAL_MAX_LENGTH) || isLiteralList(source)) {
    return new RelabelRegexp(source, anchoring, source.length + 2);
  }
  const anchored = `${anchoring}${source})$`;
  const verdict = parseGoRegexp(anchored);
  if (verdict.kind === 'valid') return new RelabelRegexp(source, anchoring, verdict.programSize);
  if (verdict.kind === 'invalid') return { error: verdict.message };
  try {
    const compiled = compileGoRegexp(anchored);
    compiledCache.set(anchored, compiled);
    return new RelabelRegexp(source, anchoring, compiled.programSize());
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** relabel.NewRegexp for the given release: the expression, or Go's error message. */
export function parseRelabelRegexp(source: string, ctx: DecodeContext): RelabelRegexp | { error: string } {
  if (!ctx.atLeast(NAMED_GROUP_SHORT_SYNTAX_SINCE) && findShortNamedGroup(source) >= 0) {
    return {
      error:
        `error parsing regexp: invalid or unsupported Perl syntax: \`(?<\` ` +
        `(named groups written (?<name>…) need Prometheus ${NAMED_GROUP_SHORT_SYNTAX_SINCE}, built with Go 1.22; ` +
        `prometheusVersion is ${formatVersion(ctx.version)}: write (?P<name>…))`,
    };
  }
  const anchoring = anchoringOf(ctx);
  if (source.length > CACHED_EXPRESSION_MAX_LENGTH) return judge(source, anchoring);
  const key = `${anchoring}${source}`;
  let verdict = verdictCache.get(key);
  if (verdict === undefined) {
    verdict = judge(source, anchoring);
    verdictCache.set(key, verdict);
  }
  return verdict;
}

/** relabel.Regexp as a field type. */
export const regexp: FieldType<RelabelRegexp> = parsedString('relabel.Regexp', undefined, (text, ctx) =>
  parseRelabelRegexp(text, ctx),
);

/** `(.*)`, the default of relabel rules, as each anchoring reads it: judged once, not per target. */
const DEFAULT_RELABEL_REGEXPS: Record<Anchoring, RelabelRegexp> = {
  '^(?:': judge('(.*)', '^(?:') as RelabelRegexp,
  '^(?s:': judge('(.*)', '^(?s:') as RelabelRegexp,
};

/** The default of relabel rules at the judged release. */
export function defaultRelabelRegexp(ctx: DecodeContext): RelabelRegexp {
  return DEFAULT_RELABEL_REGEXPS[anchoringOf(ctx)];
}
