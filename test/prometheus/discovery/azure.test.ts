// azure_sd_configs: required ids per authentication method; SDK from 2.52; HTTP rules from 2.48.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

const oauth = 'subscription_id: s\ntenant_id: t\nclient_id: c\nclient_secret: x';

t.test('azure_sd_configs', async (t) =>
  judgeSd(t, 'azure', [
    {
      name: 'OAuth (default) with every field',
      sd: `${oauth}\nenvironment: AzureChinaCloud\nport: 9100\nrefresh_interval: 1m\nresource_group: rg`,
      errors: [],
    },
    {
      name: 'managed identity needs only the subscription',
      sd: 'subscription_id: s\nauthentication_method: ManagedIdentity',
      errors: [],
    },
    { name: 'SDK at 2.52', sd: 'subscription_id: s\nauthentication_method: SDK', version: '2.52', errors: [] },
    {
      name: 'SDK at 2.51',
      sd: 'subscription_id: s\nauthentication_method: SDK',
      version: '2.51',
      errors: [
        'unknown authentication_type "SDK". Supported types are "OAuth" or "ManagedIdentity" (SDK was added in Prometheus 2.52)',
      ],
    },
    {
      name: 'unknown method at 2.42',
      sd: 'subscription_id: s\nauthentication_method: Password',
      version: '2.42',
      errors: ['unknown authentication_type "Password". Supported types are "OAuth" or "ManagedIdentity"'],
    },
    {
      name: 'unknown method at 2.53',
      sd: 'subscription_id: s\nauthentication_method: Password',
      errors: ['unknown authentication_type "Password". Supported types are "OAuth", "ManagedIdentity" or "SDK"'],
      at: { line: 5, col: 32, path: 'scrape_configs[0].azure_sd_configs[0].authentication_method' },
    },
    {
      name: 'subscription first',
      sd: 'authentication_method: Password',
      errors: ['azure SD configuration requires a subscription_id'],
      at: { line: 4, col: 9, path: 'scrape_configs[0].azure_sd_configs[0]' },
    },
    {
      name: 'OAuth needs a tenant',
      sd: 'subscription_id: s\nclient_id: c\nclient_secret: x',
      errors: ['azure SD configuration requires a tenant_id'],
    },
    {
      name: 'OAuth needs a client secret',
      sd: 'subscription_id: s\ntenant_id: t\nclient_id: c',
      errors: ['azure SD configuration requires a client_secret'],
    },
    {
      name: 'basic auth and bearer token at 2.48',
      sd: `${oauth}\nbearer_token: b\nbasic_auth: {username: u}`,
      version: '2.48',
      errors: ['at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured'],
    },
    {
      name: 'basic auth and bearer token unchecked at 2.47',
      sd: `${oauth}\nbearer_token: b\nbasic_auth: {username: u}`,
      version: '2.47',
      errors: [],
    },
    {
      name: 'unknown field',
      sd: `${oauth}\nsubscription: s`,
      errors: ['field subscription not found in type azure.plain'],
    },
  ]),
);

t.test('azure_sd_configs WorkloadIdentity (3.11)', async (t) =>
  judgeSd(t, 'azure', [
    {
      name: 'before 3.11',
      sd: 'subscription_id: s\nauthentication_method: WorkloadIdentity',
      version: '3.10',
      errors: [
        'unknown authentication_type "WorkloadIdentity". Supported types are "OAuth", "ManagedIdentity" or "SDK" (WorkloadIdentity was added in Prometheus 3.11)',
      ],
    },
    {
      name: 'WorkloadIdentity',
      sd: 'subscription_id: s\nauthentication_method: WorkloadIdentity',
      version: '3.11',
      errors: [],
    },
    {
      name: 'unknown',
      sd: 'subscription_id: s\nauthentication_method: Magic',
      version: '3.16',
      errors: [
        'unknown authentication_type "Magic". Supported types are "OAuth", "ManagedIdentity", "SDK" or "WorkloadIdentity"',
      ],
    },
  ]),
);
