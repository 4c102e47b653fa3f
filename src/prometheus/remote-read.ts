// PLACEHOLDER, owned by another engineer (see docs/prometheus-validator.md): the `remote_read` section
// of config.Config. Until it is written, `remote_read` is an unknown field and is rejected.
import type { ConfigSection } from './schema/decoder.js';

export const remoteReadSection: ConfigSection = { fields: {} };
