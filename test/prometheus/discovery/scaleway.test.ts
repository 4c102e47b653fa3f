// scaleway_sd_configs: scaleway.SDConfig's fields, its UnmarshalYAML rules and the checks of the
// scaleway-sdk-go client it builds (key, project and zone formats, API URL).
import t from 'tap';
import { judgeSd } from './sd-cases.js';

const valid =
  'role: instance\nproject_id: 11111111-1111-1111-1111-111111111112\naccess_key: SCWXXXXXXXXXXXXXXXXX\nsecret_key: 11111111-1111-1111-1111-111111111111';
const withFile =
  'role: baremetal\nproject_id: 11111111-1111-1111-1111-111111111112\naccess_key: SCWXXXXXXXXXXXXXXXXX\nsecret_key_file: /etc/scw';
const ALL_ZONES_2_42 = 'fr-par-1, fr-par-2, fr-par-3, nl-ams-1, nl-ams-2, pl-waw-1, pl-waw-2';

t.test('scaleway_sd_configs', async (t) =>
  judgeSd(t, 'scaleway', [
    { name: 'instance with a secret key', sd: valid, errors: [] },
    { name: 'baremetal with a secret key file', sd: withFile, errors: [] },
    {
      name: 'every field',
      sd: `${valid}\nzone: nl-ams-3\napi_url: https://api.scaleway.com\nname_filter: web\ntags_filter: [prod, eu]\nport: 9100\nrefresh_interval: 5m\ntls_config: {insecure_skip_verify: false}`,
      errors: [],
    },
    { name: 'at 2.42', sd: withFile, version: '2.42', errors: [] },
    {
      name: 'unknown role',
      sd: 'role: invalid\nproject_id: x\naccess_key: SCWXXXXXXXXXXXXXXXXX\nsecret_key_file: bar',
      errors: ['unknown role "invalid"'],
      at: { line: 4, col: 15, path: 'scrape_configs[0].scaleway_sd_configs[0].role' },
    },
    { name: 'role missing', sd: 'project_id: x', errors: ['role missing (one of: instance, baremetal)'] },
    {
      name: 'project missing',
      sd: 'role: instance\naccess_key: SCWXXXXXXXXXXXXXXXXX\nsecret_key_file: f',
      errors: ['project_id is mandatory'],
    },
    {
      name: 'no secret',
      sd: 'role: instance\nproject_id: 11111111-1111-1111-1111-111111111112\naccess_key: SCWXXXXXXXXXXXXXXXXX',
      errors: ['one of secret_key & secret_key_file must be configured'],
      at: { line: 4, col: 9, path: 'scrape_configs[0].scaleway_sd_configs[0]' },
    },
    {
      name: 'two secrets',
      sd: `${valid}\nsecret_key_file: bar`,
      errors: ['at most one of secret_key & secret_key_file must be configured'],
    },
    {
      name: 'access key missing',
      sd: 'role: instance\nproject_id: 11111111-1111-1111-1111-111111111112\nsecret_key_file: f',
      errors: ['access_key is mandatory'],
    },
    {
      name: 'malformed access key',
      sd: withFile.replace('SCWXXXXXXXXXXXXXXXXX', 'scwxxx'),
      errors: ["scaleway-sdk-go: invalid access key format 'scwxxx', expected SCWXXXXXXXXXXXXXXXXX format"],
    },
    {
      name: 'malformed secret key, not echoed',
      sd: valid.replace('secret_key: 11111111-1111-1111-1111-111111111111', 'secret_key: hunter2'),
      errors: ["scaleway-sdk-go: invalid secret key format '<secret>', expected a UUID"],
    },
    {
      name: 'malformed project',
      sd: withFile.replace('11111111-1111-1111-1111-111111111112', 'my-project'),
      errors: [
        "scaleway-sdk-go: invalid project ID format 'my-project', expected a UUID: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
      ],
    },
    { name: 'empty zone', sd: `${withFile}\nzone: ""`, errors: ['scaleway-sdk-go: default zone cannot be empty'] },
    {
      name: 'malformed zone at 2.42',
      sd: `${withFile}\nzone: par1`,
      version: '2.42',
      errors: [`scaleway-sdk-go: invalid default zone format 'par1', available zones are: ${ALL_ZONES_2_42}`],
    },
    {
      name: 'malformed zone at 2.47',
      sd: `${withFile}\nzone: par1`,
      version: '2.47',
      errors: ['available zones are: fr-par-1, fr-par-2, fr-par-3, nl-ams-1, nl-ams-2, nl-ams-3, pl-waw-1, pl-waw-2'],
    },
    {
      name: 'malformed zone at 2.53',
      sd: `${withFile}\nzone: par1`,
      errors: [
        'available zones are: fr-par-1, fr-par-2, fr-par-3, nl-ams-1, nl-ams-2, nl-ams-3, pl-waw-1, pl-waw-2, pl-waw-3',
      ],
    },
    { name: 'a zone the SDK does not list yet', sd: `${withFile}\nzone: it-mil-1`, errors: [] },
    {
      name: 'API URL with a trailing slash',
      sd: `${withFile}\napi_url: https://api.scaleway.com/`,
      errors: ['scaleway-sdk-go: invalid url https://api.scaleway.com/ it should not have a trailing slash'],
    },
    {
      name: 'API URL that does not parse',
      sd: `${withFile}\napi_url: "http://a b"`,
      errors: ['scaleway-sdk-go: invalid url http://a b'],
    },
    { name: 'empty API URL', sd: `${withFile}\napi_url: ""`, errors: ['api_url must not be empty'] },
    {
      name: 'HTTP client checked last',
      sd: `${withFile}\nbearer_token: a\nbearer_token_file: b`,
      errors: ['at most one of bearer_token & bearer_token_file must be configured'],
    },
    { name: 'typo', sd: `${withFile}\nproject: x`, errors: ['field project not found in type scaleway.plain'] },
  ]),
);
