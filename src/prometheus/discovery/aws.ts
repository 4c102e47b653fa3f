// The AWS discoveries of 3.x (discovery/aws): `ecs_sd_configs` (3.8), `msk_sd_configs` (3.10),
// `elasticache_sd_configs` and `rds_sd_configs` (3.11), each with the AWS settings of ec2.ts, and
// `aws_sd_configs` (3.8), one block that stands for any of them by `role`. The unified block decodes
// into a fresh struct and never validates its HTTP client settings; the others do, after (3.15) a
// positive request_concurrency. Up to 3.13 a missing region is looked up while loading the file
// (warned about, see ec2.ts).
import type { DecodeContext, DecodedStruct, StructSpec } from '../schema/decoder.js';
import { struct } from '../schema/decoder.js';
import { int, list, parsedString, secret, string } from '../schema/types.js';
import { duration } from '../model/duration.js';
import { goQuote } from '../model/go-string.js';
import { awsFields, filterSpec, warnAboutMissingRegion } from './ec2.js';
import { httpClientFieldsSpec, whenDecodedCleanly } from './sd-common.js';
import type { Check } from './unmarshal-checks.js';
import { unmarshalChecks } from './unmarshal-checks.js';

export const AWS_SINCE = '3.8';
const REQUEST_CONCURRENCY_CHECKED_SINCE = '3.15';

/** Each role of the unified block and the release that added it. */
const ROLES: ReadonlyArray<[string, string]> = [
  ['ec2', AWS_SINCE],
  ['ecs', AWS_SINCE],
  ['lightsail', AWS_SINCE],
  ['msk', '3.10'],
  ['elasticache', '3.11'],
  ['rds', '3.11'],
];

/** aws.Role: its UnmarshalYAML refuses roles the release does not know (also an empty string). */
const role = parsedString<string>('aws.Role', '', (text, ctx) =>
  ROLES.some(([name, since]) => name === text && ctx.atLeast(since))
    ? text
    : { error: `unknown AWS SD role ${goQuote(text)}` },
);

function validateUnified(sd: DecodedStruct, ctx: DecodeContext): void {
  // 3.10 to 3.13 resolve the region before they look at the role.
  if (ctx.atLeast('3.10')) warnAboutMissingRegion(sd, ctx, 'AWS');
  // An absent or null role reaches the role switch as "".
  if ((sd.get<string>('role') ?? '') === '')
    sd.error(ctx, 'unknown AWS SD role ""', sd.isSet('role') ? 'role' : undefined);
}

export const awsSpec: StructSpec = {
  goType: 'aws.plain',
  fields: {
    role: { type: role },
    region: { type: string },
    endpoint: { type: string },
    access_key: { type: string },
    secret_key: { type: secret },
    profile: { type: string },
    role_arn: { type: string },
    external_id: { type: string, since: '3.12' },
    refresh_interval: { type: duration },
    port: { type: int },
    filters: { type: list(struct(filterSpec)) },
    clusters: { type: list(string) },
  },
  inline: [httpClientFieldsSpec],
  validate: [whenDecodedCleanly(validateUnified)],
};

/** ECSSDConfig, MSKSDConfig, ElasticacheSDConfig, RDSSDConfig: the AWS settings, the clusters to
 *  look at, how many API requests run at once. */
function clusterDiscoverySpec(name: string, requestConcurrency: number, extra: StructSpec['fields'] = {}): StructSpec {
  const positiveConcurrency: Check = (sd, ctx) => {
    const concurrency = sd.get<number>('request_concurrency') ?? 0;
    return ctx.atLeast(REQUEST_CONCURRENCY_CHECKED_SINCE) && concurrency <= 0
      ? {
          message: `${name}_sd: request_concurrency must be positive, got ${concurrency}`,
          field: 'request_concurrency',
        }
      : undefined;
  };
  const regionWarning: Check = (sd, ctx) => {
    warnAboutMissingRegion(sd, ctx, name.toUpperCase());
    return undefined;
  };
  return {
    goType: 'aws.plain',
    fields: {
      ...awsFields,
      clusters: { type: list(string) },
      request_concurrency: { type: int, default: requestConcurrency },
      ...extra,
    },
    inline: [httpClientFieldsSpec],
    validate: [unmarshalChecks([regionWarning, positiveConcurrency], 'always')],
  };
}

export const ecsSpec = clusterDiscoverySpec('ecs', 20);
export const mskSpec = clusterDiscoverySpec('msk', 10);
export const elasticacheSpec = clusterDiscoverySpec('elasticache', 10);
export const rdsSpec = clusterDiscoverySpec('rds', 10, { filters: { type: list(struct(filterSpec)), since: '3.13' } });
