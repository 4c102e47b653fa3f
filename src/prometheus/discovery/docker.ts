// docker_sd_configs (discovery/moby/docker.go, moby.DockerSDConfig): containers of one Docker
// engine. `match_first_network` came with 2.54.
import type { FieldSpec, StructSpec } from '../schema/decoder.js';
import { struct } from '../schema/decoder.js';
import { bool, list, string } from '../schema/types.js';
import { apiDiscoverySpec, parsesAsUrl, required } from './unmarshal-checks.js';

/** moby.Filter, shared with dockerswarm_sd_configs: a Docker API filter such as `name: label`. */
export const dockerFilterSpec: StructSpec = {
  goType: 'moby.Filter',
  fields: {
    name: { type: string },
    values: { type: list(string) },
  },
};

export const dockerFiltersField: FieldSpec = { type: list(struct(dockerFilterSpec)), default: [] };

/** Both moby SDs start with these: the Docker host must be given and parse as a URL. */
export const dockerHostChecks = [required('host', 'host missing'), parsesAsUrl('host')];

export const dockerSpec: StructSpec = apiDiscoverySpec(
  'moby.plain',
  {
    host: { type: string },
    filters: dockerFiltersField,
    host_networking_host: { type: string, default: 'localhost' },
    match_first_network: { type: bool, default: true, since: '2.54' },
  },
  dockerHostChecks,
);
