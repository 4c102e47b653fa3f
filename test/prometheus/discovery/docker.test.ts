// docker_sd_configs: moby.DockerSDConfig's fields and UnmarshalYAML rules.
import t from 'tap';
import { checkPrometheusConfig } from '../../../src/prometheus/index.js';
import { judgeSd } from './sd-cases.js';

t.test('docker_sd_configs', async (t) =>
  judgeSd(t, 'docker', [
    { name: 'unix socket', sd: 'host: unix:///var/run/docker.sock', errors: [] },
    {
      name: 'every field',
      sd: 'host: tcp://docker:2376\nport: 9100\nhost_networking_host: node1\nrefresh_interval: 30s\nfilters:\n  - name: label\n    values: [prometheus=yes]\ntls_config:\n  insecure_skip_verify: true\nbasic_auth: {username: u, password: p}\nfollow_redirects: false',
      errors: [],
    },
    {
      name: 'host missing',
      sd: 'port: 9100',
      errors: ['host missing'],
      at: { line: 4, col: 9, path: 'scrape_configs[0].docker_sd_configs[0].host' },
    },
    { name: 'empty host', sd: 'host: ""', errors: ['host missing'] },
    {
      name: 'host not a URL',
      sd: 'host: "tcp://docker host"',
      errors: ['parse "tcp://docker host": invalid character " " in host name'],
      at: { line: 4, col: 15, path: 'scrape_configs[0].docker_sd_configs[0].host' },
    },
    { name: 'typo', sd: 'host: unix:///d.sock\nhosts: x', errors: ['field hosts not found in type moby.plain'] },
    {
      name: 'filter typo',
      sd: 'host: unix:///d.sock\nfilters: [{name: label, value: [a]}]',
      errors: ['field value not found in type moby.Filter'],
    },
    {
      name: 'a field that fails to decode stops the rules, as in Go',
      sd: 'filters: [{name: label, value: [a]}]',
      errors: ['field value not found in type moby.Filter'],
    },
    {
      name: 'port as a word',
      sd: 'host: unix:///d.sock\nport: http',
      errors: ['cannot unmarshal !!str `http` into int'],
    },
    {
      name: 'fractional refresh',
      sd: 'host: unix:///d.sock\nrefresh_interval: 1.5m',
      errors: ['unknown unit "." in duration "1.5m"'],
    },
    {
      name: 'two bearer tokens',
      sd: 'host: unix:///d.sock\nbearer_token: a\nbearer_token_file: b',
      errors: ['at most one of bearer_token & bearer_token_file must be configured'],
    },
    {
      name: 'host checked before the HTTP client',
      sd: 'bearer_token: a\nbearer_token_file: b',
      errors: ['host missing'],
    },
    {
      name: 'match_first_network before 2.54',
      sd: 'host: unix:///d.sock\nmatch_first_network: false',
      errors: [
        'field match_first_network not found in type moby.plain (match_first_network was added in Prometheus 2.54; prometheusVersion is 2.53)',
      ],
    },
    {
      name: 'match_first_network',
      sd: 'host: unix:///d.sock\nmatch_first_network: false',
      version: '2.54',
      errors: [],
    },
    { name: 'at 2.42', sd: 'host: unix:///d.sock\nhost_networking_host: n', version: '2.42', errors: [] },
  ]),
);

t.test('a null item', async (t) => {
  const { errors } = checkPrometheusConfig('scrape_configs:\n  - job_name: j\n    docker_sd_configs:\n      -\n', {
    prometheusVersion: '2.53',
  });
  t.match(errors, [
    { path: 'scrape_configs[0].docker_sd_configs[0]', message: 'empty or null section in docker_sd_configs' },
  ]);
});
