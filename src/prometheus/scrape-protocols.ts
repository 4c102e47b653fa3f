// config.ScrapeProtocol (2.49+): the exposition formats a scrape may negotiate, in preference order
// (`scrape_protocols`), and from 3.0 the one to assume when a target sends no usable Content-Type
// (`fallback_scrape_protocol`).
import type { DecodeContext, FieldType } from './schema/decoder.js';
import { stringType } from './schema/types.js';

export const SCRAPE_PROTOCOLS_SINCE = '2.49';
export const FALLBACK_SCRAPE_PROTOCOL_SINCE = '3.0';

/** Each protocol and the release that added it. */
const PROTOCOLS_SINCE: ReadonlyArray<[string, string]> = [
  ['OpenMetricsText0.0.1', SCRAPE_PROTOCOLS_SINCE],
  ['OpenMetricsText1.0.0', SCRAPE_PROTOCOLS_SINCE],
  ['OpenMetricsText2.0.0', '3.15'],
  ['PrometheusProto', SCRAPE_PROTOCOLS_SINCE],
  ['PrometheusText0.0.4', SCRAPE_PROTOCOLS_SINCE],
  ['PrometheusText1.0.0', '3.0'],
];

/** The protocols the judged release knows, sorted as Go lists them in its message. */
function knownProtocols(ctx: DecodeContext): string[] {
  return PROTOCOLS_SINCE.filter(([, since]) => ctx.atLeast(since)).map(([protocol]) => protocol);
}

export const scrapeProtocol: FieldType<string> = stringType('config.ScrapeProtocol');

/** ScrapeProtocol.Validate: known, case-sensitive. */
export function unknownProtocolProblem(protocol: string, ctx: DecodeContext): string | undefined {
  const known = knownProtocols(ctx);
  return known.includes(protocol) ? undefined : `unknown scrape protocol ${protocol}, supported: [${known.join(' ')}]`;
}

/** validateAcceptScrapeProtocols: non-empty, known (case-sensitive), no duplicates (case-insensitive).
 *  An item that is no string has its own error already, and Go stops there. */
export function scrapeProtocolsProblem(protocols: (string | undefined)[], ctx: DecodeContext): string | undefined {
  if (protocols.length === 0) return 'scrape_protocols cannot be empty';
  if (protocols.includes(undefined)) return undefined;
  const seen = new Set<string>();
  for (const protocol of protocols as string[]) {
    if (seen.has(protocol.toLowerCase()))
      return `duplicated protocol in scrape_protocols, got [${protocols.join(' ')}]`;
    const unknown = unknownProtocolProblem(protocol, ctx);
    if (unknown !== undefined) return `scrape_protocols: ${unknown}`;
    seen.add(protocol.toLowerCase());
  }
  return undefined;
}
