// PLACEHOLDER owned by the service-discovery engineer (see docs/prometheus-validator.md).
// Registry of every `<name>_sd_configs` block: field name → FieldSpec built with
// `discoveryConfigsField(name, spec, since?)` from ../service-discovery.js. Scrape configs and
// alertmanager configs spread it into their fields; a name missing here is an unknown field.
import type { FieldSpec } from '../schema/decoder.js';
import { discoveryConfigsField } from '../service-discovery.js';
import { digitaloceanSpec } from './digitalocean.js';
import { dockerSpec } from './docker.js';
import { dockerswarmSpec } from './dockerswarm.js';
import { hetznerSpec } from './hetzner.js';
import { ionosSpec } from './ionos.js';
import { linodeSpec } from './linode.js';
import { nerveSpec } from './nerve.js';
import { ovhcloudSpec } from './ovhcloud.js';
import { puppetdbSpec } from './puppetdb.js';
import { scalewaySpec } from './scaleway.js';
import { serversetSpec } from './serverset.js';
import { tritonSpec } from './triton.js';
import { uyuniSpec } from './uyuni.js';
import { vultrSpec } from './vultr.js';

export const serviceDiscoveryFields: Record<string, FieldSpec> = {};
serviceDiscoveryFields.digitalocean_sd_configs = discoveryConfigsField('digitalocean_sd_configs', digitaloceanSpec);
serviceDiscoveryFields.docker_sd_configs = discoveryConfigsField('docker_sd_configs', dockerSpec);
serviceDiscoveryFields.dockerswarm_sd_configs = discoveryConfigsField('dockerswarm_sd_configs', dockerswarmSpec);
serviceDiscoveryFields.hetzner_sd_configs = discoveryConfigsField('hetzner_sd_configs', hetznerSpec);
serviceDiscoveryFields.ionos_sd_configs = discoveryConfigsField('ionos_sd_configs', ionosSpec);
serviceDiscoveryFields.linode_sd_configs = discoveryConfigsField('linode_sd_configs', linodeSpec);
serviceDiscoveryFields.nerve_sd_configs = discoveryConfigsField('nerve_sd_configs', nerveSpec);
serviceDiscoveryFields.ovhcloud_sd_configs = discoveryConfigsField('ovhcloud_sd_configs', ovhcloudSpec);
serviceDiscoveryFields.puppetdb_sd_configs = discoveryConfigsField('puppetdb_sd_configs', puppetdbSpec);
serviceDiscoveryFields.scaleway_sd_configs = discoveryConfigsField('scaleway_sd_configs', scalewaySpec);
serviceDiscoveryFields.serverset_sd_configs = discoveryConfigsField('serverset_sd_configs', serversetSpec);
serviceDiscoveryFields.triton_sd_configs = discoveryConfigsField('triton_sd_configs', tritonSpec);
serviceDiscoveryFields.uyuni_sd_configs = discoveryConfigsField('uyuni_sd_configs', uyuniSpec);
serviceDiscoveryFields.vultr_sd_configs = discoveryConfigsField('vultr_sd_configs', vultrSpec);
