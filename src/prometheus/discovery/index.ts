// PLACEHOLDER owned by the service-discovery engineer (see docs/prometheus-validator.md).
// Registry of every `<name>_sd_configs` block: field name → FieldSpec built with
// `discoveryConfigsField(name, spec, since?)` from ../service-discovery.js. Scrape configs and
// alertmanager configs spread it into their fields; a name missing here is an unknown field.
import type { FieldSpec } from '../schema/decoder.js';

export const serviceDiscoveryFields: Record<string, FieldSpec> = {};
