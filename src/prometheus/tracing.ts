// PLACEHOLDER, owned by another engineer (see docs/prometheus-validator.md): the `tracing` section
// of config.Config. Until it is written, `tracing` is an unknown field and is rejected.
import type { ConfigSection } from './schema/decoder.js';

export const tracingSection: ConfigSection = { fields: {} };
