// ec2_sd_configs (discovery/aws EC2SDConfig) and, shared with lightsail.ts, the AWS settings both
// discoveries have. Their UnmarshalYAML calls HTTPClientConfig.Validate only from 2.48.
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
};

/** Without `region`, Prometheus asks the EC2 instance metadata service while loading the file and
 *  fails ("<service> SD configuration requires a region") anywhere but on EC2. A webhook cannot
 *  know where Prometheus runs, so this is a warning, not a denial (docs/prometheus-discovery-part-a.md). */
export function warnAboutMissingRegion(sd: DecodedStruct, ctx: DecodeContext, service: 'EC2' | 'Lightsail'): void {
  if ((sd.get<string>('region') ?? '') !== '') return;
  ctx.warnings.push(
    `${sd.path}: region is not set: Prometheus reads it from the EC2 instance metadata and, when not running on EC2, fails with "${service} SD configuration requires a region"`,
  );
}

/** The HTTP client check that AWS discoveries run from 2.48 on. */
export function validateAwsHttpClient(sd: DecodedStruct, ctx: DecodeContext): void {
  if (ctx.atLeast(AWS_HTTP_CLIENT_VALIDATION_SINCE)) validateHttpClient(sd, ctx);
}

const filterSpec: StructSpec = {
  goType: 'aws.EC2Filter',
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
