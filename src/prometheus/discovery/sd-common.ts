// What the service discoveries of kubernetes.ts, ec2.ts, azure.ts, consul.ts, … share: their rules
// run only on a cleanly decoded config, and the HTTP client settings (prometheus/common
// HTTPClientConfig) as they inline them.
// A discovery's UnmarshalYAML decides itself whether and when it calls HTTPClientConfig.Validate
// (ec2, lightsail, azure and http only do so from 2.48), and some run their own checks first
// (consul turns username/password into basic_auth before validating), so the fields are inlined
// without their validators and each discovery calls `validateHttpClient` where upstream does.
import type { DecodeContext, DecodedStruct, StructSpec, StructValidator } from '../schema/decoder.js';
import { httpClientConfigSpec } from '../http-client.js';

/** Go's UnmarshalYAML stops at the first field that fails to decode, even deep inside a list, and
 *  its own checks never see a half-decoded config: they would only add follow-on noise (a selector
 *  whose role was refused is not also "not supported"). So a discovery's rules run only when no
 *  error was reported inside it. Errors are appended while decoding and the rules run right after
 *  the discovery's own fields, so an error inside it would be the latest one. */
export function whenDecodedCleanly(validator: StructValidator): StructValidator {
  return (sd, ctx) => {
    const latest = ctx.errors[ctx.errors.length - 1]?.path;
    if (latest !== undefined && (latest.startsWith(`${sd.path}.`) || latest.startsWith(`${sd.path}[`))) return;
    validator(sd, ctx);
  };
}

/** HTTPClientConfig's fields (with the proxy settings it inlines), without its validators. */
export const httpClientFieldsSpec: StructSpec = {
  goType: httpClientConfigSpec.goType,
  fields: httpClientConfigSpec.fields,
  ...(httpClientConfigSpec.inline === undefined ? {} : { inline: httpClientConfigSpec.inline }),
};

/** HTTPClientConfig.Validate on a discovery config that inlines the HTTP client fields. Returns
 *  true when it reported an error (Go returns at the first one). */
export function validateHttpClient(value: DecodedStruct, ctx: DecodeContext): boolean {
  const errorsBefore = ctx.errors.length;
  for (const validator of httpClientConfigSpec.validate ?? []) {
    validator(value, ctx);
    if (ctx.errors.length > errorsBefore) return true;
  }
  return false;
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' ? value !== '' : value === true;
}

/** `reflect.DeepEqual(c.HTTPClientConfig, config.DefaultHTTPClientConfig)` negated: any setting
 *  that makes the HTTP client differ from the default one. Pointer-typed settings (basic_auth,
 *  authorization, oauth2, proxy_url, http_headers) and maps (proxy_connect_header) differ as soon
 *  as they are written with a non-null value, even empty, as they do in Go. */
export function hasCustomHttpClient(value: DecodedStruct): boolean {
  const present = (name: string): boolean => value.get<unknown>(name) !== undefined && value.isSet(name);
  if (['basic_auth', 'authorization', 'oauth2', 'proxy_url', 'http_headers', 'proxy_connect_header'].some(present))
    return true;
  if (
    ['bearer_token', 'bearer_token_file', 'no_proxy', 'proxy_from_environment'].some((name) =>
      nonEmpty(value.get<unknown>(name)),
    )
  )
    return true;
  if (value.get<boolean>('follow_redirects') !== true || value.get<boolean>('enable_http2') !== true) return true;
  const tls = value.get<DecodedStruct>('tls_config');
  return tls !== undefined && Object.keys(tls.spec.fields).some((name) => nonEmpty(tls.get<unknown>(name)));
}
