// Policy `dcgm-exporter-placement` (SPEC §2): keep NVIDIA dcgm-exporter pods off starship GPU nodes.
import { NO_FINDINGS, type Policy } from '../policy.js';
import { describePatch } from './describe-patch.js';
import { evaluatePlacement, type PlacementConfig } from './evaluate.js';
import { isDcgmExporterDaemonSet, whyNotDcgmExporter } from './identify.js';

export const dcgmExporterPlacementPolicy: Policy<PlacementConfig> = {
  name: 'dcgm-exporter-placement',
  judges: 'apps/v1 DaemonSets',
  rule: 'exclude-starship-nodes',
  notJudged(object, config) {
    return whyNotDcgmExporter(object, config.match);
  },
  evaluate(object, config, context) {
    // Only a CREATE or UPDATE carries a pod template that will be scheduled.
    if (context.operation !== 'CREATE' && context.operation !== 'UPDATE') return NO_FINDINGS;
    if (!isDcgmExporterDaemonSet(object, config.match)) return NO_FINDINGS;
    return evaluatePlacement(object, config);
  },
  describePatch,
};
