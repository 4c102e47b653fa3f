// digitalocean_sd_configs (discovery/digitalocean, digitalocean.SDConfig): droplets; only the HTTP
// client settings are checked.
import type { StructSpec } from '../schema/decoder.js';
import { apiDiscoverySpec } from './unmarshal-checks.js';

export const digitaloceanSpec: StructSpec = apiDiscoverySpec('digitalocean.plain', {}, []);
