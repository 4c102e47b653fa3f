// PLACEHOLDER, owned by another engineer (see docs/prometheus-validator.md): the `runtime` section
// of config.Config. Until it is written, `runtime` is an unknown field and is rejected.
import type { ConfigSection } from './schema/decoder.js';

export const runtimeSection: ConfigSection = { fields: {} };
