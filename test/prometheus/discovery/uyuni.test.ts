// uyuni_sd_configs: uyuni.SDConfig's fields and UnmarshalYAML rules; the HTTP client settings are
// validated from 2.48 only.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

const valid = 'server: https://localhost:1234\nusername: gopher\npassword: hole';
const twoTokens = `${valid}\nbearer_token: foo\nbearer_token_file: foo`;

t.test('uyuni_sd_configs', async (t) =>
  judgeSd(t, 'uyuni', [
    { name: 'server and credentials', sd: valid, errors: [] },
    {
      name: 'every field',
      sd: `${valid}\nentitlement: monitoring_entitled\nseparator: ";"\nrefresh_interval: 5m\ntls_config: {insecure_skip_verify: true}`,
      errors: [],
    },
    {
      name: 'server empty (points at its key)',
      sd: 'server:',
      errors: ['Uyuni SD configuration requires server host'],
      at: { line: 4, col: 9, path: 'scrape_configs[0].uyuni_sd_configs[0].server' },
    },
    {
      name: 'server not a URL',
      sd: 'server: "https://a b"\nusername: u\npassword: p',
      errors: ['Uyuni Server URL is not valid: parse "https://a b": invalid character " " in host name'],
    },
    {
      name: 'username missing',
      sd: 'server: https://s\npassword: p',
      errors: ['Uyuni SD configuration requires a username'],
    },
    {
      name: 'password missing',
      sd: 'server: https://s\nusername: u',
      errors: ['Uyuni SD configuration requires a password'],
    },
    { name: 'two bearer tokens before 2.48 pass', sd: twoTokens, version: '2.47', errors: [] },
    {
      name: 'two bearer tokens from 2.48',
      sd: twoTokens,
      version: '2.48',
      errors: ['at most one of bearer_token & bearer_token_file must be configured'],
    },
    { name: 'no port field', sd: `${valid}\nport: 80`, errors: ['field port not found in type uyuni.plain'] },
  ]),
);
