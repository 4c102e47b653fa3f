// Opt-out governance at admission: the skip annotation added by someone optOut does not name is
// denied, naming the rule; every skip and every denial is logged with the request's uid and
// username, and counted.
import t from 'tap';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { parseAdmissionReview } from '../../src/admission/review.js';
import { defaultConfig } from '../../src/config/schema.js';
import { createMetrics } from '../../src/server/metrics.js';
import { createPolicyDecider } from '../../src/server/policy-decider.js';
import { buildReview, CLUSTER_ADMIN, type ReviewInput } from '../../fixtures/apiserver.js';
import { DCGM_EXPORTER_MANIFEST, fixtureDaemonSet } from '../../fixtures/objects.js';

const DEVELOPER = { username: 'dev@example.com', groups: ['system:authenticated', 'gpu-team'] };

function optedOut(): Record<string, unknown> {
  const daemonSet = fixtureDaemonSet(DCGM_EXPORTER_MANIFEST);
  const metadata = daemonSet['metadata'] as { annotations?: Record<string, string> };
  metadata.annotations = { 'promgate.io/skip': 'true' };
  return daemonSet;
}

function harness() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  const metrics = createMetrics();
  const decider = createPolicyDecider(defaultConfig(), metrics, pino({ level: 'info' }, sink));
  const validate = async (input: ReviewInput) => {
    const { request } = parseAdmissionReview(buildReview(input).review);
    const verdict = await decider(request, 'validate', { deadlineAtMs: Date.now() + 10_000 });
    return { request, verdict };
  };
  const counted = async (result: string): Promise<number | undefined> =>
    (await metrics.optOuts.get()).values.find((v) => v.labels.result === result)?.value;
  return { lines, validate, counted };
}

t.test('a developer adding the skip annotation is denied, logged with uid and username, counted', async (t) => {
  const { lines, validate, counted } = harness();
  const { request, verdict } = await validate({ object: optedOut(), userInfo: DEVELOPER });
  t.equal(verdict.allowed, false);
  t.match(
    verdict.denial?.message,
    'dev@example.com may not add promgate.io/skip=true: only members of group system:masters may opt objects out',
  );
  t.match(verdict.denial?.causes, [{ field: 'metadata.annotations[promgate.io/skip]' }]);
  t.match(
    lines.find((line) => line.msg === 'denied'),
    { uid: request.uid, username: 'dev@example.com' },
  );
  t.equal(await counted('refused'), 1);
});

t.test('a cluster admin may opt out: allowed with a warning, logged with uid and username, counted', async (t) => {
  const { lines, validate, counted } = harness();
  const { request, verdict } = await validate({ object: optedOut(), userInfo: CLUSTER_ADMIN });
  t.equal(verdict.allowed, true);
  t.same(verdict.warnings, [
    'promgate: dcgm-exporter-placement: promgate.io/skip=true: not enforced despite 1 violation(s)',
  ]);
  t.match(
    lines.find((line) => line.msg === 'opted out with the skip annotation'),
    {
      uid: request.uid,
      username: 'kubernetes-admin',
    },
  );
  t.equal(await counted('honoured'), 1);
});

t.test('keeping an annotation already there is fine for anyone', async (t) => {
  const { validate } = harness();
  const { verdict } = await validate({
    object: optedOut(),
    oldObject: optedOut(),
    operation: 'UPDATE',
    userInfo: DEVELOPER,
  });
  t.equal(verdict.allowed, true);
});
