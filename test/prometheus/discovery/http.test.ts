// http_sd_configs: an http(s) URL with a host; HTTP client rules from 2.48.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

t.test('http_sd_configs', async (t) =>
  judgeSd(t, 'http', [
    {
      name: 'url and HTTP settings',
      sd: 'url: https://sd.example.com/targets\nrefresh_interval: 30s\nbasic_auth:\n  username: u\n  password: p\ntls_config:\n  insecure_skip_verify: true',
      errors: [],
    },
    { name: 'no url', sd: 'refresh_interval: 30s', errors: ['URL is missing'] },
    {
      name: 'no scheme',
      sd: 'url: sd.example.com/targets',
      errors: ["URL scheme must be 'http' or 'https'"],
      at: { line: 4, col: 14, path: 'scrape_configs[0].http_sd_configs[0].url' },
    },
    { name: 'ftp', sd: 'url: ftp://sd.example.com', errors: ["URL scheme must be 'http' or 'https'"] },
    { name: 'no host', sd: 'url: http:///targets', errors: ['host is missing in URL'] },
    {
      name: 'unparsable',
      sd: 'url: "http://sd example.com"',
      errors: ['parse "http://sd example.com": invalid character " " in host name'],
    },
    {
      name: 'authorization and basic auth at 2.48',
      sd: 'url: http://a\nbasic_auth: {username: u}\nauthorization: {credentials: c}',
      version: '2.48',
      errors: ['at most one of basic_auth, oauth2 & authorization must be configured'],
    },
    {
      name: 'not checked at 2.47',
      sd: 'url: http://a\nbasic_auth: {username: u}\nauthorization: {credentials: c}',
      version: '2.47',
      errors: [],
    },
  ]),
);
