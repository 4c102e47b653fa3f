// The patch for each affinity shape: exact operations, minimal, nothing else touched, idempotent.
import t, { type Test } from 'tap';
import type { Operation } from 'fast-json-patch';
import { dcgmExporterPlacementPolicy as policy } from '../../../src/policies/dcgm-exporter-placement/index.js';
import type { KubernetesObject } from '../../../src/policies/policy.js';
import {
  applyToClone,
  CREATE,
  daemonSet,
  dcgmConfig,
  podSpecOf,
  requiredTerms,
  revertPatch,
  termsOf,
} from './helpers.js';

const POD = '/spec/template/spec';
const REQUIRED = `${POD}/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution`;
const DOES_NOT_EXIST = { key: 'starship', operator: 'DoesNotExist' };
const ONLY_EXCLUSION = { nodeSelectorTerms: [{ matchExpressions: [DOES_NOT_EXIST] }] };
const GPU_EXISTS = { key: 'nvidia.com/gpu', operator: 'Exists' };

/** Evaluates, checks the patch, applies it, and checks the second pass and that nothing else changed. */
function mutate(
  t: Test,
  object: KubernetesObject,
  expected: Operation[],
  starshipNodeLabel = 'starship',
): KubernetesObject {
  const config = dcgmConfig({ starshipNodeLabel });
  const { patch } = policy.evaluate(object, config, CREATE);
  t.same(patch, expected, 'patch');
  const patched = applyToClone(object, patch);
  t.equal(JSON.stringify(revertPatch(patched, object, patch)), JSON.stringify(object), 'every other byte kept');
  t.same(policy.evaluate(patched, config, CREATE).patch, [], 'idempotent');
  return patched;
}

t.test('no affinity at all: one add creating the whole chain', async (t) => {
  mutate(t, daemonSet(), [
    {
      op: 'add',
      path: `${POD}/affinity`,
      value: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: ONLY_EXCLUSION } },
    },
  ]);
});

t.test('affinity: {} and affinity: null', async (t) => {
  mutate(t, daemonSet({ affinity: {} }), [
    {
      op: 'add',
      path: `${POD}/affinity/nodeAffinity`,
      value: { requiredDuringSchedulingIgnoredDuringExecution: ONLY_EXCLUSION },
    },
  ]);
  mutate(t, daemonSet({ affinity: null }), [
    {
      op: 'add',
      path: `${POD}/affinity`,
      value: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: ONLY_EXCLUSION } },
    },
  ]);
});

t.test('nodeAffinity: null next to pod (anti-)affinity keeps them', async (t) => {
  const podAntiAffinity = {
    requiredDuringSchedulingIgnoredDuringExecution: [
      { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { a: 'b' } } },
    ],
  };
  const patched = mutate(t, daemonSet({ affinity: { nodeAffinity: null, podAntiAffinity, podAffinity: {} } }), [
    {
      op: 'add',
      path: `${POD}/affinity/nodeAffinity`,
      value: { requiredDuringSchedulingIgnoredDuringExecution: ONLY_EXCLUSION },
    },
  ]);
  t.same(
    Object.keys(podSpecOf(patched).affinity as object),
    ['nodeAffinity', 'podAntiAffinity', 'podAffinity'],
    'key order kept',
  );
});

t.test('preferred-only node affinity: required added beside it', async (t) => {
  const preferred = [{ weight: 1, preference: { matchExpressions: [{ key: 'starship', operator: 'Exists' }] } }];
  mutate(t, daemonSet({ affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: preferred } } }), [
    { op: 'add', path: REQUIRED, value: ONLY_EXCLUSION },
  ]);
  mutate(
    t,
    daemonSet({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: null,
          preferredDuringSchedulingIgnoredDuringExecution: preferred,
        },
      },
    }),
    [{ op: 'add', path: REQUIRED, value: ONLY_EXCLUSION }],
  );
});

t.test('nodeSelector: null and tolerations: null stay exactly as written', async (t) => {
  const patched = mutate(
    t,
    daemonSet({ nodeSelector: null, tolerations: null, ...requiredTerms([{ matchExpressions: [GPU_EXISTS] }]) }),
    [{ op: 'add', path: `${REQUIRED}/nodeSelectorTerms/0/matchExpressions/-`, value: DOES_NOT_EXIST }],
  );
  const podSpec = podSpecOf(patched);
  t.equal(podSpec.nodeSelector, null);
  t.equal(podSpec.tolerations, null);
});

t.test('the exclusion goes into EVERY term, never as a new term', async (t) => {
  const patched = mutate(
    t,
    daemonSet(
      requiredTerms([
        { matchExpressions: [GPU_EXISTS] },
        { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['gpu-7'] }] },
        { matchExpressions: null, matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['cpu-1'] }] },
        {
          matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }],
          matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n'] }],
        },
      ]),
    ),
    [
      { op: 'add', path: `${REQUIRED}/nodeSelectorTerms/0/matchExpressions/-`, value: DOES_NOT_EXIST },
      { op: 'add', path: `${REQUIRED}/nodeSelectorTerms/1/matchExpressions`, value: [DOES_NOT_EXIST] },
      { op: 'add', path: `${REQUIRED}/nodeSelectorTerms/2/matchExpressions`, value: [DOES_NOT_EXIST] },
      { op: 'add', path: `${REQUIRED}/nodeSelectorTerms/3/matchExpressions/-`, value: DOES_NOT_EXIST },
    ],
  );
  t.equal(termsOf(patched).length, 4);
});

t.test('terms that already exclude starship nodes are left alone (bare key)', async (t) => {
  const excluded = [{ matchExpressions: [GPU_EXISTS, { key: 'starship', operator: 'DoesNotExist' }] }];
  mutate(t, daemonSet(requiredTerms(excluded)), []);
  mutate(t, daemonSet(requiredTerms([...excluded, { matchExpressions: [GPU_EXISTS] }])), [
    { op: 'add', path: `${REQUIRED}/nodeSelectorTerms/1/matchExpressions/-`, value: DOES_NOT_EXIST },
  ]);
  // NotIn on a bare key still admits starship nodes with other values.
  mutate(
    t,
    daemonSet(requiredTerms([{ matchExpressions: [{ key: 'starship', operator: 'NotIn', values: ['true'] }] }])),
    [{ op: 'add', path: `${REQUIRED}/nodeSelectorTerms/0/matchExpressions/-`, value: DOES_NOT_EXIST }],
  );
});

t.test('key=value mode: NotIn [value], and what already excludes that value', async (t) => {
  const notIn = { key: 'starship', operator: 'NotIn', values: ['true'] };
  mutate(
    t,
    daemonSet(),
    [
      {
        op: 'add',
        path: `${POD}/affinity`,
        value: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [notIn] }] },
          },
        },
      },
    ],
    'starship=true',
  );
  const alreadyExcluding = [
    { key: 'starship', operator: 'NotIn', values: ['false', 'true'] },
    { key: 'starship', operator: 'DoesNotExist' },
    { key: 'starship', operator: 'In', values: ['false'] },
    { key: 'starship', operator: 'Gt', values: ['5'] }, // "true" is no integer: Gt fails on starship nodes
  ];
  for (const requirement of alreadyExcluding) {
    mutate(t, daemonSet(requiredTerms([{ matchExpressions: [requirement] }])), [], 'starship=true');
  }
  mutate(
    t,
    daemonSet(requiredTerms([{ matchExpressions: [{ key: 'starship', operator: 'Exists' }] }])),
    [{ op: 'add', path: `${REQUIRED}/nodeSelectorTerms/0/matchExpressions/-`, value: notIn }],
    'starship=true',
  );
  // A nodeSelector on another value of the key already keeps the pods off starship nodes.
  mutate(t, daemonSet({ nodeSelector: { starship: 'false' } }), [], 'starship=true');
});

t.test('keys with / and ~ travel as values; paths stay valid JSON Pointers', async (t) => {
  const key = 'example.com/star~ship';
  const patched = mutate(
    t,
    daemonSet(requiredTerms([{ matchExpressions: [GPU_EXISTS] }])),
    [
      {
        op: 'add',
        path: `${REQUIRED}/nodeSelectorTerms/0/matchExpressions/-`,
        value: { key, operator: 'NotIn', values: ['a/b~c'] },
      },
    ],
    `${key}=a/b~c`,
  );
  t.same(termsOf(patched)[0].matchExpressions[1], { key, operator: 'NotIn', values: ['a/b~c'] });
});

t.test('empty, null and invalid terms match no node and are not widened', async (t) => {
  mutate(t, daemonSet(requiredTerms([])), []);
  mutate(t, daemonSet({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {} } } }), []);
  mutate(t, daemonSet(requiredTerms([{}, null, { matchExpressions: [] }, { matchExpressions: [GPU_EXISTS] }])), [
    { op: 'add', path: `${REQUIRED}/nodeSelectorTerms/3/matchExpressions/-`, value: DOES_NOT_EXIST },
  ]);
  mutate(t, daemonSet(requiredTerms([{ matchExpressions: [{ key: 'gpu', operator: 'Gt', values: ['many'] }] }])), []);
});

t.test('a pod template without spec gets the chain created under template', async (t) => {
  const object = daemonSet();
  (object.spec as Record<string, unknown>).template = { metadata: { labels: { app: 'dcgm-exporter' } } };
  mutate(t, object, [
    {
      op: 'add',
      path: POD,
      value: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: ONLY_EXCLUSION } } },
    },
  ]);
});

t.test('patches from the same object are independent values', async (t) => {
  const object = daemonSet(requiredTerms([{ matchExpressions: [GPU_EXISTS] }, { matchExpressions: [GPU_EXISTS] }]));
  const { patch } = policy.evaluate(object, dcgmConfig({ starshipNodeLabel: 'starship=true' }), CREATE);
  const [first, second] = patch.map((op) => (op as { value: { values: string[] } }).value);
  t.not(first, second, 'no shared object between ops');
  t.not(first?.values, second?.values, 'no shared values list between ops');
});

t.test('thousands of terms: one op each, idempotent', async (t) => {
  const terms = Array.from({ length: 5000 }, (_, i) => ({
    matchExpressions: [{ key: `k${i}`, operator: 'In', values: ['a', 'b'] }],
  }));
  const object = daemonSet(requiredTerms(terms));
  const { patch } = policy.evaluate(object, dcgmConfig(), CREATE);
  t.equal(patch.length, 5000);
  t.same(policy.evaluate(applyToClone(object, patch), dcgmConfig(), CREATE).patch, []);
});
