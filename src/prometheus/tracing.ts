// config.TracingConfig (`tracing`): where Prometheus sends its own OpenTelemetry traces. Once the
// section is written (even `tracing: {}`), an endpoint is required; null leaves tracing off.
import type { ConfigSection, DecodeContext, DecodedStruct, StructSpec } from './schema/decoder.js';
import { struct } from './schema/decoder.js';
import { bool, float, map, parsedString, string } from './schema/types.js';
import { duration } from './model/duration.js';
import { tlsConfigSpec } from './http-client.js';
import { validateCustomHeaders } from './remote-write.js';

/** config.TracingClientType. */
const tracingClientType = parsedString<string>('config.TracingClientType', '', (text) =>
  text === 'grpc' || text === 'http'
    ? text
    : { error: `expected tracing client type to be to be http or grpc, but got ${text}` },
);

function validateTracing(tracing: DecodedStruct, ctx: DecodeContext): void {
  validateCustomHeaders(tracing, ctx, 'custom authorization header configuration is not yet supported');
  if ((tracing.get<string>('endpoint') ?? '') === '') {
    tracing.error(ctx, 'tracing endpoint must be set', tracing.isSet('endpoint') ? 'endpoint' : undefined);
  }
  const compression = tracing.get<string>('compression') ?? '';
  if (compression !== '' && compression !== 'gzip') {
    tracing.error(ctx, `invalid compression type ${compression} provided, valid options: gzip`, 'compression');
  }
}

const tracingConfigSpec: StructSpec = {
  goType: 'config.plain',
  fields: {
    client_type: { type: tracingClientType, default: 'grpc' },
    endpoint: { type: string },
    sampling_fraction: { type: float },
    insecure: { type: bool },
    tls_config: { type: struct(tlsConfigSpec) },
    headers: { type: map(string, string) },
    compression: { type: string },
    timeout: { type: duration },
  },
  validate: [validateTracing],
};

export const tracingSection: ConfigSection = {
  fields: { tracing: { type: struct(tracingConfigSpec) } },
};
