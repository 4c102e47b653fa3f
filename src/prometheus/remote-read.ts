// config.RemoteReadConfig (`remote_read`): remote storage that PromQL queries read from, with the
// same header rules as remote write and the HTTP client settings inlined.
import type { ConfigSection, DecodeContext, DecodedStruct, StructSpec } from './schema/decoder.js';
import { bool, integer, map, string } from './schema/types.js';
import { duration } from './model/duration.js';
import { labelName, labelValue } from './model/labels.js';
import { url } from './model/url.js';
import { httpClientConfigSpec } from './http-client.js';
import { authorizationHeaderMessage, structList, validateCustomHeaders, validateUniqueNames } from './remote-write.js';

/** DefaultChunkedReadLimit: 50 MB frames. */
const DEFAULT_CHUNKED_READ_LIMIT = 50_000_000;

function validateRemoteRead(remoteRead: DecodedStruct, ctx: DecodeContext): void {
  if (remoteRead.get('url') === undefined) {
    remoteRead.error(ctx, 'url for remote_read is empty', remoteRead.isSet('url') ? 'url' : undefined);
  }
  validateCustomHeaders(remoteRead, ctx, authorizationHeaderMessage(ctx));
}

export const remoteReadConfigSpec: StructSpec = {
  goType: 'config.plain',
  fields: {
    url: { type: url },
    remote_timeout: { type: duration, default: 60_000 },
    chunked_read_limit: { type: integer('uint64'), default: DEFAULT_CHUNKED_READ_LIMIT, since: '2.55' },
    headers: { type: map(string, string) },
    read_recent: { type: bool },
    name: { type: string },
    required_matchers: { type: { ...map(labelName, labelValue), goName: 'model.LabelSet' } },
    filter_external_labels: { type: bool, default: true },
  },
  inline: [httpClientConfigSpec],
  validate: [validateRemoteRead],
};

export const remoteReadSection: ConfigSection = {
  fields: {
    remote_read: {
      type: structList(remoteReadConfigSpec, '[]*config.RemoteReadConfig', 'empty or null remote read config section'),
    },
  },
  validate: [(config, ctx) => validateUniqueNames(config, ctx, 'remote_read', 'remote read')],
};
