// lightsail_sd_configs (discovery/aws LightsailSDConfig): the AWS settings of ec2.ts without filters.
import type { DecodeContext, DecodedStruct, StructSpec } from '../schema/decoder.js';
import { awsFields, validateAwsHttpClient, warnAboutMissingRegion } from './ec2.js';
import { httpClientFieldsSpec, whenDecodedCleanly } from './sd-common.js';

function validateLightsail(sd: DecodedStruct, ctx: DecodeContext): void {
  warnAboutMissingRegion(sd, ctx, 'Lightsail');
  validateAwsHttpClient(sd, ctx);
}

export const lightsailSpec: StructSpec = {
  goType: 'aws.plain',
  fields: awsFields,
  inline: [httpClientFieldsSpec],
  validate: [whenDecodedCleanly(validateLightsail)],
};
