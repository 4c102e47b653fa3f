// Hostile Prometheus configurations inside an ARMS ConfigMap: each is answered with a well-formed
// AdmissionReview (never a hang or a crash) and the server stays healthy. No timing assertions:
// "answered at all" is bounded by tap's own timeout.
import t from 'tap';
import { buildReview, post } from '../../fixtures/apiserver.js';
import { armsConfigMap, ONE_MIB, smallPrometheusConfig } from '../../fixtures/objects.js';
import { admit, assertHealthy, assertWellFormed, startServerFor } from './support.js';

/** Billion laughs: each level names the previous one ten times, 10^levels strings if expanded. */
function aliasBomb(levels: number): string {
  const lines = [`l0: &l0 [${Array(10).fill('"lol"').join(', ')}]`];
  for (let level = 1; level < levels; level += 1) {
    lines.push(
      `l${level}: &l${level} [${Array(10)
        .fill(`*l${level - 1}`)
        .join(', ')}]`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const DEPTH = 10_000;

/** Scrape jobs whose relabel regexes take exponential time in a backtracking engine (not in RE2). */
function catastrophicRegexConfig(): string {
  const regexes = ['(a+)+$', '(a|aa)+$', '(.*a){20}', '(x+x+)+y', '^(([a-z])+.)+[A-Z]([a-z])+$'];
  const jobs = regexes.map(
    (regex, index) => `  - job_name: regex-${index}
    static_configs:
      - targets: ["${'a'.repeat(64)}:9100"]
    relabel_configs:
      - source_labels: [__address__]
        regex: '${regex}'
        action: keep
    metric_relabel_configs:
      - source_labels: [__name__]
        regex: '${regex}'
        action: drop
`,
  );
  return `scrape_configs:\n${jobs.join('')}`;
}

/** A message a person reads; the API server also stores it in audit logs and events. */
const MAX_MESSAGE_CHARS = 16 * 1024;

const invalid: Array<{ name: string; promYaml: string }> = [
  { name: 'a YAML alias bomb (10^10 strings expanded)', promYaml: aliasBomb(10) },
  { name: `${DEPTH}-deep flow sequences`, promYaml: `scrape_configs: ${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}\n` },
  { name: `${DEPTH}-deep flow mappings`, promYaml: `global: ${'{a: '.repeat(DEPTH)}1${'}'.repeat(DEPTH)}\n` },
  { name: `${DEPTH}-deep block sequences`, promYaml: `scrape_configs:\n  ${'- '.repeat(DEPTH)}x\n` },
  {
    name: 'an unclosed 1 MiB quoted string',
    promYaml: `global:\n  external_labels:\n    a: "${'x'.repeat(ONE_MIB)}\n`,
  },
  { name: 'a 1 MiB key', promYaml: `${'k'.repeat(ONE_MIB)}: 1\n` },
  { name: 'an alias to an undefined anchor', promYaml: `global: *nowhere\n` },
];

const valid = [
  { name: 'a 1 MiB label value', promYaml: `global:\n  external_labels:\n    big: "${'x'.repeat(ONE_MIB)}"\n` },
  { name: 'regexes catastrophic under backtracking', promYaml: catastrophicRegexConfig() },
  { name: 'a 1 MiB comment', promYaml: `${smallPrometheusConfig()}# ${'#'.repeat(ONE_MIB)}\n` },
];

t.test('hostile promYaml', async (t) => {
  const server = await startServerFor(t, { pool: true });
  for (const { name, promYaml } of invalid) {
    const result = await admit(server, 'validate', armsConfigMap('hostile', promYaml));
    t.equal(result.allowed, false, `${name}: denied`);
    const message = result.status?.message ?? '';
    t.ok(message.length > 0, `${name}: with a message`);
    t.ok(message.length < MAX_MESSAGE_CHARS, `${name}: a message of readable size (${message.length} chars)`);
  }
  for (const { name, promYaml } of valid) {
    const result = await admit(server, 'validate', armsConfigMap('hostile', promYaml));
    t.equal(result.allowed, true, `${name}: allowed (${result.status?.message?.slice(0, 300) ?? ''})`);
  }
  await assertHealthy(t, server, 'hostile promYaml');
});

t.test('text that is not Unicode inside promYaml', async (t) => {
  const server = await startServerFor(t, { pool: false });
  const { uid, review } = buildReview({ object: armsConfigMap('hostile', 'PLACEHOLDER') });
  const [before, after] = JSON.stringify(review).split('PLACEHOLDER') as [string, string];
  const rawInvalidUtf8 = Buffer.concat([Buffer.from(before), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(after)]);
  const invalidAnswer = await post(server.port, '/validate?timeout=10s', rawInvalidUtf8, server.tls);
  assertWellFormed(t, invalidAnswer, uid, 'invalid UTF-8 bytes');
  t.equal(invalidAnswer.statusCode, 400, 'invalid UTF-8 bytes: HTTP 400');
  const loneSurrogates = `${before}global:\\n  external_labels:\\n    a: \\"\\ud800\\udfff\\udc00\\"\\n${after}`;
  assertWellFormed(
    t,
    await post(server.port, '/validate?timeout=10s', loneSurrogates, server.tls),
    uid,
    'lone surrogates',
  );
  const nulBytes = `${before}global:\\n  scrape_interval: \\u0000\\u0000\\n${after}`;
  assertWellFormed(t, await post(server.port, '/validate?timeout=10s', nulBytes, server.tls), uid, 'NUL characters');
  await assertHealthy(t, server, 'text that is not Unicode');
});
