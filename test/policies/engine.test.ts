// The engine applies enforcement modes, the opt-out annotation and failure modes the same way
// for every policy; a tiny test policy stands in for the real ones.
import t from 'tap';
import { defaultConfig, type PromgateConfig } from '../../src/config/schema.js';
import { decide } from '../../src/policies/engine.js';
import type { EnforcementMode, KubernetesObject, Policy } from '../../src/policies/policy.js';
import { entry } from '../../src/policies/registry.js';
import { policyWarning, shortenWarning } from '../../src/common/warnings.js';

interface TestConfig {
  enforcement: EnforcementMode;
}

const flagging: Policy<TestConfig> = {
  name: 'test-policy',
  judges: 'Widgets',
  rule: 'widget-rule',
  notJudged: (object) => (object.kind === 'Widget' ? undefined : { reason: 'not a Widget', otherKind: true }),
  evaluate(object) {
    if (object.metadata?.name === 'explodes') throw new Error('boom');
    return {
      violations: [{ field: 'spec.size', message: 'too big' }],
      warnings: ['advice'],
      patch: [{ op: 'replace', path: '/spec/size', value: 1 }],
    };
  },
};

function policiesWith(mode: EnforcementMode) {
  return [entry(flagging, () => ({ enforcement: mode }))];
}

const widget = (name: string, annotations: Record<string, string> = {}): KubernetesObject => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name, annotations },
  spec: { size: 9 },
});

const config: PromgateConfig = defaultConfig();
const context = { operation: 'CREATE' as const };

t.test('modes', async (t) => {
  const enforce = decide(widget('w'), config, context, 'validate', policiesWith('enforce'));
  t.equal(enforce.allowed, false);
  t.same(enforce.denials, [{ field: 'spec.size', message: 'too big', policy: 'test-policy' }]);
  t.same(enforce.warnings, ['promgate: test-policy: advice'], 'advice is returned even when denying');

  const warn = decide(widget('w'), config, context, 'validate', policiesWith('warn'));
  t.equal(warn.allowed, true);
  t.same(warn.warnings, ['promgate: test-policy: advice', 'promgate: test-policy: too big']);

  const audit = decide(widget('w'), config, context, 'validate', policiesWith('audit'));
  t.equal(audit.allowed, true);
  t.same(audit.warnings, ['promgate: test-policy: advice'], 'audit mode says nothing of the violation to the client');
  t.equal(audit.outcomes[0]?.evaluation.violations.length, 1, 'but reports it for logging and counting');

  const off = decide(widget('w'), config, context, 'validate', policiesWith('off'));
  t.same(off, {
    allowed: true,
    patch: [],
    warnings: [],
    denials: [],
    outcomes: [],
    notApplied: [{ policy: 'test-policy', reason: 'test-policy is off (enforcement: off)', otherKind: false }],
    optOut: 'none',
  });
});

t.test('mutation patches in enforce and warn modes only', async (t) => {
  for (const [mode, patched] of [
    ['enforce', true],
    ['warn', true],
    ['audit', false],
    ['off', false],
  ] as const) {
    const decision = decide(widget('w'), config, context, 'mutate', policiesWith(mode));
    t.equal(decision.patch.length > 0, patched, `${mode}: ${patched ? 'patch' : 'no patch'}`);
    t.equal(decision.allowed, true, `${mode}: mutation never denies`);
  }
});

t.test('objects a policy does not apply to are untouched, and the decision says why', async (t) => {
  const other = { ...widget('w'), kind: 'Gadget' };
  const decision = decide(other, config, context, 'validate', policiesWith('enforce'));
  t.same(decision.outcomes, []);
  t.same(decision.notApplied, [{ policy: 'test-policy', reason: 'not a Widget', otherKind: true }]);
});

t.test('the skip annotation opts out, never silently', async (t) => {
  const skipped = widget('w', { 'promgate.io/skip': 'true' });
  const validation = decide(skipped, config, context, 'validate', policiesWith('enforce'));
  t.equal(validation.allowed, true);
  t.same(validation.warnings, ['promgate: test-policy: promgate.io/skip=true: not enforced despite 1 violation(s)']);
  t.equal(validation.outcomes[0]?.skipped, true, 'reported as skipped for audit and metrics');
  t.same(
    decide(skipped, config, context, 'mutate', policiesWith('enforce')).patch,
    [],
    'no patch for an opted-out object',
  );
  const notTrue = decide(
    widget('w', { 'promgate.io/skip': 'yes' }),
    config,
    context,
    'validate',
    policiesWith('enforce'),
  );
  t.equal(notTrue.allowed, false, 'only the exact value "true" opts out');
});

t.test('an internal error follows the failure mode: deny in enforce, allow with a warning otherwise', async (t) => {
  const enforce = decide(widget('explodes'), config, context, 'validate', policiesWith('enforce'));
  t.equal(enforce.allowed, false);
  t.match(enforce.denials[0]?.message, /internal error in policy test-policy: boom/);
  t.ok(enforce.outcomes[0]?.internalError, 'the error is kept for the log');
  for (const mode of ['warn', 'audit'] as const) {
    const soft = decide(widget('explodes'), config, context, 'validate', policiesWith(mode));
    t.equal(soft.allowed, true, `${mode}: allowed`);
    t.same(soft.warnings, ['promgate: test-policy: internal error: boom'], `${mode}: with a warning`);
  }
});

t.test('an object being deleted is never patched nor denied, whatever the mode', async (t) => {
  const terminating: KubernetesObject = {
    ...widget('w'),
    metadata: { name: 'w', deletionTimestamp: '2026-12-01T10:00:00Z', finalizers: ['foregroundDeletion'] },
  };
  const update = { operation: 'UPDATE' as const, oldObject: terminating };
  for (const mode of ['enforce', 'warn', 'audit'] as const) {
    t.same(decide(terminating, config, update, 'mutate', policiesWith(mode)).patch, [], `${mode}: no patch`);
    const validation = decide(terminating, config, update, 'validate', policiesWith(mode));
    t.equal(validation.allowed, true, `${mode}: allowed`);
    t.same(validation.warnings, [], `${mode}: nothing to say about an object on its way out`);
    t.same(
      validation.notApplied,
      [
        {
          policy: 'test-policy',
          reason: 'being deleted (metadata.deletionTimestamp is set): never patched nor denied, so it can go',
          otherKind: false,
        },
      ],
      `${mode}: and says why it did not judge it`,
    );
  }
});

t.test('who may add the skip annotation (optOut)', async (t) => {
  const skipAnnotation = { 'promgate.io/skip': 'true' };
  const skipped = widget('w', skipAnnotation);
  const developer = { username: 'dev@example.com', groups: ['system:authenticated', 'developers'] };
  const admin = { username: 'kubernetes-admin', groups: ['system:authenticated', 'system:masters'] };
  const create = (user: typeof developer) => ({ operation: 'CREATE' as const, user });

  const refused = decide(skipped, config, create(developer), 'validate', policiesWith('enforce'));
  t.equal(refused.optOut, 'refused');
  t.equal(refused.allowed, false, 'adding it without being named in optOut is denied');
  t.same(refused.denials[0], {
    policy: 'test-policy',
    field: 'metadata.annotations[promgate.io/skip]',
    message:
      'dev@example.com may not add promgate.io/skip=true: only members of group system:masters may opt objects out (optOut).',
    warning:
      'promgate.io/skip=true added by dev@example.com: only members of group system:masters may opt objects out (optOut)',
  });
  t.match(
    shortenWarning(policyWarning('dcgm-exporter-placement', refused.denials[0]!.warning!)),
    /^promgate: dcgm-exporter-placement: promgate\.io\/skip=true added by dev@example\.com: only members of group system:masters/,
    "as a warning, the annotation, who added it and who may survive kubectl's cut",
  );
  t.equal(refused.outcomes[0]?.skipped, false, 'and the object is judged');
  t.match(refused.denials, [{}, { message: 'too big' }], "with the policy's own violations");
  t.ok(
    decide(skipped, config, create(developer), 'mutate', policiesWith('enforce')).patch.length > 0,
    'the mutation is not skipped either',
  );

  const byAdmin = decide(skipped, config, create(admin), 'validate', policiesWith('enforce'));
  t.equal(byAdmin.optOut, 'honoured');
  t.equal(byAdmin.allowed, true, 'system:masters may, by default');

  const update = (old: KubernetesObject) => ({ operation: 'UPDATE' as const, oldObject: old, user: developer });
  const kept = decide(skipped, config, update(widget('w', skipAnnotation)), 'validate', policiesWith('enforce'));
  t.equal(kept.optOut, 'honoured', 'keeping an annotation already there is fine');
  t.equal(kept.allowed, true);
  const addedOnUpdate = decide(skipped, config, update(widget('w')), 'validate', policiesWith('enforce'));
  t.equal(addedOnUpdate.optOut, 'refused', 'adding it on UPDATE is adding it');

  const named: PromgateConfig = {
    ...config,
    optOut: { enabled: true, users: ['dev@example.com'], groups: ['cluster-admins'] },
  };
  t.equal(decide(skipped, named, create(developer), 'validate', policiesWith('enforce')).optOut, 'honoured');
  const other = { username: 'ci-bot', groups: [] };
  t.match(
    decide(skipped, named, create(other), 'validate', policiesWith('enforce')).denials[0]?.message,
    'ci-bot may not add promgate.io/skip=true: only user dev@example.com or members of group cluster-admins may',
  );

  const warned = decide(skipped, config, create(developer), 'validate', policiesWith('warn'));
  t.equal(warned.allowed, true);
  t.same(warned.warnings, [
    'promgate: test-policy: advice',
    'promgate: test-policy: promgate.io/skip=true added by dev@example.com: only members of group system:masters may opt objects out (optOut)',
    'promgate: test-policy: too big',
  ]);
  t.ok(
    shortenWarning(warned.warnings[1]!).startsWith(
      'promgate: test-policy: promgate.io/skip=true added by dev@example.com: only',
    ),
    'the annotation, who and the rule survive the cut',
  );

  t.equal(
    decide(skipped, config, { operation: 'CREATE' }, 'validate', policiesWith('enforce')).optOut,
    'honoured',
    'check and audit judge what is written: nobody is asking',
  );
});

t.test('optOut.enabled: false switches the annotation off', async (t) => {
  const off: PromgateConfig = { ...config, optOut: { ...config.optOut, enabled: false } };
  const admin = { username: 'kubernetes-admin', groups: ['system:masters'] };
  const decision = decide(
    widget('w', { 'promgate.io/skip': 'true' }),
    off,
    { operation: 'CREATE', user: admin },
    'validate',
    policiesWith('enforce'),
  );
  t.equal(decision.optOut, 'ignored');
  t.equal(decision.allowed, false, 'judged like any object, even for system:masters');
  t.match(decision.warnings, [
    /promgate\.io\/skip=true is ignored: opt-out is switched off \(optOut\.enabled: false\)/,
  ]);
});
