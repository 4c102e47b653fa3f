// dns_sd_configs (discovery/dns SDConfig); record type NS since 2.49.
import type { DecodeContext, DecodedStruct, StructSpec } from '../schema/decoder.js';
import { int, list, string } from '../schema/types.js';
import { duration } from '../model/duration.js';
import { whenDecodedCleanly } from './sd-common.js';

const NS_RECORDS_SINCE = '2.49';

function validateDns(sd: DecodedStruct, ctx: DecodeContext): void {
  if ((sd.get<unknown[]>('names') ?? []).length === 0) {
    return sd.error(
      ctx,
      'DNS-SD config must contain at least one SRV record name',
      sd.isSet('names') ? 'names' : undefined,
    );
  }
  const type = sd.get<string>('type') ?? '';
  const needsPort = ['A', 'AAAA', 'MX', ...(ctx.atLeast(NS_RECORDS_SINCE) ? ['NS'] : [])];
  const upper = type.toUpperCase();
  if (upper === 'SRV') return;
  if (!needsPort.includes(upper)) {
    const hint = upper === 'NS' ? ` (NS records are supported from Prometheus ${NS_RECORDS_SINCE})` : '';
    return sd.error(ctx, `invalid DNS-SD records type ${type}${hint}`, 'type');
  }
  if ((sd.get<number>('port') ?? 0) === 0) {
    sd.error(
      ctx,
      'a port is required in DNS-SD configs for all record types except SRV',
      sd.isSet('port') ? 'port' : undefined,
    );
  }
}

export const dnsSpec: StructSpec = {
  goType: 'dns.plain',
  fields: {
    names: { type: list(string) },
    refresh_interval: { type: duration, default: 30_000 },
    type: { type: string, default: 'SRV' },
    port: { type: int },
  },
  validate: [whenDecodedCleanly(validateDns)],
};
