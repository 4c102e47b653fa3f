// config.ScrapeProtocol (2.49+): the exposition formats a scrape may negotiate, in preference order.
import type { FieldType } from './schema/decoder.js';
import { string } from './schema/types.js';

export const SCRAPE_PROTOCOLS_SINCE = '2.49';

export const SCRAPE_PROTOCOLS = [
  'OpenMetricsText0.0.1',
  'OpenMetricsText1.0.0',
  'PrometheusProto',
  'PrometheusText0.0.4',
];

export const scrapeProtocol: FieldType<string> = { ...string, goName: 'config.ScrapeProtocol' };

/** validateAcceptScrapeProtocols: non-empty, known (case-sensitive), no duplicates (case-insensitive). */
export function scrapeProtocolsProblem(protocols: string[]): string | undefined {
  if (protocols.length === 0) return 'scrape_protocols cannot be empty';
  const seen = new Set<string>();
  for (const protocol of protocols) {
    if (seen.has(protocol.toLowerCase()))
      return `duplicated protocol in scrape_protocols, got [${protocols.join(' ')}]`;
    if (!SCRAPE_PROTOCOLS.includes(protocol)) {
      return `scrape_protocols: unknown scrape protocol ${protocol}, supported: [${SCRAPE_PROTOCOLS.join(' ')}]`;
    }
    seen.add(protocol.toLowerCase());
  }
  return undefined;
}
