// ec2_sd_configs: filters must have values; HTTP client rules from 2.48; a missing region is a
// warning (Prometheus would ask the EC2 metadata service).
import t from 'tap';
import { judgeSd, sdConfig } from './sd-cases.js';
import { checkPrometheusConfig } from '../../../src/prometheus/index.js';

t.test('ec2_sd_configs', async (t) =>
  judgeSd(t, 'ec2', [
    {
      name: 'every field',
      sd: 'region: eu-west-1\nendpoint: https://ec2.eu-west-1.amazonaws.com\naccess_key: AK\nsecret_key: SK\nprofile: p\nrole_arn: arn:aws:iam::1:role/r\nrefresh_interval: 2m\nport: 9100\nfilters:\n  - name: tag:env\n    values: [prod]',
      errors: [],
    },
    {
      name: 'filter without values',
      sd: 'region: eu-west-1\nfilters:\n  - name: tag:env',
      errors: ['EC2 SD configuration filter values cannot be empty'],
      at: { line: 6, col: 13, path: 'scrape_configs[0].ec2_sd_configs[0].filters[0]' },
    },
    {
      name: 'filter with empty values',
      sd: 'region: eu-west-1\nfilters:\n  - name: tag:env\n    values: []',
      errors: ['EC2 SD configuration filter values cannot be empty'],
      at: { line: 7, col: 21, path: 'scrape_configs[0].ec2_sd_configs[0].filters[0].values' },
    },
    {
      name: 'unknown filter field',
      sd: 'region: eu-west-1\nfilters:\n  - key: a',
      errors: ['field key not found in type aws.EC2Filter'],
    },
    { name: 'unknown field', sd: 'regions: [a]', errors: ['field regions not found in type aws.plain'] },
    { name: 'port type', sd: 'region: r\nport: http', errors: ['cannot unmarshal !!str `http` into int'] },
    {
      name: 'bad refresh interval',
      sd: 'region: r\nrefresh_interval: 1.5m',
      errors: ['unknown unit "." in duration "1.5m"'],
    },
    {
      name: 'bearer token twice at 2.48+',
      sd: 'region: r\nbearer_token: a\nbearer_token_file: b',
      errors: ['at most one of bearer_token & bearer_token_file must be configured'],
    },
    {
      name: 'bearer token twice is not checked at 2.47',
      sd: 'region: r\nbearer_token: a\nbearer_token_file: b',
      version: '2.47',
      errors: [],
    },
  ]),
);

t.test('ec2 without region: a warning, not an error', async (t) => {
  const { errors, warnings } = checkPrometheusConfig(sdConfig('ec2', 'port: 80'), { prometheusVersion: '2.53' });
  t.same(errors, []);
  t.match(warnings.join('\n'), /region is not set.*"EC2 SD configuration requires a region"/);
});
