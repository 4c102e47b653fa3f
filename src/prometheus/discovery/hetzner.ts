// hetzner_sd_configs (discovery/hetzner, hetzner.SDConfig): Hetzner Cloud (`hcloud`) or Robot
// (`robot`) servers, filtered by `label_selector` from 3.5. The role type refuses other values while
// it is decoded.
import type { StructSpec } from '../schema/decoder.js';
import { string } from '../schema/types.js';
import { apiDiscoverySpec, required, roleType } from './unmarshal-checks.js';

export const hetznerSpec: StructSpec = apiDiscoverySpec(
  'hetzner.plain',
  { role: { type: roleType('hetzner.Role', ['robot', 'hcloud']) }, label_selector: { type: string, since: '3.5' } },
  [required('role', 'role missing (one of: robot, hcloud)')],
);
