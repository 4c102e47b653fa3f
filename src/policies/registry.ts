// The policies promgate knows. Adding a policy is one folder beside this file and one entry here.
import type { PromgateConfig } from '../config/schema.js';
import { dcgmExporterPlacementPolicy } from './dcgm-exporter-placement/index.js';
import type { EnforcementMode, Policy } from './policy.js';
import { prometheusConfigPolicy } from './prometheus-config/index.js';

export interface PolicyConfigSection {
  enforcement: EnforcementMode;
}

export interface RegisteredPolicy {
  policy: Policy<PolicyConfigSection>;
  /** Picks this policy's section of promgate's configuration. */
  section(config: PromgateConfig): PolicyConfigSection;
}

export function entry<C extends PolicyConfigSection>(
  policy: Policy<C>,
  section: (config: PromgateConfig) => C,
): RegisteredPolicy {
  // The section function hands each policy exactly the config type it was written for.
  return { policy: policy as unknown as Policy<PolicyConfigSection>, section };
}

const policies: readonly RegisteredPolicy[] = [
  // Its messages name the opt-out annotation, which is configured beside the policies.
  entry(dcgmExporterPlacementPolicy, (config) => ({ ...config.dcgmExporter, skipAnnotation: config.skipAnnotation })),
  entry(prometheusConfigPolicy, (config) => config.prometheusConfig),
];

export function registeredPolicies(): readonly RegisteredPolicy[] {
  return policies;
}
