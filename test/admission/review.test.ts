import t from 'tap';
import { parseAdmissionReview } from '../../src/admission/review.js';
import { buildReview } from '../../fixtures/apiserver.js';

t.test('a review is read down to the fields promgate uses', async (t) => {
  const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'arms-prom' }, data: {} };
  const { uid, review } = buildReview({ object });
  const request = review['request'] as Record<string, unknown>;
  request['subResource'] = 'status';
  const parsed = parseAdmissionReview(review);
  t.equal(parsed.apiVersion, 'admission.k8s.io/v1');
  t.strictSame(parsed.request, {
    uid,
    kind: { group: '', version: 'v1', kind: 'ConfigMap' },
    operation: 'CREATE',
    userInfo: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
    object,
    oldObject: null,
    dryRun: false,
    name: 'cm',
    namespace: 'arms-prom',
  });
});

t.test('userInfo: read when there, empty when left out, malformed when mistyped', async (t) => {
  const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'arms-prom' } };
  const withUser = (userInfo: unknown): Record<string, unknown> => {
    const { review } = buildReview({ object });
    (review['request'] as Record<string, unknown>)['userInfo'] = userInfo;
    return review;
  };
  t.same(parseAdmissionReview(withUser({ username: 'jane', groups: ['dev'], uid: 'x' })).request.userInfo, {
    username: 'jane',
    groups: ['dev'],
  });
  t.same(parseAdmissionReview(withUser(undefined)).request.userInfo, { username: '', groups: [] });
  t.throws(() => parseAdmissionReview(withUser({ username: 7 })), /request\.userInfo\.username must be a string/);
  t.throws(
    () => parseAdmissionReview(withUser({ groups: 'dev' })),
    /request\.userInfo\.groups must be a list of strings/,
  );
});
