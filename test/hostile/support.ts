// Shared by the hostile-input and load suites: a promgate server judging large objects in a
// worker pool (as `promgate serve` does), raw HTTPS helpers, and the "still healthy" check.
import { pino } from 'pino';
import { request as httpsRequest } from 'node:https';
import type { Test } from 'tap';
import { defaultConfig } from '../../src/config/schema.js';
import { createMetrics } from '../../src/server/metrics.js';
import { createJudge } from '../../src/server/judge.js';
import { createPolicyDecider } from '../../src/server/policy-decider.js';
import type { ServerTimeouts } from '../../src/server/app.js';
import { DecidePool } from '../../src/server/worker-pool.js';
import { buildReview, post, verifyAnswer, type HttpAnswer, type WebhookResult } from '../../fixtures/apiserver.js';
import { answerProblem } from '../../fixtures/hostile.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { fixtureDaemonSet, DCGM_EXPORTER_MANIFEST } from '../../fixtures/objects.js';

export interface PooledServer extends TestServer {
  tls: { ca: string };
  port: number;
}

/** A test server; with `pool`, large objects are judged in a one-worker pool as in production. */
export async function startServerFor(
  t: Test,
  options: { pool: boolean; timeouts?: ServerTimeouts },
): Promise<PooledServer> {
  const config = defaultConfig();
  const logger = pino({ level: 'silent' });
  // One worker proves the path; each start costs about a second of CPU under tap's loaders.
  const pool = options.pool ? new DecidePool({ config, size: 1, logger }) : undefined;
  const decider = createPolicyDecider(
    config,
    createMetrics(),
    logger,
    createJudge(config, logger, pool ? { pool } : {}),
  );
  const harness = await startTestServer({ decider, ...(options.timeouts ? { timeouts: options.timeouts } : {}) });
  t.teardown(async () => {
    await harness.stop();
    await pool?.close();
  });
  return { ...harness, tls: { ca: harness.certs.caCert }, port: harness.server.port };
}

/** Sends an AdmissionReview as the API server would and returns the checked answer. */
export async function admit(
  server: PooledServer,
  webhook: 'mutate' | 'validate',
  object: Record<string, unknown>,
): Promise<WebhookResult & { uid: string }> {
  const { uid, review } = buildReview({ object });
  const answer = await post(server.port, `/${webhook}?timeout=10s`, JSON.stringify(review), server.tls);
  return { ...verifyAnswer(review, answer), uid };
}

/** An answer promgate may give to anything: an AdmissionReview echoing `uid`, or a JSON 4xx error. */
export function assertWellFormed(t: Test, answer: HttpAnswer, uid: string | undefined, name: string): void {
  t.equal(answerProblem(answer, uid), undefined, `${name}: a well-formed answer`);
}

export function getReadyz(server: PooledServer): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      { host: '127.0.0.1', servername: 'localhost', port: server.port, path: '/readyz', ca: server.tls.ca },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

/** readyz is 200 and an ordinary dcgm-exporter DaemonSet is still mutated. */
export async function assertHealthy(t: Test, server: PooledServer, after: string): Promise<void> {
  t.equal(await getReadyz(server), 200, `after ${after}: readyz 200`);
  const result = await admit(server, 'mutate', fixtureDaemonSet(DCGM_EXPORTER_MANIFEST));
  t.ok(result.allowed && result.patch.length > 0, `after ${after}: a DaemonSet is still mutated`);
}

/** Connections the server closed because their request did not arrive whole within the request timeout. */
export async function requestTimeouts(server: PooledServer): Promise<number> {
  const { values } = await server.metrics.clientErrors.get();
  return values.find((value) => value.labels.reason === 'request_timeout')?.value ?? 0;
}
