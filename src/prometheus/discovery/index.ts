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
import { STACKIT_SINCE, stackitSpec } from './stackit.js';
import { serversetSpec } from './serverset.js';
import { tritonSpec } from './triton.js';
import { uyuniSpec } from './uyuni.js';
import { vultrSpec } from './vultr.js';
import { azureSpec } from './azure.js';
import { consulSpec } from './consul.js';
import { dnsSpec } from './dns.js';
import { ec2Spec } from './ec2.js';
import { eurekaSpec } from './eureka.js';
import { fileSpec } from './file.js';
import { gceSpec } from './gce.js';
import { httpSpec } from './http.js';
import { kubernetesSpec } from './kubernetes.js';
import { kumaSpec } from './kuma.js';
import { lightsailSpec } from './lightsail.js';
import { marathonSpec } from './marathon.js';
import { nomadSpec } from './nomad.js';
import { openstackSpec } from './openstack.js';
import { AWS_SINCE, awsSpec, ecsSpec, elasticacheSpec, mskSpec, rdsSpec } from './aws.js';
import { OUTSCALE_SINCE, outscaleSpec } from './outscale.js';
import { OCI_SINCE, ociSpec } from './oci.js';

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
serviceDiscoveryFields.stackit_sd_configs = discoveryConfigsField('stackit_sd_configs', stackitSpec, STACKIT_SINCE);
serviceDiscoveryFields.serverset_sd_configs = discoveryConfigsField('serverset_sd_configs', serversetSpec);
serviceDiscoveryFields.triton_sd_configs = discoveryConfigsField('triton_sd_configs', tritonSpec);
serviceDiscoveryFields.uyuni_sd_configs = discoveryConfigsField('uyuni_sd_configs', uyuniSpec);
serviceDiscoveryFields.vultr_sd_configs = discoveryConfigsField('vultr_sd_configs', vultrSpec);
serviceDiscoveryFields.azure_sd_configs = discoveryConfigsField('azure_sd_configs', azureSpec);
serviceDiscoveryFields.consul_sd_configs = discoveryConfigsField('consul_sd_configs', consulSpec);
serviceDiscoveryFields.dns_sd_configs = discoveryConfigsField('dns_sd_configs', dnsSpec);
serviceDiscoveryFields.ec2_sd_configs = discoveryConfigsField('ec2_sd_configs', ec2Spec);
serviceDiscoveryFields.eureka_sd_configs = discoveryConfigsField('eureka_sd_configs', eurekaSpec);
serviceDiscoveryFields.file_sd_configs = discoveryConfigsField('file_sd_configs', fileSpec);
serviceDiscoveryFields.gce_sd_configs = discoveryConfigsField('gce_sd_configs', gceSpec);
serviceDiscoveryFields.http_sd_configs = discoveryConfigsField('http_sd_configs', httpSpec);
serviceDiscoveryFields.kubernetes_sd_configs = discoveryConfigsField('kubernetes_sd_configs', kubernetesSpec);
serviceDiscoveryFields.kuma_sd_configs = discoveryConfigsField('kuma_sd_configs', kumaSpec);
serviceDiscoveryFields.lightsail_sd_configs = discoveryConfigsField('lightsail_sd_configs', lightsailSpec);
serviceDiscoveryFields.marathon_sd_configs = discoveryConfigsField('marathon_sd_configs', marathonSpec);
serviceDiscoveryFields.nomad_sd_configs = discoveryConfigsField('nomad_sd_configs', nomadSpec);
serviceDiscoveryFields.openstack_sd_configs = discoveryConfigsField('openstack_sd_configs', openstackSpec);
serviceDiscoveryFields.aws_sd_configs = discoveryConfigsField('aws_sd_configs', awsSpec, AWS_SINCE);
serviceDiscoveryFields.ecs_sd_configs = discoveryConfigsField('ecs_sd_configs', ecsSpec, AWS_SINCE);
serviceDiscoveryFields.msk_sd_configs = discoveryConfigsField('msk_sd_configs', mskSpec, '3.10');
serviceDiscoveryFields.elasticache_sd_configs = discoveryConfigsField(
  'elasticache_sd_configs',
  elasticacheSpec,
  '3.11',
);
serviceDiscoveryFields.rds_sd_configs = discoveryConfigsField('rds_sd_configs', rdsSpec, '3.11');
serviceDiscoveryFields.outscale_sd_configs = discoveryConfigsField('outscale_sd_configs', outscaleSpec, OUTSCALE_SINCE);
serviceDiscoveryFields.oci_sd_configs = discoveryConfigsField('oci_sd_configs', ociSpec, OCI_SINCE);
