// vultr_sd_configs (discovery/vultr, vultr.SDConfig): Vultr instances; only the HTTP client
// settings are checked.
import type { StructSpec } from '../schema/decoder.js';
import { apiDiscoverySpec } from './unmarshal-checks.js';

export const vultrSpec: StructSpec = apiDiscoverySpec('vultr.plain', {}, []);
