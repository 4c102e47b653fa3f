// Property tests over generated affinity shapes (random terms, all six operators, keys with `/` and
// `~`, matchFields-only terms, nulls, empty and invalid pieces), judged by the independent oracle in
// test/support/node-affinity.ts against generated nodes:
// - exclusion: after the patch no starship node is admitted; no node is newly admitted; every
//   non-starship node admitted before still is;
// - preservation: undoing the added exclusions gives back the original byte for byte;
// - idempotence: a second pass yields no patch and no "can still be scheduled" violation;
// - verdict soundness: a sampled starship node admitted before ⇒ violations; a sampled node admitted
//   after ⇒ no "can never be scheduled" violation; every warning, cut to 120 characters as
//   returned, still names the place in the affinity it is about.
import t from 'tap';
import fc from 'fast-check';
import { dcgmExporterPlacementPolicy as policy } from '../../../src/policies/dcgm-exporter-placement/index.js';
import { policyWarning, shortenWarning } from '../../../src/common/warnings.js';
import { satisfiable, type Requirement } from '../../../src/policies/dcgm-exporter-placement/selector.js';
import type { KubernetesObject } from '../../../src/policies/policy.js';
import { daemonSetAdmitsNode, withStarshipLabel, type TestNode } from '../../support/node-affinity.js';
import { applyToClone, CREATE, daemonSet, dcgmConfig, revertPatch, termsOf } from './helpers.js';

const STARSHIP_SETTINGS = ['starship', 'starship=true', 'a/b', 'x~y=1', 'star~/ship=on~/off'];
const KEYS = ['starship', 'a/b', 'x~y', 'star~/ship', 'gpu', 'zone'];
const VALUES = ['true', 'on~/off', '1', '2', '10', '007', 'a', 'x~y/z'];
const INTEGERS = ['-1', '0', '1', '5', '10', '9223372036854775807', 'nan'];
const NODE_NAMES = ['n1', 'n2', 'n3'];

/** Drops `undefined` members, as YAML and JSON do; keeps nulls. */
function compact<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Usually `arb`, sometimes null or absent (file-shaped and API-server-shaped objects). */
const maybe = <T>(arb: fc.Arbitrary<T>, presentWeight = 3): fc.Arbitrary<T | null | undefined> =>
  fc.oneof({ weight: presentWeight, arbitrary: arb }, fc.constant(null), fc.constant(undefined));

const key = fc.constantFrom(...KEYS);
const value = fc.constantFrom(...VALUES);

const labelRequirement = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      key,
      operator: fc.constantFrom('In', 'NotIn'),
      values: fc.array(value, { minLength: 1, maxLength: 3 }),
    }),
  },
  { weight: 6, arbitrary: fc.record({ key, operator: fc.constantFrom('Exists', 'DoesNotExist') }) },
  {
    weight: 1,
    arbitrary: fc.record({
      key,
      operator: fc.constantFrom('Exists', 'DoesNotExist'),
      values: fc.constantFrom(null, [] as string[]),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      key,
      operator: fc.constantFrom('Gt', 'Lt'),
      values: fc.tuple(fc.constantFrom(...INTEGERS)),
    }),
  },
  // Rare invalid shapes: the API server rejects them; the policy must neither crash nor widen.
  { weight: 1, arbitrary: fc.record({ key, operator: fc.constantFrom('Bogus', 'In') }) },
);

const fieldRequirement = fc.record({
  key: fc.constant('metadata.name'),
  operator: fc.constantFrom('In', 'NotIn'),
  values: fc.tuple(fc.constantFrom(...NODE_NAMES)),
});

const term = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      matchExpressions: maybe(fc.array(labelRequirement, { maxLength: 4 })),
      matchFields: maybe(fc.array(fieldRequirement, { maxLength: 2 })),
    }),
  },
  { weight: 1, arbitrary: fc.constant(null) },
);

const preferred = fc.constant([
  { weight: 5, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
]);

const nodeAffinity = fc.record({
  requiredDuringSchedulingIgnoredDuringExecution: maybe(
    fc.record({ nodeSelectorTerms: maybe(fc.array(term, { maxLength: 4 }), 12) }),
    6,
  ),
  preferredDuringSchedulingIgnoredDuringExecution: fc.option(preferred, { nil: undefined }),
});

const affinity = fc.record({
  nodeAffinity: maybe(nodeAffinity, 8),
  podAntiAffinity: fc.option(fc.constant({ preferredDuringSchedulingIgnoredDuringExecution: [] }), { nil: undefined }),
});

const podSpecExtras = fc.record({
  affinity: maybe(affinity, 8),
  nodeSelector: maybe(fc.dictionary(key, value, { maxKeys: 2 })),
  tolerations: maybe(fc.constant([{ operator: 'Exists' }])),
});

const node: fc.Arbitrary<TestNode> = fc.record({
  labels: fc.dictionary(key, fc.oneof(value, fc.constantFrom(...INTEGERS)), { maxKeys: 4 }),
  name: fc.constantFrom(...NODE_NAMES),
});

const scenario = fc.record({
  starshipNodeLabel: fc.constantFrom(...STARSHIP_SETTINGS),
  extras: podSpecExtras,
  nodes: fc.array(node, { minLength: 10, maxLength: 25 }),
  anyStarshipValue: fc.constantFrom('true', '1', 'other'),
});

const RUNS = { numRuns: 400 };

function isStarship(n: TestNode, setting: string): boolean {
  const [k, v] = setting.includes('=')
    ? [setting.slice(0, setting.indexOf('=')), setting.slice(setting.indexOf('=') + 1)]
    : [setting, undefined];
  return Object.hasOwn(n.labels, k) && (v === undefined || n.labels[k] === v);
}

function evaluateScenario(starshipNodeLabel: string, extras: Record<string, unknown>) {
  const config = dcgmConfig({ starshipNodeLabel });
  const object: KubernetesObject = compact(daemonSet(extras));
  const first = policy.evaluate(object, config, CREATE);
  const patched = applyToClone(object, first.patch);
  return { config, object, first, patched, second: policy.evaluate(patched, config, CREATE) };
}

t.test('exclusion invariant: starship nodes refused, everything else unchanged', async (t) => {
  fc.assert(
    fc.property(scenario, ({ starshipNodeLabel, extras, nodes, anyStarshipValue }) => {
      const { object, patched } = evaluateScenario(starshipNodeLabel, extras);
      for (const n of nodes) {
        const before = daemonSetAdmitsNode(object, n);
        const after = daemonSetAdmitsNode(patched, n);
        if (after && !before) return false;
        if (before && !isStarship(n, starshipNodeLabel) && !after) return false;
        if (isStarship(n, starshipNodeLabel) && after) return false;
        if (daemonSetAdmitsNode(patched, withStarshipLabel(n, starshipNodeLabel, anyStarshipValue))) return false;
      }
      return true;
    }),
    RUNS,
  );
  t.pass('held for every generated shape and node');
});

t.test('preservation, minimality and idempotence', async (t) => {
  fc.assert(
    fc.property(scenario, ({ starshipNodeLabel, extras }) => {
      const { object, first, patched, second } = evaluateScenario(starshipNodeLabel, extras);
      const terms: unknown = termsOf(object);
      const maxOps = Array.isArray(terms) ? terms.length : 1;
      if (first.patch.length > maxOps) return false;
      if (!first.patch.every((op) => op.op === 'add' && op.path.startsWith('/spec/template/spec'))) return false;
      if (JSON.stringify(revertPatch(patched, object, first.patch)) !== JSON.stringify(object)) return false;
      if (second.patch.length !== 0) return false;
      return !second.violations.some((v) => v.message.includes('can run on starship nodes'));
    }),
    RUNS,
  );
  t.pass('held for every generated shape');
});

/** What a returned warning opens with: the place in the pod template's affinity, whole. */
const LEADS_WITH_PLACE =
  /^promgate: dcgm-exporter-placement: (nodeSelectorTerms\[\d+\][ .]|required node affinity |no nodeSelectorTerm )/;

t.test('verdicts are sound against sampled nodes; warnings lead with the place', async (t) => {
  fc.assert(
    fc.property(scenario, ({ starshipNodeLabel, extras, nodes, anyStarshipValue }) => {
      const { object, first, patched, second } = evaluateScenario(starshipNodeLabel, extras);
      const starshipNodes = nodes.map((n) => withStarshipLabel(n, starshipNodeLabel, anyStarshipValue));
      if (starshipNodes.some((n) => daemonSetAdmitsNode(object, n))) {
        if (!first.violations.some((v) => v.message.includes('can run on starship nodes'))) return false;
        if (first.patch.length === 0) return false;
      }
      const neverScheduled = second.violations.some((v) => v.message.includes('can never be scheduled'));
      if (neverScheduled && nodes.some((n) => daemonSetAdmitsNode(patched, n))) return false;
      if (
        JSON.stringify(first.violations.filter((v) => v.message.includes('can never'))) !==
        JSON.stringify(second.violations)
      ) {
        return false; // the same unschedulability verdict before and after mutation
      }
      return [...first.warnings, ...second.warnings].every((w) =>
        LEADS_WITH_PLACE.test(shortenWarning(policyWarning('dcgm-exporter-placement', w))),
      );
    }),
    RUNS,
  );
  t.pass('held for every generated shape');
});

t.test('the satisfiability solver never misses a node the oracle finds', async (t) => {
  const requirement: fc.Arbitrary<Requirement> = fc.oneof(
    fc.record({
      key,
      operator: fc.constantFrom('In' as const, 'NotIn' as const),
      values: fc.array(fc.oneof(value, fc.constantFrom(...INTEGERS)), { minLength: 1, maxLength: 3 }),
      origin: fc.constant('x'),
    }),
    fc.record({
      key,
      operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const),
      values: fc.constant<string[]>([]),
      origin: fc.constant('x'),
    }),
    fc.record({
      key,
      operator: fc.constantFrom('Gt' as const, 'Lt' as const),
      values: fc.tuple(fc.constantFrom('-1', '0', '1', '5', '10')),
      origin: fc.constant('x'),
    }),
  );
  fc.assert(
    fc.property(
      fc.array(requirement, { minLength: 1, maxLength: 5 }),
      fc.array(node, { minLength: 20, maxLength: 40 }),
      (requirements, nodes) => {
        const podSpec = {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: requirements.map(({ origin: _origin, ...r }) => r) }],
              },
            },
          },
        };
        const found = nodes.some((n) => daemonSetAdmitsNode({ spec: { template: { spec: podSpec } } }, n));
        return !found || satisfiable(requirements);
      },
    ),
    { numRuns: 1000 },
  );
  t.pass('no false "unsatisfiable"');
});

t.test('solver edge cases', async (t) => {
  const r = (k: string, operator: Requirement['operator'], values: string[] = []): Requirement => ({
    key: k,
    operator,
    values,
    origin: 'x',
  });
  t.ok(satisfiable([r('k', 'Gt', ['1']), r('k', 'Lt', ['3'])]), '2 fits');
  t.notOk(satisfiable([r('k', 'Gt', ['1']), r('k', 'Lt', ['3']), r('k', 'NotIn', ['2'])]), 'only 2 fits, excluded');
  t.ok(satisfiable([r('k', 'Gt', ['1']), r('k', 'Lt', ['4']), r('k', 'NotIn', ['2'])]));
  t.notOk(satisfiable([r('k', 'Gt', ['9223372036854775807'])]), 'nothing above int64 max');
  t.ok(satisfiable([r('k', 'Lt', ['5']), r('k', 'NotIn', ['4', '3', '2'])]));
  t.ok(satisfiable([r('k', 'In', ['007']), r('k', 'Gt', ['6'])]), '007 parses as 7');
  t.notOk(satisfiable([r('k', 'In', ['a']), r('k', 'In', ['b'])]));
  t.ok(satisfiable([r('k', 'NotIn', ['a']), r('k', 'DoesNotExist')]), 'absent satisfies both');
  t.notOk(satisfiable([r('k', 'Exists'), r('k', 'DoesNotExist')]));
  t.ok(satisfiable([r('k', 'Exists'), r('j', 'DoesNotExist')]), 'keys are independent');
  t.ok(satisfiable([r('k', 'Gt', ['1']), r('k', 'NotIn', ['2', '3', '4', '05'])]), '5 is free: "05" is another string');
  t.notOk(satisfiable([r('k', 'Gt', ['1']), r('k', 'Lt', ['5']), r('k', 'NotIn', ['4', '2', '3'])]));
  t.ok(satisfiable([r('k', 'Lt', ['3']), r('k', 'NotIn', ['2', '1', '0'])]), '-1 fits');
  t.notOk(
    satisfiable([r('k', 'Lt', ['-9223372036854775807']), r('k', 'NotIn', ['-9223372036854775808'])]),
    'nothing below int64 min',
  );
  t.ok(satisfiable([r('k', 'Gt', ['5']), r('k', 'Gt', ['1']), r('k', 'Lt', ['7'])]), 'the tightest bounds count: 6');
  t.notOk(satisfiable([r('k', 'Gt', ['5']), r('k', 'Lt', ['7']), r('k', 'In', ['5', '7'])]));
  t.ok(satisfiable([], [r('metadata.name', 'In', ['n1'])]));
  t.notOk(satisfiable([], [r('metadata.name', 'In', ['n1']), r('metadata.name', 'NotIn', ['n1'])]));
});

t.test('the solver stays linear on hostile sizes (answers, not timings, are asserted)', async (t) => {
  const r = (operator: Requirement['operator'], values: string[]): Requirement => ({
    key: 'k',
    operator,
    values,
    origin: 'x',
  });
  const manyValues = Array.from({ length: 500 }, (_, i) => String(i));
  const manyIns = Array.from({ length: 1000 }, () => r('In', manyValues));
  t.ok(satisfiable([...manyIns, r('NotIn', manyValues.slice(0, 499))]), 'only 499 is left');
  t.notOk(satisfiable([...manyIns, r('NotIn', manyValues)]));
  const blocked = Array.from({ length: 100_000 }, (_, i) => String(i + 1));
  t.ok(satisfiable([r('Gt', ['0']), r('NotIn', blocked)]), '100001 is the first free integer');
  t.notOk(satisfiable([r('Gt', ['0']), r('Lt', ['100001']), r('NotIn', blocked)]));
});
