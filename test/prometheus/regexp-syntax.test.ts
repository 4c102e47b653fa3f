// Relabel regexes judged without compiling them (src/prometheus/regexp-syntax.ts, regex.ts): the
// verdict and message of Go's own regexp.Compile on 3 025 expressions (tools/regexp-oracle), the
// string matchers against re2js running the same expression, and what happens to a regex promgate
// will not compile when it should run it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { RE2JS } from 're2js';
import { REPOSITORY_ROOT } from '../../fixtures/repository.js';
import { largeRegexes } from '../../fixtures/hostile.js';
import { checkPrometheusConfig } from '../../src/prometheus/index.js';
import { DecodeContext } from '../../src/prometheus/schema/decoder.js';
import { parseVersion } from '../../src/prometheus/version.js';
import { COMPILE_BUDGET, parseRelabelRegexp, RelabelRegexp } from '../../src/prometheus/regex.js';
import { parseGoRegexp } from '../../src/prometheus/regexp-syntax.js';

const { about, cases } = JSON.parse(
  readFileSync(join(REPOSITORY_ROOT, 'test/prometheus/fixtures/go-regexp-verdicts.json'), 'utf8'),
) as { about: string; cases: Array<{ source: string; error: string }> };

const ctx = () => new DecodeContext(parseVersion('2.55'));

function verdictOf(source: string): string {
  const parsed = parseRelabelRegexp(source, ctx());
  return parsed instanceof RelabelRegexp ? '' : parsed.error;
}

t.test(`Go's verdicts (${about.split(' ').slice(0, 2).join(' ')})`, async (t) => {
  const disagreements = cases.flatMap(({ source, error }) => {
    const ours = verdictOf(source);
    return ours === error ? [] : [{ source: source.slice(0, 200), go: error, promgate: ours }];
  });
  t.same(disagreements, [], `all ${cases.length} verdicts and messages are Go's`);
  t.ok(
    cases.some(({ error }) => error === '') && cases.some(({ error }) => error !== ''),
    'the fixture holds both valid and invalid expressions',
  );
});

t.test('near the limits, where the port leaves Unicode tables to re2js, re2js decides', async (t) => {
  // \pL's runes are not expanded here; past 500 nodes the tree might differ from Go's.
  const source = Array.from({ length: 600 }, (_, i) => `\\pL${i}`).join('|');
  t.same(parseGoRegexp(`^(?:${source})$`), { kind: 'undecided' });
  t.equal(verdictOf(source), '', 'and re2js accepts it');
  t.same(parseGoRegexp('^(?:\\pL|\\p{Nope})$'), {
    kind: 'invalid',
    message: 'error parsing regexp: invalid character class range: `\\p{Nope}`',
  });
});

t.test('the hostile regexes are accepted, each with an estimate of its program', async (t) => {
  for (const { name, regex } of largeRegexes()) {
    const parsed = parseRelabelRegexp(regex, ctx());
    t.ok(parsed instanceof RelabelRegexp, `${name}: valid`);
    if (parsed instanceof RelabelRegexp) t.ok(parsed.programSize > 0, `${name}: ${parsed.programSize} instructions`);
  }
});

t.test("a list of literals is judged valid without the parser, as Go's parser judges it", async (t) => {
  const lists = [
    'a|b',
    '|',
    'foo||bar|',
    'a\\.b|c\\|d|\\$x',
    'é|ü|日本',
    Array.from({ length: 2_000 }, (_, i) => `job-${i % 7}-${i}`).join('|'),
  ];
  for (const list of lists) {
    t.same(parseGoRegexp(`^(?:${list})$`).kind, 'valid', `Go's parser: ${list.slice(0, 40)}`);
    t.equal(verdictOf(list), '', `promgate: ${list.slice(0, 40)}`);
  }
  t.match(verdictOf('a|b\\q'), /invalid escape sequence/, 'an escape that is no literal still goes to the parser');
});

t.test('string matchers answer as re2js does', async (t) => {
  const values = ['', 'tmp_', 'tmp_x', 'tmp_x\ny', 'foo', 'bar', 'foobar', 'a.b', 'axb', 'a|b', 'x\n', '\n'];
  const expressions = ['(.*)', 'foo', 'tmp_.*', 'foo|bar|baz', 'a\\.b', 'a\\|b', '', 'foo|', '\\$x.*'];
  for (const expression of expressions) {
    const parsed = parseRelabelRegexp(expression, ctx());
    if (!(parsed instanceof RelabelRegexp)) {
      t.fail(`${expression} is valid`);
      continue;
    }
    const matcher = parsed.matcher();
    if ('cannotRun' in matcher) {
      t.fail(`${expression} runs`);
      continue;
    }
    const program = RE2JS.compile(`^(?:${expression})$`);
    for (const value of values) {
      const running = program.matcher(value);
      const expected = running.matches()
        ? Array.from({ length: running.groupCount() + 1 }, (_, i) => running.group(i) ?? '')
        : undefined;
      t.same(matcher.submatches(value), expected, `${JSON.stringify(expression)} on ${JSON.stringify(value)}`);
    }
  }
});

t.test(
  'a regex past the compile budget is not run: its static targets are left unchecked, with a warning',
  async (t) => {
    const tooLarge = `${'(?:ab){1000}'.repeat(Math.ceil(COMPILE_BUDGET / 2000) + 1)}x`;
    const config = (regex: string, target: string) =>
      'scrape_configs:\n  - job_name: j\n    static_configs:\n' +
      `      - targets: ["${target}"]\n    relabel_configs:\n` +
      `      - source_labels: [__address__]\n        regex: '${regex}'\n        target_label: __address__\n        replacement: 'a/b'\n`;
    const small = checkPrometheusConfig(config('(.+):9100', 'a:9100'), { prometheusVersion: '2.55' });
    t.match(
      small.errors[0]?.message,
      /"a\/b:80" is not a valid hostname/,
      'a small regex is compiled and run: the relabelled target is checked',
    );
    const large = checkPrometheusConfig(config(tooLarge, 'a:9100'), { prometheusVersion: '2.55' });
    t.same(large.errors, [], 'the large one is valid and not run');
    t.match(large.warnings, [
      /^scrape_configs\[0\]\.relabel_configs: a regex of \d+ characters and about \d+ RE2 instructions is more than promgate compiles to run \(20000\): its static targets were not relabelled/,
    ]);
  },
);
