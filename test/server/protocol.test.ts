// The admission protocol end to end over HTTPS, driven as kube-apiserver drives a webhook.
import t from 'tap';
import { Agent } from 'node:https';
import { buildReview, callWebhook, post, verifyAnswer } from '../../fixtures/apiserver.js';
import { startTestServer } from '../support/server.js';
import type { AdmissionVerdict } from '../../src/admission/review.js';
import { MAX_WARNING_CHARS } from '../../src/common/warnings.js';
import type { Decider } from '../../src/admission/handler.js';

const configMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'plain', namespace: 'default' },
  data: { a: 'b' },
};

t.test('objects no policy covers are allowed with no patch, in v1 and v1beta1', async (t) => {
  const harness = await startTestServer();
  t.teardown(() => harness.stop());
  for (const apiVersion of ['admission.k8s.io/v1', 'admission.k8s.io/v1beta1'] as const) {
    for (const webhook of ['mutate', 'validate'] as const) {
      const result = await callWebhook(
        harness.server.port,
        webhook,
        { object: configMap, apiVersion },
        { ca: harness.certs.caCert },
      );
      t.equal(result.allowed, true, `${apiVersion} ${webhook} allowed`);
      t.same(result.patch, [], `${apiVersion} ${webhook} has no patch`);
      t.same(result.warnings, [], 'and no warnings');
    }
  }
  const deletion = await callWebhook(
    harness.server.port,
    'validate',
    { object: null, oldObject: configMap, operation: 'DELETE' },
    { ca: harness.certs.caCert },
  );
  t.equal(deletion.allowed, true, 'DELETE (no object) is allowed');
});

t.test('a verdict with patch, warnings and denial is encoded as the API server expects', async (t) => {
  const verdicts: Record<string, AdmissionVerdict> = {
    patch: { allowed: true, patch: [{ op: 'add', path: '/metadata/labels', value: { 'a~b/c': 'x' } }], warnings: [] },
    warn: { allowed: true, patch: [], warnings: ['x'.repeat(MAX_WARNING_CHARS + 100), 'short one'] },
    deny: {
      allowed: false,
      patch: [{ op: 'add', path: '/metadata/labels', value: {} }],
      warnings: [],
      denial: { message: 'no', causes: [{ field: 'data.promYaml', message: 'promYaml:1:1: bad' }] },
    },
  };
  const seen: string[] = [];
  const decider: Decider = (request, webhook, options) => {
    seen.push(`${webhook}:${request.uid}:${options.deadlineAtMs > Date.now() ? 'future' : 'past'}`);
    return verdicts[String((request.object?.metadata as { name: string }).name)] as AdmissionVerdict;
  };
  const harness = await startTestServer({ decider });
  t.teardown(() => harness.stop());
  const tls = { ca: harness.certs.caCert };
  const object = (name: string) => ({ ...configMap, metadata: { name, namespace: 'default' } });

  const patched = await callWebhook(harness.server.port, 'mutate', { object: object('patch') }, tls);
  t.same(
    patched.patched?.metadata,
    { name: 'patch', namespace: 'default', labels: { 'a~b/c': 'x' } },
    'patch applied by the emulated API server',
  );

  const warned = await callWebhook(harness.server.port, 'validate', { object: object('warn') }, tls);
  t.equal(warned.allowed, true);
  t.equal(warned.warnings.length, 2);
  t.ok(
    warned.warnings.every((warning) => warning.length <= MAX_WARNING_CHARS),
    `warnings are at most ${MAX_WARNING_CHARS} characters`,
  );

  const denied = await callWebhook(harness.server.port, 'validate', { object: object('deny') }, tls);
  t.equal(denied.allowed, false);
  t.same(denied.patch, [], 'a denial carries no patch');
  t.equal(denied.status?.code, 422);
  t.equal(denied.status?.reason, 'Invalid');
  t.equal(denied.status?.message, 'no');
  t.same(denied.status?.details?.causes, [
    { reason: 'FieldValueInvalid', field: 'data.promYaml', message: 'promYaml:1:1: bad' },
  ]);
  t.equal(seen.length, 3);
  t.ok(
    seen.every((entry) => entry.endsWith(':future')),
    'the decider gets a deadline in the future',
  );
});

t.test('uids are echoed under concurrency on keep-alive connections', async (t) => {
  const decider: Decider = (request) => ({ allowed: request.uid.charCodeAt(0) % 2 === 0, patch: [], warnings: [] });
  const harness = await startTestServer({ decider });
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  t.teardown(async () => {
    agent.destroy();
    await harness.stop();
  });
  const results = await Promise.all(
    Array.from({ length: 200 }, async () => {
      const { uid, review } = buildReview({ object: configMap });
      const answer = await post(harness.server.port, '/validate?timeout=5s', JSON.stringify(review), {
        ca: harness.certs.caCert,
        agent,
      });
      const result = verifyAnswer(review, answer);
      return result.allowed === (uid.charCodeAt(0) % 2 === 0);
    }),
  );
  t.ok(results.every(Boolean), 'every answer carries its own uid and its own verdict');
});

t.test('dryRun requests are judged like any other', async (t) => {
  const decider: Decider = (request) => ({
    allowed: false,
    patch: [],
    warnings: [],
    denial: { message: `dry=${request.dryRun}`, causes: [] },
  });
  const harness = await startTestServer({ decider });
  t.teardown(() => harness.stop());
  const result = await callWebhook(
    harness.server.port,
    'validate',
    { object: configMap, dryRun: true },
    { ca: harness.certs.caCert },
  );
  t.equal(result.allowed, false);
  t.equal(result.status?.message, 'dry=true');
});
