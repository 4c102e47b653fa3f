// puppetdb_sd_configs: puppetdb.SDConfig's fields and UnmarshalYAML rules; the HTTP client settings
// are validated from 2.48 only.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

const query = `query: 'resources { type = "Package" and title = "httpd" }'`;
const twoTokens = `url: http://puppet\n${query}\nbearer_token: foo\nbearer_token_file: foo`;

t.test('puppetdb_sd_configs', async (t) =>
  judgeSd(t, 'puppetdb', [
    {
      name: 'url and query',
      sd: `url: https://puppetserver/\n${query}\ninclude_parameters: true\nport: 80\nrefresh_interval: 1m\ntls_config: {ca_file: ca}`,
      errors: [],
    },
    { name: 'at 2.42', sd: `url: HTTP://puppet:8080\n${query}`, version: '2.42', errors: [] },
    {
      name: 'url missing',
      sd: query,
      errors: ['URL is missing'],
      at: { line: 4, col: 9, path: 'scrape_configs[0].puppetdb_sd_configs[0].url' },
    },
    {
      name: 'url that does not parse',
      sd: `url: "http://pup pet"\n${query}`,
      errors: ['parse "http://pup pet": invalid character " " in host name'],
    },
    {
      name: 'ftp',
      sd: `url: ftp://puppet\n${query}`,
      errors: ["URL scheme must be 'http' or 'https'"],
      at: { line: 4, col: 14, path: 'scrape_configs[0].puppetdb_sd_configs[0].url' },
    },
    { name: 'no scheme', sd: `url: puppet:8080\n${query}`, errors: ["URL scheme must be 'http' or 'https'"] },
    { name: 'no host', sd: `url: http://\n${query}`, errors: ['host is missing in URL'] },
    { name: 'query missing', sd: 'url: http://puppetserver/', errors: ['query missing'] },
    { name: 'two bearer tokens before 2.48 pass', sd: twoTokens, version: '2.47', errors: [] },
    {
      name: 'two bearer tokens from 2.48',
      sd: twoTokens,
      version: '2.48',
      errors: ['at most one of bearer_token & bearer_token_file must be configured'],
    },
    {
      name: 'typo',
      sd: `url: http://p\n${query}\ninclude_params: true`,
      errors: ['field include_params not found in type puppetdb.plain'],
    },
  ]),
);
