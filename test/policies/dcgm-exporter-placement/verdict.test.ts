// Violations and warnings judge the object as given: un-mutated → violations; mutated → none;
// exclusion making the DaemonSet unschedulable → violations that explain it; one term lost while
// another survives → patch + warning only.
import t from 'tap';
import { dcgmExporterPlacementPolicy as policy } from '../../../src/policies/dcgm-exporter-placement/index.js';
import { MAX_WARNING_CHARS, policyWarning, shortenWarning } from '../../../src/common/warnings.js';
import type { Evaluation, KubernetesObject } from '../../../src/policies/policy.js';
import { daemonSetAdmitsNode } from '../../support/node-affinity.js';
import { applyToClone, CREATE, daemonSet, dcgmConfig, requiredTerms } from './helpers.js';

const TERM =
  'spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms';
const GPU_EXISTS = { key: 'nvidia.com/gpu', operator: 'Exists' };

/** A warning of this policy as the webhook returns it. */
function asReturned(warning: string): string {
  return policyWarning(policy.name, warning);
}

function judge(
  object: KubernetesObject,
  starshipNodeLabel = 'starship',
): { given: Evaluation; mutated: Evaluation; patched: KubernetesObject } {
  const config = dcgmConfig({ starshipNodeLabel });
  const given = policy.evaluate(object, config, CREATE);
  const patched = applyToClone(object, given.patch);
  return { given, mutated: policy.evaluate(patched, config, CREATE), patched };
}

t.test('un-mutated exporter without affinity: violation naming the DaemonSet and the fix', async (t) => {
  const { given, mutated } = judge(daemonSet());
  t.equal(given.violations.length, 1);
  t.equal(
    given.violations[0]?.field,
    'spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution',
  );
  t.match(
    given.violations[0]?.message,
    /^DaemonSet gpu-monitoring\/dcgm-exporter can run on starship nodes: require starship DoesNotExist in its node affinity\. /,
  );
  t.match(given.violations[0]?.message, '{"matchExpressions":[{"key":"starship","operator":"DoesNotExist"}]}');
  t.same(mutated, { violations: [], warnings: [], patch: [] });
});

t.test('un-mutated terms: one violation per admitting term, with its index', async (t) => {
  const object = daemonSet(
    requiredTerms([
      { matchExpressions: [GPU_EXISTS, { key: 'starship', operator: 'DoesNotExist' }] },
      { matchExpressions: [GPU_EXISTS] },
    ]),
  );
  const { given, mutated } = judge(object);
  t.same(
    given.violations.map((v) => v.field),
    [`${TERM}[1]`],
  );
  t.match(
    given.violations[0]?.message,
    /^DaemonSet gpu-monitoring\/dcgm-exporter can run on starship nodes: add starship DoesNotExist to nodeSelectorTerms\[1\]\. .*appends \{"key":"starship","operator":"DoesNotExist"\} to that term's matchExpressions/,
  );
  t.same(mutated.violations, []);
});

t.test('nodeSelector requiring the starship label: unschedulable, explained, blamed on nodeSelector', async (t) => {
  const { given, mutated, patched } = judge(
    daemonSet({ nodeSelector: { starship: 'enabled', 'nvidia.com/gpu': 'true' } }),
  );
  t.equal(given.patch.length, 1, 'still patched: the pods must stay off starship nodes');
  t.equal(mutated.violations.length, 1);
  t.equal(mutated.violations[0]?.field, 'spec.template.spec.nodeSelector');
  t.match(
    mutated.violations[0]?.message,
    /^DaemonSet gpu-monitoring\/dcgm-exporter can never be scheduled: its nodeSelector needs starship nodes; drop starship\. /,
  );
  t.match(mutated.violations[0]?.message, 'Its nodeSelector starship=enabled requires the starship label starship');
  t.match(
    mutated.violations[0]?.message,
    /opt it out: annotate it promgate\.io\/skip: "true"\.$/,
    'names the annotation',
  );
  const renamed = policy.evaluate(patched, dcgmConfig({ skipAnnotation: 'example.com/no-promgate' }), CREATE);
  t.match(renamed.violations[0]?.message, 'annotate it example.com/no-promgate: "true"', 'the configured one');
  t.ok(
    given.violations.some((v) => v.field === 'spec.template.spec.nodeSelector'),
    'also reported before mutation',
  );
  t.notOk(daemonSetAdmitsNode(patched, { labels: { starship: 'enabled', 'nvidia.com/gpu': 'true' }, name: 'n' }));
});

t.test('every term requiring the starship label (In / Exists / Gt): one violation per term', async (t) => {
  const object = daemonSet(
    requiredTerms([
      { matchExpressions: [GPU_EXISTS, { key: 'starship', operator: 'Exists' }] },
      { matchExpressions: [{ key: 'starship', operator: 'In', values: ['a', 'b'] }] },
      { matchExpressions: [{ key: 'starship', operator: 'Gt', values: ['3'] }] },
    ]),
  );
  const { given, mutated } = judge(object);
  t.equal(given.patch.length, 3);
  t.same(
    mutated.violations.map((v) => v.field),
    [`${TERM}[0]`, `${TERM}[1]`, `${TERM}[2]`],
  );
  t.match(
    mutated.violations[0]?.message,
    'term 0 needs starship nodes; drop its starship Exists. nodeSelectorTerms[0] requires matchExpressions[1] (starship Exists)',
  );
  t.match(mutated.violations[1]?.message, 'matchExpressions[0] (starship In [a, b])');
  t.match(mutated.violations[2]?.message, 'matchExpressions[0] (starship Gt [3])');
  t.match(mutated.violations[0]?.message, 'no other term matches any node');
  t.same(mutated.patch, []);
});

t.test(
  'a hand-written contradiction (In + DoesNotExist in one term) is explained, not mistaken for "unschedulable anyway"',
  async (t) => {
    const object = daemonSet(
      requiredTerms([
        {
          matchExpressions: [
            { key: 'starship', operator: 'In', values: ['x'] },
            { key: 'starship', operator: 'DoesNotExist' },
          ],
        },
      ]),
    );
    const { given } = judge(object);
    t.same(given.patch, []);
    t.equal(given.violations.length, 1);
    t.match(
      given.violations[0]?.message,
      /can never be scheduled: term 0 needs starship nodes; drop its starship In\. nodeSelectorTerms\[0\] requires matchExpressions\[0\]/,
    );
  },
);

t.test('key=value mode: only In [value] contradicts; Exists survives on other values', async (t) => {
  const killed = judge(
    daemonSet(requiredTerms([{ matchExpressions: [{ key: 'starship', operator: 'In', values: ['true'] }] }])),
    'starship=true',
  );
  t.match(killed.mutated.violations[0]?.message, /can never be scheduled/);
  const exists = judge(
    daemonSet(requiredTerms([{ matchExpressions: [{ key: 'starship', operator: 'Exists' }] }])),
    'starship=true',
  );
  t.equal(exists.given.patch.length, 1);
  t.same(exists.mutated, { violations: [], warnings: [], patch: [] });
  const combined = judge(
    daemonSet(
      requiredTerms([
        {
          matchExpressions: [
            { key: 'starship', operator: 'In', values: ['true', 'x'] },
            { key: 'starship', operator: 'NotIn', values: ['x'] },
          ],
        },
      ]),
    ),
    'starship=true',
  );
  t.match(
    combined.mutated.violations[0]?.message,
    'drop its starship requirements. nodeSelectorTerms[0] requires its requirements on starship',
    'no single culprit: names the key',
  );
});

t.test('one term lost while another survives: patch + warning, no violation', async (t) => {
  const object = daemonSet(
    requiredTerms([
      { matchExpressions: [{ key: 'starship', operator: 'Exists' }] },
      { matchExpressions: [GPU_EXISTS] },
    ]),
  );
  const { given, mutated, patched } = judge(object);
  t.equal(given.patch.length, 2);
  t.same(mutated.violations, []);
  t.equal(mutated.warnings.length, 1);
  t.equal(mutated.warnings[0], 'nodeSelectorTerms[0] selects only starship nodes, none once excluded; remove it');
  t.ok(asReturned(mutated.warnings[0]!).length <= MAX_WARNING_CHARS);
  t.same(given.warnings, mutated.warnings, 'the same warning on both passes');
  t.ok(daemonSetAdmitsNode(patched, { labels: { 'nvidia.com/gpu': 'true' }, name: 'n' }));
});

t.test('warnings as returned keep the place and the offending value, whatever the names', async (t) => {
  const object = daemonSet(
    requiredTerms([
      { matchExpressions: [{ key: 'starship', operator: 'Exists' }] },
      {},
      { matchExpressions: [GPU_EXISTS] },
      { matchExpressions: [{ key: 'k', operator: 'Bogus' }] },
    ]),
    'd'.repeat(253),
  );
  (object.metadata as { namespace: string }).namespace = 'n'.repeat(63);
  const returned = judge(object).mutated.warnings.map((warning) => shortenWarning(asReturned(warning)));
  t.same(returned, [
    'promgate: dcgm-exporter-placement: nodeSelectorTerms[0] selects only starship nodes, none once excluded; remove it',
    'promgate: dcgm-exporter-placement: nodeSelectorTerms[1] is empty and matches no node; left unchanged',
    'promgate: dcgm-exporter-placement: nodeSelectorTerms[3].matchExpressions[0] has an unknown operator "Bogus"; left uncha…',
  ]);
  for (const warning of returned) t.ok(warning.length <= MAX_WARNING_CHARS, `${warning.length} chars`);
});

t.test('empty and invalid terms: warned, left unchanged', async (t) => {
  const { given } = judge(
    daemonSet(
      requiredTerms([
        {},
        { matchExpressions: [{ key: 'gpu', operator: 'In', values: [] }] },
        { matchExpressions: [GPU_EXISTS] },
      ]),
    ),
  );
  t.equal(given.patch.length, 1);
  t.match(given.warnings[0], 'nodeSelectorTerms[0] is empty and matches no node');
  t.equal(given.warnings[1], 'nodeSelectorTerms[1].matchExpressions[0] (In) needs values; left unchanged');
  const none = judge(daemonSet(requiredTerms([])));
  t.same(none.given.violations, []);
  t.same(none.given.warnings, ['required node affinity has no nodeSelectorTerms (the API server rejects it)']);
});

t.test('terms unsatisfiable regardless of starship: a warning, not blamed on the exclusion', async (t) => {
  const { given } = judge(
    daemonSet(
      requiredTerms([
        {
          matchExpressions: [
            { key: 'gpu', operator: 'Gt', values: ['5'] },
            { key: 'gpu', operator: 'Lt', values: ['6'] },
          ],
        },
      ]),
    ),
  );
  t.same(given.patch, []);
  t.same(given.violations, []);
  t.match(given.warnings[0], 'no nodeSelectorTerm can match any node, even without the starship exclusion');
});

t.test('a DaemonSet without namespace or name is still named', async (t) => {
  const object = daemonSet();
  object.metadata = { generateName: 'dcgm-' };
  t.match(judge(object).given.violations[0]?.message, 'DaemonSet dcgm-* can run on starship nodes');
});

t.test('every violation opens with a sentence naming DaemonSet, place and fix within 120 characters', async (t) => {
  const objects = [
    daemonSet(),
    daemonSet(requiredTerms([{ matchExpressions: [GPU_EXISTS] }])),
    daemonSet({ nodeSelector: { starship: 'true' } }),
    daemonSet(requiredTerms([{ matchExpressions: [{ key: 'starship', operator: 'Exists' }] }])),
  ];
  for (const setting of ['starship', 'starship=true']) {
    for (const object of objects) {
      for (const violation of judge(object, setting).given.violations) {
        const firstSentence = violation.message.slice(0, violation.message.indexOf('. ') + 1);
        t.ok(firstSentence.startsWith('DaemonSet gpu-monitoring/dcgm-exporter '), firstSentence);
        t.ok(firstSentence.length <= MAX_WARNING_CHARS, `${firstSentence.length} chars: ${firstSentence}`);
        const warning = asReturned(violation.warning ?? '');
        t.ok(warning.length <= MAX_WARNING_CHARS, `the warning form fits whole, ${warning.length} chars: ${warning}`);
        t.match(
          warning,
          /: (required node affinity|nodeSelectorTerms\[\d\]|nodeSelector) /,
          'and leads with the place',
        );
      }
    }
  }
});
