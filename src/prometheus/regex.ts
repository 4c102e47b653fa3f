// Prometheus's relabel.Regexp: a Go RE2 expression, anchored as `^(?:…)$` before it is compiled.
// Compiled with re2js (RE2 semantics and Go's error messages), never with JavaScript's RegExp.
// Go's regexp only learned `(?<name>…)` in Go 1.22, which Prometheus 2.51 was the first to use.
import { LRUCache } from 'lru-cache';
import { RE2JS } from 're2js';
import type { DecodeContext, FieldType } from './schema/decoder.js';
import { parsedString } from './schema/types.js';
import { formatVersion } from './version.js';

export const NAMED_GROUP_SHORT_SYNTAX_SINCE = '2.51';

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

export interface CompiledRegex {
  /** The expression as written in the config (unanchored). */
  source: string;
  compiled: RE2JS;
}

/**
 * Budget of the compiled-expression cache, in RE2 program instructions. Configs repeat the same few
 * regexes across many jobs, and compiling RE2 programs dominates otherwise; the bench's 1 MiB config
 * of 1 600 distinct expressions needs about 80 000 (33 MiB of heap: a sequential pass over more
 * than the budget would miss on every one). An instruction costs at most about 0.55 KiB, so the
 * cache stays under about 55 MiB, within a worker's 128 MiB heap, whatever the configs hold. A
 * count bound would not do: `a{1,50}` repeated ten times is one short pattern of 1 000 instructions.
 */
export const COMPILED_CACHE_INSTRUCTIONS = 100_000;

const compiledCache = new LRUCache<string, CompiledRegex>({
  maxSize: COMPILED_CACHE_INSTRUCTIONS,
  sizeCalculation: (entry) => Math.max(1, entry.compiled.programSize()),
});

/** Instructions of the programs cached now (for tests of the bound). */
export function compiledCacheInstructions(): number {
  return compiledCache.calculatedSize;
}

/** Compile like relabel.NewRegexp for the given release; returns Go's error message on failure. */
export function compileAnchored(source: string, ctx: DecodeContext): CompiledRegex | { error: string } {
  if (!ctx.atLeast(NAMED_GROUP_SHORT_SYNTAX_SINCE) && findShortNamedGroup(source) >= 0) {
    return {
      error:
        `error parsing regexp: invalid or unsupported Perl syntax: \`(?<\` ` +
        `(named groups written (?<name>…) need Prometheus ${NAMED_GROUP_SHORT_SYNTAX_SINCE}, built with Go 1.22; ` +
        `prometheusVersion is ${formatVersion(ctx.version)}: write (?P<name>…))`,
    };
  }
  const cached = compiledCache.get(source);
  if (cached !== undefined) return cached;
  try {
    const compiled = { source, compiled: compileGoRegexp(`^(?:${source})$`) };
    // An expression larger than the whole budget is not cached (LRUCache leaves it out).
    compiledCache.set(source, compiled);
    return compiled;
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** relabel.Regexp as a field type. */
export const regexp: FieldType<CompiledRegex> = parsedString('relabel.Regexp', undefined, (text, ctx) =>
  compileAnchored(text, ctx),
);
