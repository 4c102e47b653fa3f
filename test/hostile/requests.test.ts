// Hostile AdmissionReviews and connections: deep JSON, truncated JSON, wrong JSON types and
// slow-loris bodies (the storm of concurrent connections is in connection-storm.slow.test.ts). Every request is answered well-formed (an
// AdmissionReview or a JSON 4xx) or cut off by the server's timeouts, and the server stays healthy.
import t from 'tap';
import { connect } from 'node:tls';
import { buildReview, post } from '../../fixtures/apiserver.js';
import {
  armsConfigMap,
  fixtureDaemonSet,
  DCGM_EXPORTER_MANIFEST,
  ONE_MIB,
  prometheusConfigOfSize,
  smallPrometheusConfig,
} from '../../fixtures/objects.js';
import { deepJsonArray, deepJsonObject, HOSTILE_JSON_DEPTH, reviewWithDeepValue } from '../../fixtures/hostile.js';
import { assertHealthy, assertWellFormed, requestTimeouts, startServerFor, type PooledServer } from './support.js';

const request = (review: Record<string, unknown>): Record<string, unknown> => review.request as Record<string, unknown>;
const requestObject = (review: Record<string, unknown>): Record<string, unknown> =>
  request(review).object as Record<string, unknown>;

async function send(server: PooledServer, webhook: string, body: string | Buffer) {
  return post(server.port, `/${webhook}?timeout=10s`, body, server.tls);
}

t.test('deeply nested JSON in the AdmissionReview', async (t) => {
  const server = await startServerFor(t, { pool: true });
  const daemonSet = fixtureDaemonSet(DCGM_EXPORTER_MANIFEST);
  type Place = (review: Record<string, unknown>, placeholder: string) => void;
  const cases: Array<{ name: string; object: Record<string, unknown>; place: Place }> = [
    {
      name: 'DaemonSet affinity',
      object: daemonSet,
      place: (review, placeholder) => {
        const spec = (requestObject(review).spec as { template: { spec: Record<string, unknown> } }).template.spec;
        spec.affinity = { nodeAffinity: placeholder };
      },
    },
    {
      name: 'DaemonSet label value',
      object: daemonSet,
      place: (review, placeholder) => {
        (requestObject(review).metadata as { labels: Record<string, unknown> }).labels.deep = placeholder;
      },
    },
    {
      name: 'small ConfigMap data value',
      object: armsConfigMap('deep', smallPrometheusConfig()),
      place: (review, placeholder) => {
        (requestObject(review).data as Record<string, unknown>).promYaml = placeholder;
      },
    },
    {
      name: 'large ConfigMap annotations (judged in a worker)',
      object: armsConfigMap('deep', prometheusConfigOfSize(64 * 1024)),
      place: (review, placeholder) => {
        (requestObject(review).metadata as Record<string, unknown>).annotations = placeholder;
      },
    },
    {
      name: 'userInfo',
      object: daemonSet,
      place: (review, placeholder) => {
        request(review).userInfo = placeholder;
      },
    },
  ];
  for (const { name, object, place } of cases) {
    for (const [shape, deep] of [
      ['objects', deepJsonObject],
      ['arrays', deepJsonArray],
    ] as const) {
      const { uid, body } = reviewWithDeepValue(object, place, deep);
      t.ok(body.includes(deep), `${name}: the review carries the ${shape}`);
      for (const webhook of ['mutate', 'validate']) {
        assertWellFormed(
          t,
          await send(server, webhook, body),
          uid,
          `${name}, ${HOSTILE_JSON_DEPTH} nested ${shape}, /${webhook}`,
        );
      }
    }
  }
  await assertHealthy(t, server, 'deep JSON');
});

t.test('truncated JSON and JSON of the wrong types', async (t) => {
  const server = await startServerFor(t, { pool: false });
  const { review } = buildReview({ object: armsConfigMap('truncated', smallPrometheusConfig()) });
  const text = JSON.stringify(review);
  for (let cut = 1; cut < 20; cut += 1) {
    const at = Math.floor((text.length * cut) / 20);
    const answer = await send(server, 'validate', text.slice(0, at));
    assertWellFormed(t, answer, undefined, `cut at ${at} of ${text.length}`);
    t.equal(answer.statusCode, 400, `cut at ${at}: HTTP 400`);
  }

  const topLevel = ['null', 'true', '42', '"AdmissionReview"', '[]', '{}', '{"request":null}'];
  for (const body of topLevel) assertWellFormed(t, await send(server, 'validate', body), undefined, `body ${body}`);

  const mangle: Array<[string, (review: Record<string, unknown>) => void]> = [
    ['uid a number', (r) => (request(r).uid = 42)],
    ['kind a string', (r) => (request(r).kind = 'ConfigMap')],
    ['operation a number', (r) => (request(r).operation = 1)],
    ['object an array', (r) => (request(r).object = [])],
    ['oldObject a number', (r) => (request(r).oldObject = 7)],
    ['dryRun a string', (r) => (request(r).dryRun = 'yes')],
    ['namespace an object', (r) => (request(r).namespace = {})],
    ['userInfo a list', (r) => (request(r).userInfo = ['admin'])],
    ['object.metadata a string', (r) => (requestObject(r).metadata = 'meta')],
    [
      'object.metadata.namespace a number',
      (r) => ((requestObject(r).metadata as Record<string, unknown>).namespace = 1),
    ],
    ['object.metadata.labels a list', (r) => ((requestObject(r).metadata as Record<string, unknown>).labels = ['a'])],
    [
      'object.metadata.annotations numbers',
      (r) => ((requestObject(r).metadata as Record<string, unknown>).annotations = { a: 1 }),
    ],
    ['object.data a list', (r) => (requestObject(r).data = ['promYaml'])],
    ['object.data values numbers', (r) => (requestObject(r).data = { promYaml: 1, 'prometheus.yml': null })],
    ['object.data a string', (r) => (requestObject(r).data = 'promYaml')],
    ['object.kind a number', (r) => (requestObject(r).kind = 3)],
  ];
  const daemonSetMangle: Array<[string, (review: Record<string, unknown>) => void]> = [
    ['spec a string', (r) => (requestObject(r).spec = 'spec')],
    [
      'template.spec null',
      (r) => ((requestObject(r).spec as { template: Record<string, unknown> }).template.spec = null),
    ],
    [
      'containers an object',
      (r) => {
        (requestObject(r).spec as { template: { spec: Record<string, unknown> } }).template.spec.containers = { a: 1 };
      },
    ],
    [
      'affinity a number',
      (r) => {
        (requestObject(r).spec as { template: { spec: Record<string, unknown> } }).template.spec.affinity = 5;
      },
    ],
    [
      'nodeSelectorTerms strings',
      (r) => {
        (requestObject(r).spec as { template: { spec: Record<string, unknown> } }).template.spec.affinity = {
          nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: ['x', 1, null] } },
        };
      },
    ],
    [
      'nodeSelector values numbers',
      (r) => {
        (requestObject(r).spec as { template: { spec: Record<string, unknown> } }).template.spec.nodeSelector = {
          starship: 1,
        };
      },
    ],
  ];
  const sources: Array<[Record<string, unknown>, typeof mangle]> = [
    [armsConfigMap('typed', smallPrometheusConfig()), mangle],
    [fixtureDaemonSet(DCGM_EXPORTER_MANIFEST), [...mangle, ...daemonSetMangle]],
  ];
  for (const [object, changes] of sources) {
    for (const [name, change] of changes) {
      const { uid, review: fresh } = buildReview({ object });
      change(fresh);
      const uidSent = typeof request(fresh).uid === 'string' ? uid : undefined;
      for (const webhook of ['mutate', 'validate']) {
        const answer = await send(server, webhook, JSON.stringify(fresh));
        assertWellFormed(t, answer, uidSent, `${String(object.kind)}: ${name}, /${webhook}`);
      }
    }
  }
  await assertHealthy(t, server, 'malformed JSON');
});

/**
 * Opens a TLS connection, sends `head` and then one byte of `trickle` every 100 ms; resolves with
 * whatever the server sent once it closes the connection.
 */
function slowLoris(server: PooledServer, head: string, trickle: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: server.tls.ca });
    const received: Buffer[] = [];
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on('secureConnect', () => {
      socket.write(head);
      timer = setInterval(() => socket.write(trickle[sent++ % trickle.length]!), 100);
    });
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // The server may reset the connection while a byte is in flight.
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') reject(err);
    });
    socket.on('close', () => {
      clearInterval(timer);
      resolve(Buffer.concat(received).toString('utf8'));
    });
  });
}

t.test('slow-loris bodies and headers are cut off by the request timeout', async (t) => {
  const server = await startServerFor(t, {
    pool: false,
    timeouts: { requestTimeoutMs: 1000, keepAliveTimeoutMs: 2000 },
  });
  const body = JSON.stringify(buildReview({ object: armsConfigMap('slow', 'x'.repeat(ONE_MIB)) }).review);
  const slowBody = slowLoris(
    server,
    `POST /validate?timeout=10s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    body,
  );
  const slowHeaders = slowLoris(
    server,
    'POST /validate HTTP/1.1\r\nHost: localhost\r\n',
    'X-Slow: aaaaaaaaaaaaaaaaaaaaa\r\n',
  );
  // While both hold their connections, others are served.
  await assertHealthy(t, server, 'two slow-loris connections opened');
  for (const [name, answer] of [
    ['slow body', await slowBody],
    ['slow headers', await slowHeaders],
  ] as const) {
    // Node answers 408 and closes; at worst it closes without a word. Either way the connection ends.
    t.ok(
      answer === '' || answer.startsWith('HTTP/1.1 408'),
      `${name}: cut off (${answer.split('\r\n')[0] ?? 'closed'})`,
    );
  }
  t.equal(await requestTimeouts(server), 2, 'both counted in promgate_client_errors_total{reason="request_timeout"}');
  await assertHealthy(t, server, 'slow-loris connections');
});
