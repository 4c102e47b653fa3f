// The readable affinity diff `promgate check` prints next to the JSON Patch.
import t from 'tap';
import { describePatch } from '../../../src/policies/dcgm-exporter-placement/describe-patch.js';
import { dcgmExporterPlacementPolicy as policy } from '../../../src/policies/dcgm-exporter-placement/index.js';
import type { KubernetesObject } from '../../../src/policies/policy.js';
import { CREATE, daemonSet, dcgmConfig, requiredTerms } from './helpers.js';

function describe(object: KubernetesObject, starshipNodeLabel = 'starship'): string {
  return describePatch(object, policy.evaluate(object, dcgmConfig({ starshipNodeLabel }), CREATE).patch);
}

t.test('existing terms: context lines kept, added requirement marked with +', async (t) => {
  const object = daemonSet(requiredTerms([{ matchExpressions: [{ key: 'nvidia.com/gpu', operator: 'Exists' }] }]));
  const before = JSON.stringify(object);
  t.equal(
    describe(object),
    [
      'spec.template.spec.affinity:',
      '  nodeAffinity:',
      '    requiredDuringSchedulingIgnoredDuringExecution:',
      '      nodeSelectorTerms:',
      '        - matchExpressions:',
      '            - key: nvidia.com/gpu',
      '              operator: Exists',
      '+           - key: starship',
      '+             operator: DoesNotExist',
    ].join('\n'),
  );
  t.equal(JSON.stringify(object), before, 'the object is not modified');
});

t.test('no affinity before: everything is added', async (t) => {
  t.equal(
    describe(daemonSet(), 'starship=true'),
    [
      'spec.template.spec.affinity: (none before)',
      '+ nodeAffinity:',
      '+   requiredDuringSchedulingIgnoredDuringExecution:',
      '+     nodeSelectorTerms:',
      '+       - matchExpressions:',
      '+           - key: starship',
      '+             operator: NotIn',
      '+             values:',
      '+               - "true"',
    ].join('\n'),
  );
});

t.test('a null nodeAffinity shows as replaced', async (t) => {
  const text = describe(daemonSet({ affinity: { nodeAffinity: null } }));
  t.match(text, /^- nodeAffinity: null$/m);
  t.match(text, /^\+ nodeAffinity:$/m);
});

t.test('empty patch', async (t) => {
  t.equal(describePatch(daemonSet(), []), 'spec.template.spec.affinity: unchanged');
});

t.test('a huge affinity is not diffed line by line', async (t) => {
  const terms = Array.from({ length: 3000 }, (_, i) => ({ matchExpressions: [{ key: `k${i}`, operator: 'Exists' }] }));
  t.match(
    describe(daemonSet(requiredTerms(terms))),
    /^spec\.template\.spec\.affinity: \d+ → \d+ lines, too large for a readable diff/,
  );
});
