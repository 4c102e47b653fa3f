// PLACEHOLDER, owned by another engineer (see docs/prometheus-validator.md): the `storage` section
// of config.Config. Until it is written, `storage` is an unknown field and is rejected.
import type { ConfigSection } from './schema/decoder.js';

export const storageSection: ConfigSection = { fields: {} };
