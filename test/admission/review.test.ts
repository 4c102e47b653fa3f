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
    object,
    oldObject: null,
    dryRun: false,
    name: 'cm',
    namespace: 'arms-prom',
  });
});
