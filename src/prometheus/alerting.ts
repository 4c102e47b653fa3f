// PLACEHOLDER, owned by another engineer (see docs/prometheus-validator.md): the `alerting` section
// of config.Config. Until it is written, `alerting` is an unknown field and is rejected.
import type { ConfigSection } from './schema/decoder.js';

export const alertingSection: ConfigSection = { fields: {} };
