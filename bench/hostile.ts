// The hostile-input half of SPEC §6 in figures: how long promgate takes to answer each hostile
// request of test/hostile/ (which checks the answers, not their time), and storms of reviews sent
// at once, on new TLS connections and on open ones, beside the same storms on the ceiling (the
// targets, in bench/targets.ts, judge a storm against the ceiling's time).
import { Agent } from 'node:https';
import { asError } from '../src/common/errors.js';
import { buildReview, post, type HttpAnswer } from '../fixtures/apiserver.js';
import {
  acceptedHostileConfigs,
  answerProblem,
  deepJsonArray,
  deepJsonObject,
  FILES_BESIDE_CONNECTIONS,
  HOSTILE_JSON_DEPTH,
  openFileLimit,
  rejectedHostileConfigs,
  reviewWithDeepValue,
  reviewWithInvalidUtf8,
} from '../fixtures/hostile.js';
import { armsConfigMap, fixtureDaemonSet, DCGM_EXPORTER_MANIFEST, smallPrometheusConfig } from '../fixtures/objects.js';

/** DaemonSet reviews sent at once: first each on a new TLS connection, then again on those. */
const CONNECTION_STORMS = [1_000, 2_000];

export interface HostileMeasurement {
  scenario: string;
  /** The ceiling's rows show what any Node HTTPS server pays for the same storm. */
  server: 'promgate' | 'ceiling';
  /** A storm is judged against the ceiling's same storm; a single request on its own time. */
  kind: 'request' | 'storm';
  bodyBytes: number;
  /** The slowest answer (for a storm, of all its connections). */
  ms: number;
  answer: string;
  /** Why an answer was not well-formed; absent when every one was. */
  problem?: string;
}

interface HostileRequest {
  scenario: string;
  path: string;
  body: string | Buffer;
  /** The uid the answer must echo; undefined for bodies that are no AdmissionReview. */
  uid: string | undefined;
}

function summary(answer: HttpAnswer): string {
  if (answer.statusCode !== 200) return `HTTP ${answer.statusCode}`;
  const response = (JSON.parse(answer.body) as { response?: { allowed?: boolean; patch?: string } }).response;
  if (!response?.allowed) return 'denied';
  return response.patch ? 'allowed, patched' : 'allowed';
}

function hostileRequests(validatePath: string, mutatePath: string): HostileRequest[] {
  const configMaps = [...rejectedHostileConfigs(), ...acceptedHostileConfigs()].map(({ name, promYaml }) => {
    const { uid, review } = buildReview({ object: armsConfigMap('hostile', promYaml) });
    return { scenario: `promYaml: ${name}`, path: validatePath, body: JSON.stringify(review), uid };
  });
  const daemonSet = fixtureDaemonSet(DCGM_EXPORTER_MANIFEST);
  const inAffinity = reviewWithDeepValue(
    daemonSet,
    (review, placeholder) => {
      const object = (review.request as { object: { spec: { template: { spec: Record<string, unknown> } } } }).object;
      object.spec.template.spec.affinity = { nodeAffinity: placeholder };
    },
    deepJsonObject,
  );
  const inUserInfo = reviewWithDeepValue(
    daemonSet,
    (review, placeholder) => ((review.request as Record<string, unknown>).userInfo = placeholder),
    deepJsonArray,
  );
  const truncated = JSON.stringify(buildReview({ object: armsConfigMap('hostile', smallPrometheusConfig()) }).review);
  const invalidUtf8 = reviewWithInvalidUtf8();
  const wrongType = buildReview({ object: daemonSet });
  (wrongType.review.request as Record<string, unknown>).object = [];
  return [
    ...configMaps,
    {
      scenario: `DaemonSet affinity ${HOSTILE_JSON_DEPTH} objects deep`,
      path: mutatePath,
      body: inAffinity.body,
      uid: inAffinity.uid,
    },
    {
      scenario: `userInfo ${HOSTILE_JSON_DEPTH} arrays deep`,
      path: validatePath,
      body: inUserInfo.body,
      uid: inUserInfo.uid,
    },
    {
      scenario: 'JSON cut in half',
      path: validatePath,
      body: truncated.slice(0, truncated.length / 2),
      uid: undefined,
    },
    { scenario: 'invalid UTF-8 in promYaml', path: validatePath, body: invalidUtf8.body, uid: invalidUtf8.uid },
    {
      scenario: 'request.object an array',
      path: validatePath,
      body: JSON.stringify(wrongType.review),
      uid: wrongType.uid,
    },
  ];
}

/** An answer and how long it took, or the error that came instead (a refused or reset connection). */
type Timed = { ms: number; answer: HttpAnswer } | { ms: number; error: Error };

async function timed(port: number, ca: string, request: HostileRequest, agent?: Agent): Promise<Timed> {
  const startedAt = performance.now();
  try {
    const answer = await post(port, request.path, request.body, { ca, ...(agent ? { agent } : {}) });
    return { ms: performance.now() - startedAt, answer };
  } catch (err) {
    return { ms: performance.now() - startedAt, error: asError(err) };
  }
}

function outcome(result: Timed, problemOf: (answer: HttpAnswer) => string | undefined): string | undefined {
  return 'error' in result ? `no answer: ${result.error.message}` : problemOf(result.answer);
}

const summaryOf = (result: Timed): string => ('error' in result ? 'no answer' : summary(result.answer));

/**
 * `connections` reviews at once, each on a new TLS connection; then as many again on the same,
 * now established, connections. On the ceiling, which answers every request alike, only the status
 * is checked.
 */
async function connectionStorm(
  target: { port: number; path: string; ceiling: boolean },
  ca: string,
  connections: number,
): Promise<HostileMeasurement[]> {
  const daemonSet = fixtureDaemonSet(DCGM_EXPORTER_MANIFEST);
  // Keeps every connection once answered (Node's default agent keeps 256 idle ones).
  const agent = new Agent({ keepAlive: true, maxFreeSockets: connections });
  const problemOf = (answer: HttpAnswer, uid: string): string | undefined => {
    if (!target.ceiling) return answerProblem(answer, uid);
    return answer.statusCode === 200 ? undefined : `HTTP ${answer.statusCode}`;
  };
  const wave = async (what: string): Promise<HostileMeasurement> => {
    const requests = Array.from({ length: connections }, () => {
      const { uid, review } = buildReview({ object: daemonSet });
      return { scenario: '', path: target.path, body: JSON.stringify(review), uid };
    });
    const results = await Promise.all(requests.map((request) => timed(target.port, ca, request, agent)));
    const problems = results
      .map((result, index) => outcome(result, (answer) => problemOf(answer, requests[index]!.uid)))
      .filter(Boolean);
    return {
      scenario: `${target.ceiling ? 'ceiling: ' : ''}${connections} ${what}`,
      server: target.ceiling ? 'ceiling' : 'promgate',
      kind: 'storm',
      bodyBytes: Buffer.byteLength(requests[0]!.body),
      ms: Math.max(...results.map((result) => result.ms)),
      answer: target.ceiling ? 'fixed answer' : summaryOf(results[0]!),
      ...(problems.length > 0 ? { problem: `${problems.length} bad answers, first: ${problems[0]}` } : {}),
    };
  };
  try {
    return [await wave('new TLS connections at once'), await wave('open connections, a review on each at once')];
  } finally {
    agent.destroy();
  }
}

/** Each hostile request once on promgate, then each connection storm on the ceiling and on promgate. */
export async function measureHostileInput(
  ports: { promgate: number; ceiling: number },
  ca: string,
  paths: { validate: string; mutate: string },
): Promise<HostileMeasurement[]> {
  const rows: HostileMeasurement[] = [];
  for (const request of hostileRequests(paths.validate, paths.mutate)) {
    const result = await timed(ports.promgate, ca, request);
    const problem = outcome(result, (answer) => answerProblem(answer, request.uid));
    rows.push({
      scenario: request.scenario,
      server: 'promgate',
      kind: 'request',
      bodyBytes: Buffer.byteLength(request.body),
      ms: result.ms,
      answer: summaryOf(result),
      ...(problem === undefined ? {} : { problem }),
    });
  }
  const fileLimit = openFileLimit();
  if (fileLimit < Math.max(...CONNECTION_STORMS) + FILES_BESIDE_CONNECTIONS) {
    console.log(`warning: \`ulimit -n\` is ${fileLimit}: the larger storms will be refused for want of files`);
  }
  for (const connections of CONNECTION_STORMS) {
    rows.push(...(await connectionStorm({ port: ports.ceiling, path: '/ceiling', ceiling: true }, ca, connections)));
    rows.push(
      ...(await connectionStorm({ port: ports.promgate, path: paths.mutate, ceiling: false }, ca, connections)),
    );
  }
  return rows;
}

export interface StormRatio {
  scenario: string;
  promgateMs: number;
  ceilingMs: number;
  ratio: number;
}

/** Each storm's slowest answer on promgate against the same storm's on the ceiling, in one run. */
export function stormRatios(rows: readonly HostileMeasurement[]): StormRatio[] {
  return rows
    .filter((row) => row.kind === 'storm' && row.server === 'promgate')
    .flatMap((row) => {
      const ceiling = rows.find((other) => other.server === 'ceiling' && other.scenario === `ceiling: ${row.scenario}`);
      return ceiling
        ? [{ scenario: row.scenario, promgateMs: row.ms, ceilingMs: ceiling.ms, ratio: row.ms / ceiling.ms }]
        : [];
    });
}
