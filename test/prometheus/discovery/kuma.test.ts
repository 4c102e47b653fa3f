// kuma_sd_configs: a server URL with scheme and host; client_id from 2.50.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

t.test('kuma_sd_configs', async (t) =>
  judgeSd(t, 'kuma', [
    {
      name: 'server',
      sd: 'server: http://kuma-control-plane:5676\nrefresh_interval: 30s\nfetch_timeout: 1m',
      errors: [],
    },
    { name: 'client_id at 2.50', sd: 'server: http://kuma:5676\nclient_id: prometheus', version: '2.50', errors: [] },
    {
      name: 'client_id at 2.49',
      sd: 'server: http://kuma:5676\nclient_id: prometheus',
      version: '2.49',
      errors: [
        'field client_id not found in type xds.plainKumaConf (client_id was added in Prometheus 2.50; prometheusVersion is 2.49)',
      ],
    },
    { name: 'no server', sd: 'fetch_timeout: 1m', errors: ['kuma SD server must not be empty: '] },
    {
      name: 'no scheme',
      sd: 'server: kuma:5676',
      errors: ['kuma SD server must not be empty and have a scheme: kuma:5676'],
      at: { line: 4, col: 17, path: 'scrape_configs[0].kuma_sd_configs[0].server' },
    },
  ]),
);
