// ec2_sd_configs (discovery/aws EC2SDConfig) and, shared with lightsail.ts and the 3.x AWS
// discoveries (aws.ts), the AWS settings they have. Their UnmarshalYAML calls
// HTTPClientConfig.Validate only from 2.48; `external_id` came in 3.12.
import type { DecodeContext, DecodedStruct, FieldSpec, StructSpec } from '../schema/decoder.js';
import { struct } from '../schema/decoder.js';
import { int, list, secret, string } from '../schema/types.js';
import { duration } from '../model/duration.js';
import { httpClientFieldsSpec, validateHttpClient, whenDecodedCleanly } from './sd-common.js';

const AWS_HTTP_CLIENT_VALIDATION_SINCE = '2.48';
const DEFAULT_REFRESH_INTERVAL_MS = 60_000;
const DEFAULT_PORT = 80;

/** Fields EC2 and Lightsail share. */
export const awsFields: Record<string, FieldSpec> = {
  endpoint: { type: string },
  region: { type: string },
  access_key: { type: string },
  secret_key: { type: secret },
  profile: { type: string },
  role_arn: { type: string },
  refresh_interval: { type: duration, default: DEFAULT_REFRESH_INTERVAL_MS },
  port: { type: int, default: DEFAULT_PORT },
  external_id: { type: string, since: '3.12' },
};

/** 3.14 stopped looking the region up while loading the file (the discovery does it when it runs). */
const REGION_LOOKUP_UNTIL = '3.14';

/** Without `region`, Prometheus up to 3.13 looks it up while loading the file (the EC2 instance
 *  metadata; from 3.7 first the AWS configuration of its environment) and fails when it finds none
 *  (before 3.7: "<service> SD configuration requires a region"). A webhook cannot know where
 *  Prometheus runs, so this is a warning, not a denial (docs/prometheus-discovery-part-a.md). */
export function warnAboutMissingRegion(sd: DecodedStruct, ctx: DecodeContext, service: string): void {
  if ((sd.get<string>('region') ?? '') !== '' || ctx.atLeast(REGION_LOOKUP_UNTIL)) return;
  const where = ctx.atLeast('3.7')
    ? 'from the AWS configuration of its environment or the EC2 instance metadata and, when it finds none, fails to load the file'
    : `from the EC2 instance metadata and, when not running on EC2, fails with "${service} SD configuration requires a region"`;
  ctx.warnings.push(`${sd.path}: region is not set: Prometheus reads it ${where}`);
}

/** The HTTP client check that AWS discoveries run from 2.48 on. */
export function validateAwsHttpClient(sd: DecodedStruct, ctx: DecodeContext): void {
  if (ctx.atLeast(AWS_HTTP_CLIENT_VALIDATION_SINCE)) validateHttpClient(sd, ctx);
}

/** aws.EC2Filter, renamed aws.Filter in 3.13 (RDS uses it too). */
export const filterSpec: StructSpec = {
  goType: 'aws.Filter',
  goTypeBefore: { before: '3.13', goType: 'aws.EC2Filter' },
  fields: { name: { type: string }, values: { type: list(string) } },
};

function validateEc2(sd: DecodedStruct, ctx: DecodeContext): void {
  warnAboutMissingRegion(sd, ctx, 'EC2');
  const filters = sd.get<(DecodedStruct | undefined)[]>('filters') ?? [];
  for (const filter of filters) {
    // A null item is a nil *EC2Filter: reading its values makes promtool panic; it is denied too.
    if ((filter?.get<unknown[]>('values') ?? []).length === 0) {
      const message = 'EC2 SD configuration filter values cannot be empty';
      return filter
        ? filter.error(ctx, message, filter.isSet('values') ? 'values' : undefined)
        : sd.error(ctx, message, 'filters');
    }
  }
  validateAwsHttpClient(sd, ctx);
}

export const ec2Spec: StructSpec = {
  goType: 'aws.plain',
  fields: { ...awsFields, filters: { type: list(struct(filterSpec)) } },
  inline: [httpClientFieldsSpec],
  validate: [whenDecodedCleanly(validateEc2)],
};
