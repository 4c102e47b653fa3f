// oci_sd_configs (3.14): region, API key or instance principal, compartments, refresh interval.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

t.test('oci_sd_configs', async (t) =>
  judgeSd(t, 'oci', [
    { name: 'before 3.14', sd: 'region: r', version: '3.13', errors: ['oci_sd_configs was added in Prometheus 3.14'] },
    { name: 'API key', sd: 'region: r\ntenancy: t\nuser: u\nfingerprint: f\nkey_file: k', version: '3.14', errors: [] },
    { name: 'no region', sd: 'tenancy: t', version: '3.16', errors: ['oci_sd: region is required'] },
    {
      name: 'API key without key file',
      sd: 'region: r\ntenancy: t\nuser: u\nfingerprint: f',
      version: '3.16',
      errors: ['oci_sd: api_key auth requires key_file'],
    },
    {
      name: 'two passphrases',
      sd: 'region: r\ntenancy: t\nuser: u\nfingerprint: f\nkey_file: k\nkey_passphrase: p\nkey_passphrase_file: q',
      version: '3.16',
      errors: ['oci_sd: at most one of key_passphrase and key_passphrase_file must be configured'],
    },
    {
      name: 'instance principal with a user',
      sd: 'region: r\nauth: instance_principal\nuser: u',
      version: '3.16',
      errors: [
        'oci_sd: instance_principal auth must not have tenancy, user, fingerprint, key_file, key_passphrase, or key_passphrase_file set',
      ],
    },
    {
      name: 'unknown auth',
      sd: 'region: r\nauth: magic',
      version: '3.16',
      errors: ['oci_sd: unknown auth method "magic", expected "api_key" or "instance_principal"'],
    },
    {
      name: 'empty compartment',
      sd: 'region: r\nauth: instance_principal\ncompartments: [a, ""]',
      version: '3.16',
      errors: ['oci_sd: compartments[1] must not be empty'],
    },
    {
      name: 'zero refresh',
      sd: 'region: r\nauth: instance_principal\nrefresh_interval: 0s',
      version: '3.16',
      errors: ['oci_sd: refresh_interval must be positive, got 0s'],
    },
  ]),
);
