// linode_sd_configs (discovery/linode, linode.SDConfig): Linode instances; only the HTTP client
// settings are checked. `region` (a filter) came with 2.52.
import type { StructSpec } from '../schema/decoder.js';
import { string } from '../schema/types.js';
import { apiDiscoverySpec } from './unmarshal-checks.js';

export const linodeSpec: StructSpec = apiDiscoverySpec(
  'linode.plain',
  {
    tag_separator: { type: string, default: ',' },
    region: { type: string, since: '2.52' },
  },
  [],
);
