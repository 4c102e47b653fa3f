// Building blocks for the service discoveries whose Go `UnmarshalYAML` checks fields one after the
// other and returns the first failure (docker, dockerswarm, hetzner, ionos, linode, scaleway,
// serverset, nerve, triton, uyuni, vultr, digitalocean, puppetdb, ovhcloud). Reporting only the first
// failure of one SD block is what Prometheus does; a later check can depend on an earlier one (e.g.
// puppetdb's scheme check on an empty URL), so listing them all would add noise, not information.
import type {
  DecodeContext,
  DecodedStruct,
  FieldSpec,
  FieldType,
  StructSpec,
  StructValidator,
} from '../schema/decoder.js';
import { int, parsedString } from '../schema/types.js';
import { duration } from '../model/duration.js';
import { httpClientFieldsSpec, validateHttpClient, whenDecodedCleanly } from './sd-common.js';
import { parseGoUrl } from '../model/url.js';
import type { ParsedUrl } from '../model/url.js';
import { goQuote } from '../model/go-string.js';

export interface Failure {
  message: string;
  /** The YAML field at fault; the SD block itself when omitted. */
  field?: string;
}

/** One step of an UnmarshalYAML body: a failure, or undefined when the step passes. */
export type Check = (sd: DecodedStruct, ctx: DecodeContext) => Failure | undefined;

export type HttpClientValidation =
  /** The SD does not inline HTTP client settings, or never calls HTTPClientConfig.Validate. */
  | 'none'
  /** `return c.HTTPClientConfig.Validate()` ends UnmarshalYAML in every supported release. */
  | 'always'
  /** Validate is called from this release on (uyuni and puppetdb: 2.48). */
  | { since: string };

function validatesHttpClient(validation: HttpClientValidation, ctx: DecodeContext): boolean {
  if (validation === 'none') return false;
  if (validation === 'always') return true;
  return ctx.atLeast(validation.since);
}

/** The body of an SD's UnmarshalYAML: on a cleanly decoded config, `checks` in order, the first
 *  failure is reported; when all pass, HTTPClientConfig.Validate runs as the mechanism calls it. */
export function unmarshalChecks(checks: Check[], httpClient: HttpClientValidation): StructValidator {
  return whenDecodedCleanly((sd, ctx) => {
    for (const check of checks) {
      const failure = check(sd, ctx);
      if (failure !== undefined) return sd.error(ctx, failure.message, failure.field);
    }
    if (validatesHttpClient(httpClient, ctx)) validateHttpClient(sd, ctx);
  });
}

export function stringField(sd: DecodedStruct, field: string): string {
  return sd.get<string>(field) ?? '';
}

/** `if c.Field == "" { return errors.New(message) }` */
export function required(field: string, message: string): Check {
  return (sd) => (stringField(sd, field) === '' ? { message, field } : undefined);
}

/** Go's `url.Parse` of a plain string field; `wrap` rewrites url.Parse's error as the SD does. */
export function parsesAsUrl(field: string, wrap: (error: string) => string = (error) => error): Check {
  return (sd) => {
    const parsed = parseGoUrl(stringField(sd, field));
    return 'error' in parsed ? { message: wrap(parsed.error), field } : undefined;
  };
}

/** The parsed form of a string field already known to parse (after `parsesAsUrl`). */
export function parsedUrlOf(sd: DecodedStruct, field: string): ParsedUrl | undefined {
  const parsed = parseGoUrl(stringField(sd, field));
  return 'error' in parsed ? undefined : parsed;
}

/**
 * A Go string type with its own UnmarshalYAML that accepts a fixed set of values (hetzner's and
 * scaleway's roles): anything else is `unknown role "x"`. yaml.v2 calls it for every non-null value,
 * so an explicit empty string is refused too, while an absent or null role is left for the SD's own
 * "role missing" check.
 */
export function roleType(goName: string, allowed: readonly string[]): FieldType<string> {
  return parsedString(goName, '', (text) =>
    allowed.includes(text) ? text : { error: `unknown role ${goQuote(text)}` },
  );
}

/**
 * The shape most API-backed SDs share: the HTTP client settings inlined, `port` (default 80) given to
 * the discovered targets, `refresh_interval` (default 1m), plus the mechanism's own `fields` and the
 * `checks` of its UnmarshalYAML.
 */
export function apiDiscoverySpec(
  goType: string,
  fields: Record<string, FieldSpec>,
  checks: Check[],
  httpClient: HttpClientValidation = 'always',
): StructSpec {
  return {
    goType,
    fields: {
      port: { type: int, default: 80 },
      refresh_interval: { type: duration, default: 60_000 },
      ...fields,
    },
    inline: [httpClientFieldsSpec],
    validate: [unmarshalChecks(checks, httpClient)],
  };
}
