// dockerswarm_sd_configs: moby.DockerSwarmSDConfig's fields and UnmarshalYAML rules.
import t from 'tap';
import { checkPrometheusConfig } from '../../../src/prometheus/index.js';
import { judgeSd } from './sd-cases.js';

t.test('dockerswarm_sd_configs', async (t) =>
  judgeSd(t, 'dockerswarm', [
    { name: 'nodes', sd: 'host: http://127.0.0.1:2375\nrole: nodes', errors: [] },
    {
      name: 'tasks with filters',
      sd: 'host: unix:///var/run/docker.sock\nrole: tasks\nport: 9323\nfilters: [{name: service, values: [web]}]\nrefresh_interval: 2m',
      errors: [],
    },
    { name: 'services at 2.42', sd: 'host: http://m:2375\nrole: services', version: '2.42', errors: [] },
    { name: 'role missing', sd: 'host: http://m:2375', errors: ['role missing (one of: tasks, services, nodes)'] },
    {
      name: 'unknown role',
      sd: 'host: http://m:2375\nrole: containers',
      errors: ['invalid role containers, expected tasks, services, or nodes'],
      at: { line: 5, col: 15, path: 'scrape_configs[0].dockerswarm_sd_configs[0].role' },
    },
    { name: 'roles are case-sensitive', sd: 'host: http://m:2375\nrole: Nodes', errors: ['invalid role Nodes'] },
    { name: 'host comes first', sd: 'role: bogus', errors: ['host missing'] },
    {
      name: 'host_networking_host is docker only',
      sd: 'host: http://m:2375\nrole: nodes\nhost_networking_host: x',
      errors: ['field host_networking_host not found in type moby.plain'],
    },
    {
      name: 'http client checked last',
      sd: 'host: http://m:2375\nrole: nodes\nauthorization: {type: Basic, credentials: x}',
      errors: ['authorization type cannot be set to "basic", use "basic_auth" instead'],
    },
  ]),
);

t.test('alertmanagers use the same discovery blocks', async (t) => {
  const config = (role: string): string =>
    `alerting:\n  alertmanagers:\n    - dockerswarm_sd_configs:\n        - host: http://m:2375\n          role: ${role}\n`;
  t.same(checkPrometheusConfig(config('tasks'), { prometheusVersion: '2.53' }).errors, []);
  t.match(checkPrometheusConfig(config('pods'), { prometheusVersion: '2.53' }).errors, [
    {
      line: 5,
      col: 17,
      path: 'alerting.alertmanagers[0].dockerswarm_sd_configs[0].role',
      message: 'invalid role pods, expected tasks, services, or nodes',
    },
  ]);
});
