// dockerswarm_sd_configs (discovery/moby/dockerswarm.go, moby.DockerSwarmSDConfig): services,
// tasks or nodes of a Swarm cluster.
import type { StructSpec } from '../schema/decoder.js';
import { string } from '../schema/types.js';
import type { Check } from './unmarshal-checks.js';
import { apiDiscoverySpec, stringField } from './unmarshal-checks.js';
import { dockerFiltersField, dockerHostChecks } from './docker.js';

const SWARM_ROLES = ['services', 'nodes', 'tasks'];

const knownRole: Check = (sd) => {
  const role = stringField(sd, 'role');
  if (role === '') return { message: 'role missing (one of: tasks, services, nodes)', field: 'role' };
  if (!SWARM_ROLES.includes(role))
    return { message: `invalid role ${role}, expected tasks, services, or nodes`, field: 'role' };
  return undefined;
};

export const dockerswarmSpec: StructSpec = apiDiscoverySpec(
  'moby.plain',
  {
    host: { type: string },
    role: { type: string },
    filters: dockerFiltersField,
  },
  [...dockerHostChecks, knownRole],
);
