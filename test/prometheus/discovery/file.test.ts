// file_sd_configs: at least one JSON/YAML path, a glob only in the last path element.
import t from 'tap';
import { judgeSd } from './sd-cases.js';

t.test('file_sd_configs', async (t) =>
  judgeSd(t, 'file', [
    {
      name: 'paths and globs',
      sd: 'files: [targets.json, "conf.d/*.yml", /etc/prometheus/x.YAML, "a/b*c.yaml"]\nrefresh_interval: 10m',
      errors: [],
    },
    {
      name: 'no files',
      sd: 'refresh_interval: 1m',
      errors: ['file service discovery config must contain at least one path name'],
    },
    {
      name: 'wrong extension',
      sd: 'files: [a.json, targets.txt]',
      errors: ['path name "targets.txt" is not valid for file discovery'],
      at: { line: 4, col: 25, path: 'scrape_configs[0].file_sd_configs[0].files[1]' },
    },
    {
      name: 'glob in a directory',
      sd: 'files: ["*/targets.json"]',
      errors: ['path name "*/targets.json" is not valid for file discovery'],
    },
    { name: 'everything after the first star may hold more stars', sd: 'files: ["a*b*.json"]', errors: [] },
    {
      name: 'not JSON or YAML after the glob',
      sd: 'files: ["conf.d/*"]',
      errors: ['path name "conf.d/*" is not valid for file discovery'],
    },
    { name: 'unknown field', sd: 'file: [a.json]', errors: ['field file not found in type file.plain'] },
  ]),
);
