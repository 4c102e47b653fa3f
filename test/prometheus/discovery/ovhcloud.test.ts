// ovhcloud_sd_configs: ovhcloud.SDConfig's fields and UnmarshalYAML rules.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

const credentials = 'application_key: testAppKey\napplication_secret: testAppSecret\nconsumer_key: testConsumerKey';

t.test('ovhcloud_sd_configs', async (t) =>
  judgeSd(t, 'ovhcloud', [
    { name: 'vps', sd: `service: vps\nendpoint: ovh-eu\n${credentials}\nrefresh_interval: 1m`, errors: [] },
    {
      name: 'dedicated server, default endpoint',
      sd: `service: dedicated_server\n${credentials}`,
      version: '2.42',
      errors: [],
    },
    { name: 'empty endpoint', sd: `service: vps\nendpoint: ""\n${credentials}`, errors: ['endpoint can not be empty'] },
    {
      name: 'application key missing',
      sd: 'service: vps\napplication_secret: s\nconsumer_key: c',
      errors: ['application key can not be empty'],
    },
    {
      name: 'application secret missing',
      sd: 'service: vps\napplication_key: k\nconsumer_key: c',
      errors: ['application secret can not be empty'],
      at: { line: 4, col: 9, path: 'scrape_configs[0].ovhcloud_sd_configs[0].application_secret' },
    },
    {
      name: 'consumer key missing',
      sd: 'service: vps\napplication_key: k\napplication_secret: s',
      errors: ['consumer key can not be empty'],
    },
    {
      name: 'unknown service',
      sd: `service: fakeservice\n${credentials}`,
      errors: ['unknown service: fakeservice'],
      at: { line: 4, col: 18, path: 'scrape_configs[0].ovhcloud_sd_configs[0].service' },
    },
    { name: 'service missing', sd: credentials, errors: ['unknown service: '] },
    {
      name: 'no HTTP client',
      sd: `service: vps\n${credentials}\nbasic_auth: {username: u}`,
      errors: ['field basic_auth not found in type ovhcloud.plain'],
    },
  ]),
);
