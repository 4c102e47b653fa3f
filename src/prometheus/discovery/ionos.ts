// ionos_sd_configs (discovery/ionos, ionos.SDConfig): servers of one IONOS Cloud data center.
import type { StructSpec } from '../schema/decoder.js';
import { string } from '../schema/types.js';
import { apiDiscoverySpec, required } from './unmarshal-checks.js';

export const ionosSpec: StructSpec = apiDiscoverySpec('ionos.plain', { datacenter_id: { type: string } }, [
  required('datacenter_id', "datacenter id can't be empty"),
]);
