// Hostile Prometheus configurations inside an ARMS ConfigMap: each is answered with a well-formed
// AdmissionReview (never a hang or a crash) and the server stays healthy. No timing assertions:
// "answered at all" is bounded by tap's own timeout.
import t from 'tap';
import { post } from '../../fixtures/apiserver.js';
import { acceptedHostileConfigs, rejectedHostileConfigs, reviewWithInvalidUtf8 } from '../../fixtures/hostile.js';
import { armsConfigMap } from '../../fixtures/objects.js';
import { admit, assertHealthy, assertWellFormed, startServerFor } from './support.js';

/** A message a person reads; the API server also stores it in audit logs and events. */
const MAX_MESSAGE_CHARS = 16 * 1024;

t.test('hostile promYaml', async (t) => {
  const server = await startServerFor(t, { pool: true });
  for (const { name, promYaml } of rejectedHostileConfigs()) {
    const result = await admit(server, 'validate', armsConfigMap('hostile', promYaml));
    t.equal(result.allowed, false, `${name}: denied`);
    const message = result.status?.message ?? '';
    t.ok(message.length > 0, `${name}: with a message`);
    t.ok(message.length < MAX_MESSAGE_CHARS, `${name}: a message of readable size (${message.length} chars)`);
  }
  for (const { name, promYaml } of acceptedHostileConfigs()) {
    const result = await admit(server, 'validate', armsConfigMap('hostile', promYaml));
    t.equal(result.allowed, true, `${name}: allowed (${result.status?.message?.slice(0, 300) ?? ''})`);
  }
  await assertHealthy(t, server, 'hostile promYaml');
});

t.test('text that is not Unicode inside promYaml', async (t) => {
  const server = await startServerFor(t, { pool: false });
  const { uid, body: rawInvalidUtf8, before, after } = reviewWithInvalidUtf8();
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
