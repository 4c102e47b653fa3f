// serverset_sd_configs: zookeeper.ServersetSDConfig's fields and UnmarshalYAML rules.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

t.test('serverset_sd_configs', async (t) =>
  judgeSd(t, 'serverset', [
    {
      name: 'servers and paths',
      sd: 'servers: [zk1:2181, zk2:2181]\npaths: [/aurora/jobs/prod]\ntimeout: 15s',
      errors: [],
    },
    { name: 'at 2.42', sd: 'servers: [zk:2181]\npaths: [/a, /b]', version: '2.42', errors: [] },
    {
      name: 'no servers',
      sd: 'paths: [/a]',
      errors: ['serverset SD config must contain at least one Zookeeper server'],
      at: { line: 4, col: 9, path: 'scrape_configs[0].serverset_sd_configs[0].servers' },
    },
    {
      name: 'empty server list',
      sd: 'servers: []\npaths: [/a]',
      errors: ['serverset SD config must contain at least one Zookeeper server'],
    },
    { name: 'no paths', sd: 'servers: [zk:2181]', errors: ['serverset SD config must contain at least one path'] },
    {
      name: 'relative path',
      sd: 'servers: [zk:2181]\npaths: [/a, b/c]',
      errors: ["serverset SD config paths must begin with '/': b/c"],
      at: { line: 5, col: 16, path: 'scrape_configs[0].serverset_sd_configs[0].paths' },
    },
    {
      name: 'null path',
      sd: 'servers: [zk:2181]\npaths: [~]',
      errors: ["serverset SD config paths must begin with '/': "],
    },
    {
      name: 'bad timeout',
      sd: 'servers: [zk:2181]\npaths: [/a]\ntimeout: 10',
      errors: ['not a valid duration string: "10"'],
    },
    {
      name: 'no HTTP client',
      sd: 'servers: [zk:2181]\npaths: [/a]\ntls_config: {}',
      errors: ['field tls_config not found in type zookeeper.plain'],
    },
  ]),
);
