// openstack_sd_configs: role, availability and region; its own tls_config.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

t.test('openstack_sd_configs', async (t) =>
  judgeSd(t, 'openstack', [
    {
      name: 'every field',
      sd: 'role: instance\nregion: r\nidentity_endpoint: https://keystone:5000/v3\nusername: u\nuserid: id\npassword: p\nproject_name: pn\nproject_id: pi\ndomain_name: dn\ndomain_id: di\napplication_credential_name: an\napplication_credential_id: ai\napplication_credential_secret: as\nrefresh_interval: 1m\nport: 9100\nall_tenants: true\ntls_config:\n  ca_file: ca.pem\navailability: internal',
      errors: [],
    },
    {
      name: 'unknown role',
      sd: 'role: server\nregion: r',
      errors: ['unknown OpenStack SD role "server"'],
      at: { line: 4, col: 15, path: 'scrape_configs[0].openstack_sd_configs[0].role' },
    },
    { name: 'no role', sd: 'region: r', errors: ['role missing (one of: instance, hypervisor)'] },
    { name: 'no region', sd: 'role: hypervisor', errors: ['openstack SD configuration requires a region'] },
    {
      name: 'availability checked first',
      sd: 'availability: private',
      errors: ['unknown availability private, must be one of admin, internal or public'],
    },
    {
      name: 'TLS rules',
      sd: 'role: instance\nregion: r\ntls_config:\n  cert_file: c.pem',
      errors: ['exactly one of key or key_file must be configured when a client certificate is configured'],
    },
    {
      name: 'no HTTP client settings',
      sd: 'role: instance\nregion: r\nbasic_auth: {username: u}',
      errors: ['field basic_auth not found in type openstack.plain'],
    },
  ]),
);

t.test('openstack_sd_configs role loadbalancer (3.2)', async (t) =>
  judgeSd(t, 'openstack', [
    {
      name: 'before 3.2',
      sd: 'role: loadbalancer\nregion: r',
      version: '3.1',
      errors: ['unknown OpenStack SD role "loadbalancer"'],
    },
    { name: 'loadbalancer', sd: 'role: loadbalancer\nregion: r', version: '3.2', errors: [] },
    {
      name: 'no role',
      sd: 'region: r',
      version: '3.16',
      errors: ['role missing (one of: instance, hypervisor, loadbalancer)'],
    },
  ]),
);
