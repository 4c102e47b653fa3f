// lightsail_sd_configs: the AWS settings; HTTP client rules from 2.48; a missing region warns.
import t from 'tap';
import { judgeSd, sdConfig } from './sd-cases.js';
import { checkPrometheusConfig } from '../../../src/prometheus/index.js';

t.test('lightsail_sd_configs', async (t) =>
  judgeSd(t, 'lightsail', [
    {
      name: 'every field',
      sd: 'region: us-east-1\nendpoint: https://lightsail.us-east-1.amazonaws.com\naccess_key: AK\nsecret_key: SK\nprofile: p\nrole_arn: r\nrefresh_interval: 1m\nport: 9100',
      errors: [],
    },
    {
      name: 'no filters',
      sd: 'region: r\nfilters: []',
      errors: ['field filters not found in type aws.plain'],
      at: { line: 5, col: 9, path: 'scrape_configs[0].lightsail_sd_configs[0].filters' },
    },
    {
      name: 'bearer token twice',
      sd: 'region: r\nbearer_token: a\nbearer_token_file: b',
      errors: ['at most one of bearer_token & bearer_token_file must be configured'],
    },
    {
      name: 'bearer token twice at 2.42',
      sd: 'region: r\nbearer_token: a\nbearer_token_file: b',
      version: '2.42',
      errors: [],
    },
  ]),
);

t.test('lightsail without region warns', async (t) => {
  const { errors, warnings } = checkPrometheusConfig(sdConfig('lightsail', 'port: 80'), { prometheusVersion: '2.42' });
  t.same(errors, []);
  t.match(warnings.join('\n'), /"Lightsail SD configuration requires a region"/);
});
