// hetzner_sd_configs (discovery/hetzner, hetzner.SDConfig): Hetzner Cloud (`hcloud`) or Robot
// (`robot`) servers. The role type refuses other values while it is decoded.
import type { StructSpec } from '../schema/decoder.js';
import { apiDiscoverySpec, required, roleType } from './unmarshal-checks.js';

export const hetznerSpec: StructSpec = apiDiscoverySpec(
  'hetzner.plain',
  { role: { type: roleType('hetzner.Role', ['robot', 'hcloud']) } },
  [required('role', 'role missing (one of: robot, hcloud)')],
);
