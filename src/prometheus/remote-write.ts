// PLACEHOLDER, owned by another engineer (see docs/prometheus-validator.md): the `remote_write` section
// of config.Config. Until it is written, `remote_write` is an unknown field and is rejected.
import type { ConfigSection } from './schema/decoder.js';

export const remoteWriteSection: ConfigSection = { fields: {} };
