// Requests that are not a usable AdmissionReview get a clear JSON error with the right status,
// and leave the server healthy.
import t from 'tap';
import { buildReview, post } from '../../fixtures/apiserver.js';
import { startTestServer } from '../support/server.js';
import { MAX_BODY_BYTES } from '../../src/server/app.js';

t.test('bad requests', async (t) => {
  const harness = await startTestServer();
  t.teardown(() => harness.stop());
  const tls = { ca: harness.certs.caCert };
  const port = harness.server.port;

  const expectError = async (
    name: string,
    body: string | Buffer,
    statusCode: number,
    reason: string,
    contentType?: string,
  ) => {
    const answer = await post(port, '/validate', body, { ...tls, ...(contentType ? { contentType } : {}) });
    t.equal(answer.statusCode, statusCode, `${name}: HTTP ${statusCode}`);
    const parsed = JSON.parse(answer.body) as { error: string; message: string };
    t.equal(parsed.error, reason, `${name}: reason ${reason}`);
    t.ok(parsed.message.length > 10, `${name}: says what is wrong (${parsed.message})`);
    return parsed.message;
  };

  await expectError('not JSON', '{"apiVersion": ', 400, 'InvalidJSON');
  await expectError(
    'truncated JSON',
    JSON.stringify(buildReview({ object: {} }).review).slice(0, 40),
    400,
    'InvalidJSON',
  );
  await expectError('invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 400, 'InvalidUTF8');
  t.match(await expectError('a JSON array', '[]', 400, 'NotAnAdmissionReview'), /JSON object/);
  t.match(
    await expectError('wrong kind', '{"kind":"Pod","apiVersion":"v1"}', 400, 'NotAnAdmissionReview'),
    /AdmissionReview/,
  );
  const { review } = buildReview({ object: {} });
  const noUid = structuredClone(review) as { request: { uid?: string } };
  delete noUid.request.uid;
  t.match(await expectError('no uid', JSON.stringify(noUid), 400, 'NotAnAdmissionReview'), /uid/);
  const wrongObject = structuredClone(review) as { request: { object: unknown } };
  wrongObject.request.object = 'a string';
  t.match(
    await expectError('object of the wrong JSON type', JSON.stringify(wrongObject), 400, 'NotAnAdmissionReview'),
    /request\.object/,
  );
  await expectError('wrong content type', JSON.stringify(review), 415, 'UnsupportedMediaType', 'text/plain');

  const tooLarge = Buffer.alloc(MAX_BODY_BYTES + 1024, 0x20);
  t.match(await expectError('over 8 MiB', tooLarge, 413, 'BodyTooLarge'), /8 MiB/);

  // A full ConfigMap CREATE near the API server's 3 MiB limit, twice over for an UPDATE: accepted.
  const bigValue = 'x'.repeat(3 * 1024 * 1024);
  const bigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'big', namespace: 'default' },
    data: { big: bigValue },
  };
  const big = buildReview({ object: bigMap, oldObject: bigMap, operation: 'UPDATE' });
  const answer = await post(port, '/validate', JSON.stringify(big.review), tls);
  t.equal(answer.statusCode, 200, 'a 6 MiB UPDATE review is read');
  t.equal((JSON.parse(answer.body) as { response: { uid: string } }).response.uid, big.uid);

  const health = await fetch(`http://127.0.0.1:${harness.server.metricsPort}/readyz`);
  t.equal(health.status, 200, 'still ready after all of it');
  const metrics = await (await fetch(`http://127.0.0.1:${harness.server.metricsPort}/metrics`)).text();
  t.match(metrics, /promgate_malformed_requests_total\{webhook="validate",reason="BodyTooLarge"\} 1/);
});

t.test('unknown paths answer 404 JSON before reading the body, and add no metric series', async (t) => {
  const harness = await startTestServer();
  t.teardown(() => harness.stop());
  const tls = { ca: harness.certs.caCert };
  const answer = await post(harness.server.port, '/nope', '{}', tls);
  t.equal(answer.statusCode, 404);
  t.match(JSON.parse(answer.body), { error: 'NotFound' });
  // A body the webhooks would refuse as malformed is not even read on a path that does not exist.
  for (const path of ['/random-1', '/random-2?x=1', '/healthz']) {
    const garbage = await post(harness.server.port, path, '{"truncated": ', tls);
    t.equal(garbage.statusCode, 404, `${path}: 404, not 400`);
  }
  const metricsText = await (await fetch(`http://127.0.0.1:${harness.server.metricsPort}/metrics`)).text();
  t.notMatch(metricsText, /random/, 'no series named after a client-chosen path');
  const plainHttp = await fetch(`http://127.0.0.1:${harness.server.metricsPort}/random-3`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"truncated": ',
  });
  t.equal(plainHttp.status, 404, 'the same on the metrics port');
});
