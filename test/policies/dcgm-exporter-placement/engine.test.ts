// The policy as registered, through the engine that applies enforcement modes and the opt-out
// annotation (the engine is the lead's; this checks the policy's part of the wiring).
import t from 'tap';
import { defaultConfig, type PromgateConfig } from '../../../src/config/schema.js';
import { decide } from '../../../src/policies/engine.js';
import type { EnforcementMode } from '../../../src/policies/policy.js';
import { applyToClone, CREATE, daemonSet } from './helpers.js';

function configWith(enforcement: EnforcementMode): PromgateConfig {
  const config = defaultConfig();
  config.dcgmExporter.enforcement = enforcement;
  return config;
}

t.test('enforce: mutate patches, validate denies the original and allows the mutated object', async (t) => {
  const config = configWith('enforce');
  const object = daemonSet();
  const mutation = decide(object, config, CREATE, 'mutate');
  t.equal(mutation.patch.length, 1);
  const denied = decide(object, config, CREATE, 'validate');
  t.equal(denied.allowed, false);
  t.equal(denied.denials[0]?.policy, 'dcgm-exporter-placement');
  const allowed = decide(applyToClone(object, mutation.patch), config, CREATE, 'validate');
  t.equal(allowed.allowed, true);
  t.same(allowed.warnings, []);
});

t.test('warn and audit allow; off ignores; the skip annotation opts out with a warning', async (t) => {
  const object = daemonSet();
  t.equal(decide(object, configWith('warn'), CREATE, 'validate').allowed, true);
  t.ok(decide(object, configWith('warn'), CREATE, 'validate').warnings.length > 0);
  t.equal(decide(object, configWith('audit'), CREATE, 'validate').allowed, true);
  t.same(decide(object, configWith('audit'), CREATE, 'mutate').patch, [], 'audit only watches');
  t.same(decide(object, configWith('off'), CREATE, 'mutate').outcomes, []);
  const skipped = daemonSet();
  skipped.metadata = { ...skipped.metadata, annotations: { 'promgate.io/skip': 'true' } };
  const verdict = decide(skipped, configWith('enforce'), CREATE, 'validate');
  t.equal(verdict.allowed, true);
  t.equal(
    verdict.warnings[0],
    'promgate: dcgm-exporter-placement: promgate.io/skip=true: not enforced despite 1 violation(s)',
  );
  t.same(decide(skipped, configWith('enforce'), CREATE, 'mutate').patch, []);
});
