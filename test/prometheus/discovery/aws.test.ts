// The AWS discoveries of 3.x: aws_sd_configs (one block, any role), ecs, msk, elasticache, rds.
import t from 'tap';
import { checkPrometheusConfig } from '../../../src/prometheus/index.js';
import { judgeSd, sdConfig } from './sd-cases.js';

t.test('aws_sd_configs', async (t) =>
  judgeSd(t, 'aws', [
    {
      name: 'before 3.8',
      sd: 'role: ec2\nregion: r',
      version: '3.7',
      errors: ['aws_sd_configs was added in Prometheus 3.8'],
    },
    {
      name: 'no role',
      sd: 'region: eu-west-1',
      version: '3.16',
      errors: ['unknown AWS SD role ""'],
      at: { line: 4, col: 9, path: 'scrape_configs[0].aws_sd_configs[0]' },
    },
    { name: 'unknown role', sd: 'role: s3\nregion: r', version: '3.16', errors: ['unknown AWS SD role "s3"'] },
    { name: 'msk only from 3.10', sd: 'role: msk\nregion: r', version: '3.9', errors: ['unknown AWS SD role "msk"'] },
    {
      name: 'rds from 3.11, external_id from 3.12',
      sd: 'role: rds\nregion: r\nclusters: [a]\nexternal_id: x',
      version: '3.12',
      errors: [],
    },
    {
      name: 'the HTTP client and filters are not checked',
      sd: 'role: ec2\nregion: r\nbearer_token: a\nbearer_token_file: b\nfilters: [{name: a, values: []}]',
      version: '3.16',
      errors: [],
    },
  ]),
);

t.test('ecs, msk, elasticache and rds', async (t) => {
  judgeSd(t, 'ecs', [
    {
      name: 'request_concurrency checked from 3.15',
      sd: 'region: r\nrequest_concurrency: 0',
      version: '3.14',
      errors: [],
    },
    {
      name: 'request_concurrency',
      sd: 'region: r\nrequest_concurrency: 0',
      version: '3.15',
      errors: ['ecs_sd: request_concurrency must be positive, got 0'],
    },
    {
      name: 'HTTP client',
      sd: 'region: r\nbearer_token: a\nbearer_token_file: b',
      version: '3.8',
      errors: ['at most one of bearer_token & bearer_token_file must be configured'],
    },
  ]);
  judgeSd(t, 'msk', [
    { name: 'before 3.10', sd: 'region: r', version: '3.9', errors: ['msk_sd_configs was added in Prometheus 3.10'] },
    { name: 'clusters', sd: 'region: r\nclusters: [arn:a]', version: '3.10', errors: [] },
  ]);
  judgeSd(t, 'elasticache', [{ name: 'region', sd: 'region: r', version: '3.11', errors: [] }]);
  judgeSd(t, 'rds', [
    {
      name: 'filters from 3.13',
      sd: 'region: r\nfilters: [{name: engine, values: [mysql]}]',
      version: '3.12',
      errors: ['filters was added in Prometheus 3.13'],
    },
    {
      name: 'empty filter values pass',
      sd: 'region: r\nfilters: [{name: engine, values: []}]',
      version: '3.13',
      errors: [],
    },
  ]);
});

t.test('a region the loader would look up is warned about up to 3.13', async (t) => {
  const judge = (mechanism: string, version: string): string[] =>
    checkPrometheusConfig(sdConfig(mechanism, 'port: 80'), { prometheusVersion: version }).warnings;
  t.match(judge('ecs', '3.13').join('\n'), /region is not set: Prometheus reads it from the AWS configuration/);
  t.same(judge('ecs', '3.14'), [], '3.14 looks it up when discovering');
  t.match(judge('ec2', '3.6').join('\n'), /"EC2 SD configuration requires a region"/);
  t.same(judge('ec2', '3.14'), []);
});
