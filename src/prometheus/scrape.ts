// config.ScrapeConfig: one scrape job. Its own rules run while it is decoded (ScrapeConfig.UnmarshalYAML);
// the rules that need the global section (timeouts, protocols, inherited limits) run from config.ts
// through `validateScrapeAgainstGlobal`, as Config.UnmarshalYAML calls ScrapeConfig.Validate.
import type { DecodeContext, DecodedStruct, StructSpec } from './schema/decoder.js';
import { struct } from './schema/decoder.js';
import { bool, float, list, map, string, uint } from './schema/types.js';
import { duration } from './model/duration.js';
import { base2Bytes } from './model/units.js';
import { goQuote } from './model/go-string.js';
import { httpClientConfigSpec } from './http-client.js';
import { relabelConfigSpec } from './relabel.js';
import { staticConfigsField } from './service-discovery.js';
import { serviceDiscoveryFields } from './discovery/index.js';
import type { GlobalDefaults } from './global.js';
import { SCRAPE_PROTOCOLS_SINCE, scrapeProtocol, scrapeProtocolsProblem } from './scrape-protocols.js';

/** The job's static target groups, as decoded structs. */
export function staticTargetGroups(scrape: DecodedStruct): DecodedStruct[] {
  return (scrape.get<(DecodedStruct | undefined)[]>('static_configs') ?? []).filter(
    (group): group is DecodedStruct => group !== undefined,
  );
}

/** checkStaticTargets: without relabelling, a target with a `/` is a URL pasted by mistake. */
function validateStaticTargetAddresses(scrape: DecodedStruct, ctx: DecodeContext): void {
  if ((scrape.get<unknown[]>('relabel_configs') ?? []).length > 0) return;
  for (const group of staticTargetGroups(scrape)) {
    const targets = group.get<(string | undefined)[]>('targets') ?? [];
    const bad = targets.find((target) => target?.includes('/'));
    if (bad !== undefined) return group.error(ctx, `${goQuote(bad)} is not a valid hostname`, 'targets');
  }
}

function validateJobName(scrape: DecodedStruct, ctx: DecodeContext): void {
  if ((scrape.get<string>('job_name') ?? '') === '')
    scrape.error(ctx, 'job_name is empty', scrape.isSet('job_name') ? 'job_name' : undefined);
}

export const scrapeConfigSpec: StructSpec = {
  goType: 'config.ScrapeConfig',
  fields: {
    job_name: { type: string },
    honor_labels: { type: bool },
    honor_timestamps: { type: bool, default: true },
    track_timestamps_staleness: { type: bool, since: '2.48' },
    params: { type: { ...map(string, list(string)), goName: 'url.Values' } },
    scrape_interval: { type: duration },
    scrape_timeout: { type: duration },
    scrape_protocols: { type: list(scrapeProtocol), since: SCRAPE_PROTOCOLS_SINCE },
    scrape_classic_histograms: { type: bool, since: '2.45' },
    scrape_failure_log_file: { type: string, since: '2.55' },
    metric_name_validation_scheme: { type: string, since: '2.55' },
    metrics_path: { type: string, default: '/metrics' },
    scheme: { type: string, default: 'http' },
    enable_compression: { type: bool, default: true, since: '2.49' },
    body_size_limit: { type: base2Bytes },
    sample_limit: { type: uint },
    target_limit: { type: uint },
    label_limit: { type: uint },
    label_name_length_limit: { type: uint },
    label_value_length_limit: { type: uint },
    native_histogram_bucket_limit: { type: uint, since: '2.45' },
    native_histogram_min_bucket_factor: { type: float, since: '2.50' },
    keep_dropped_targets: { type: uint, since: '2.47' },
    relabel_configs: {
      type: list(struct(relabelConfigSpec), {
        nullItem: 'empty or null target relabeling rule in scrape config',
        goName: '[]*relabel.Config',
      }),
    },
    metric_relabel_configs: {
      type: list(struct(relabelConfigSpec), {
        nullItem: 'empty or null metric relabeling rule in scrape config',
        goName: '[]*relabel.Config',
      }),
    },
    static_configs: staticConfigsField,
    ...serviceDiscoveryFields,
  },
  inline: [httpClientConfigSpec],
  validate: [validateJobName, validateStaticTargetAddresses],
};

/** ScrapeConfig.Validate(globalConfig): the rules that need the global defaults. */
export function validateScrapeAgainstGlobal(scrape: DecodedStruct, global: GlobalDefaults, ctx: DecodeContext): void {
  const jobName = scrape.get<string>('job_name') ?? '';
  const interval = scrape.get<number>('scrape_interval') || global.scrapeIntervalMs;
  const timeout = scrape.get<number>('scrape_timeout') ?? 0;
  if (timeout > interval) {
    scrape.error(
      ctx,
      `scrape timeout greater than scrape interval for scrape config with job name ${goQuote(jobName)}`,
      scrape.isSet('scrape_timeout') ? 'scrape_timeout' : 'scrape_interval',
    );
    return;
  }
  if (ctx.atLeast(SCRAPE_PROTOCOLS_SINCE)) {
    // A null list is Go's nil slice, which inherits the global protocols.
    const protocols = scrape.isSetNonNull('scrape_protocols')
      ? (scrape.get<string[]>('scrape_protocols') ?? [])
      : global.scrapeProtocols;
    const problem = protocols === undefined ? undefined : scrapeProtocolsProblem(protocols);
    if (problem !== undefined) {
      scrape.error(ctx, `${problem} for scrape config with job name ${goQuote(jobName)}`, 'scrape_protocols');
      return;
    }
  }
  if (ctx.atLeast('2.55')) {
    const scheme = global.metricNameValidationScheme;
    if (scheme === 'utf8') {
      scrape.error(ctx, 'utf8 name validation requested but feature not enabled via --enable-feature=utf8-names');
    } else if (scheme !== '' && scheme !== 'legacy') {
      scrape.error(ctx, `unknown name validation method specified, must be either 'legacy' or 'utf8', got ${scheme}`);
    }
  }
}
