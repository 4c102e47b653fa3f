// puppetdb_sd_configs (discovery/puppetdb, puppetdb.SDConfig): nodes returned by a PuppetDB PQL
// query. Its UnmarshalYAML validates the HTTP client settings only from 2.48.
import type { StructSpec } from '../schema/decoder.js';
import { bool, string } from '../schema/types.js';
import type { Check } from './unmarshal-checks.js';
import { apiDiscoverySpec, parsedUrlOf, parsesAsUrl, required } from './unmarshal-checks.js';

const httpUrlWithHost: Check = (sd) => {
  const parsed = parsedUrlOf(sd, 'url');
  if (parsed === undefined) return undefined;
  if (parsed.scheme !== 'http' && parsed.scheme !== 'https')
    return { message: "URL scheme must be 'http' or 'https'", field: 'url' };
  if (parsed.host === '') return { message: 'host is missing in URL', field: 'url' };
  return undefined;
};

export const puppetdbSpec: StructSpec = apiDiscoverySpec(
  'puppetdb.plain',
  {
    url: { type: string },
    query: { type: string },
    include_parameters: { type: bool },
  },
  [required('url', 'URL is missing'), parsesAsUrl('url'), httpUrlWithHost, required('query', 'query missing')],
  { since: '2.48' },
);
