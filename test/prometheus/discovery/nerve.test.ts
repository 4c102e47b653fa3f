// nerve_sd_configs: zookeeper.NerveSDConfig, the same rules as serverset with its own messages.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

t.test('nerve_sd_configs', async (t) =>
  judgeSd(t, 'nerve', [
    { name: 'servers and paths', sd: 'servers: [localhost]\npaths: [/monitoring]', errors: [] },
    { name: 'with timeout at 2.42', sd: 'servers: [zk]\npaths: [/m]\ntimeout: 1m', version: '2.42', errors: [] },
    { name: 'no servers', sd: 'paths: [/m]', errors: ['nerve SD config must contain at least one Zookeeper server'] },
    { name: 'no paths', sd: 'servers: [zk]\npaths: []', errors: ['nerve SD config must contain at least one path'] },
    {
      name: 'relative path',
      sd: 'servers: [zk]\npaths: [monitoring]',
      errors: ["nerve SD config paths must begin with '/': monitoring"],
    },
    {
      name: 'servers as a string',
      sd: 'servers: zk\npaths: [/m]',
      errors: ['cannot unmarshal !!str `zk` into []string'],
    },
    { name: 'typo', sd: 'server: [zk]\npaths: [/m]', errors: ['field server not found in type zookeeper.plain'] },
  ]),
);
