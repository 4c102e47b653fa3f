// The engine applies enforcement modes, the opt-out annotation and failure modes the same way
// for every policy; a tiny test policy stands in for the real ones.
import t from 'tap';
import { defaultConfig, type PromgateConfig } from '../../src/config/schema.js';
import { decide } from '../../src/policies/engine.js';
import type { EnforcementMode, KubernetesObject, Policy } from '../../src/policies/policy.js';
import { entry } from '../../src/policies/registry.js';

interface TestConfig {
  enforcement: EnforcementMode;
}

const flagging: Policy<TestConfig> = {
  name: 'test-policy',
  appliesTo: (object) => object.kind === 'Widget',
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
  t.same(off, { allowed: true, patch: [], warnings: [], denials: [], outcomes: [] });
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

t.test('objects a policy does not apply to are untouched', async (t) => {
  const other = { ...widget('w'), kind: 'Gadget' };
  t.same(decide(other, config, context, 'validate', policiesWith('enforce')).outcomes, []);
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
  }
});
