// dns_sd_configs: names required; record types; a port for all but SRV; NS from 2.49.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

t.test('dns_sd_configs', async (t) =>
  judgeSd(t, 'dns', [
    { name: 'SRV by default', sd: 'names: [_prometheus._tcp.example.com]', errors: [] },
    {
      name: 'A with port, lower case type',
      sd: 'names: [example.com]\ntype: a\nport: 9100\nrefresh_interval: 1m',
      errors: [],
    },
    {
      name: 'no names',
      sd: 'type: SRV',
      errors: ['DNS-SD config must contain at least one SRV record name'],
      at: { line: 4, col: 9, path: 'scrape_configs[0].dns_sd_configs[0]' },
    },
    {
      name: 'MX without port',
      sd: 'names: [example.com]\ntype: MX',
      errors: ['a port is required in DNS-SD configs for all record types except SRV'],
    },
    {
      name: 'unknown type',
      sd: 'names: [example.com]\ntype: TXT',
      errors: ['invalid DNS-SD records type TXT'],
      at: { line: 5, col: 15, path: 'scrape_configs[0].dns_sd_configs[0].type' },
    },
    { name: 'NS at 2.49', sd: 'names: [example.com]\ntype: NS\nport: 53', version: '2.49', errors: [] },
    {
      name: 'NS at 2.48',
      sd: 'names: [example.com]\ntype: NS\nport: 53',
      version: '2.48',
      errors: ['invalid DNS-SD records type NS (NS records are supported from Prometheus 2.49)'],
    },
    {
      name: 'no HTTP settings',
      sd: 'names: [a]\nbearer_token: x',
      errors: ['field bearer_token not found in type dns.plain'],
    },
  ]),
);
