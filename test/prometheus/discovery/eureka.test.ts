// eureka_sd_configs: a server URL with scheme and host; HTTP client rules.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

t.test('eureka_sd_configs', async (t) =>
  judgeSd(t, 'eureka', [
    { name: 'server', sd: 'server: http://eureka:8761/eureka\nrefresh_interval: 1m', errors: [] },
    { name: 'no server', sd: 'refresh_interval: 1m', errors: ['eureka_sd: empty or null eureka server'] },
    {
      name: 'no scheme',
      sd: 'server: eureka:8761',
      errors: ['eureka_sd: invalid eureka server URL'],
      at: { line: 4, col: 17, path: 'scrape_configs[0].eureka_sd_configs[0].server' },
    },
    {
      name: 'bad escape',
      sd: 'server: http://eureka/%zz',
      errors: ['parse "http://eureka/%zz": invalid URL escape "%zz"'],
    },
    {
      name: 'HTTP client rules',
      sd: 'server: http://eureka\noauth2:\n  client_id: c\n  client_secret: s',
      errors: ['oauth2 token_url must be configured'],
    },
  ]),
);
