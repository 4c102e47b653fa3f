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
import { relabelConfigSpec, validateRelabelRules } from './relabel.js';
import { staticConfigsField } from './service-discovery.js';
import { serviceDiscoveryFields } from './discovery/index.js';
import type { GlobalDefaults } from './global.js';
import {
  FALLBACK_SCRAPE_PROTOCOL_SINCE,
  SCRAPE_PROTOCOLS_SINCE,
  scrapeProtocol,
  scrapeProtocolsProblem,
  unknownProtocolProblem,
} from './scrape-protocols.js';
import type { NameValidationScheme } from './model/labels.js';
import {
  ESCAPING_SCHEME_SINCE,
  VALIDATION_SCHEME_SINCE,
  nameSchemesOf,
  nameSchemesProblem,
  scrapeNameScheme,
  validationScheme,
} from './name-validation.js';

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
    fallback_scrape_protocol: { type: scrapeProtocol, since: FALLBACK_SCRAPE_PROTOCOL_SINCE },
    scrape_classic_histograms: {
      type: bool,
      since: '2.45',
      removedIn: '3.0',
      renamedTo: 'always_scrape_classic_histograms',
    },
    always_scrape_classic_histograms: { type: bool, since: '3.0' },
    convert_classic_histograms_to_nhcb: { type: bool, since: '3.0' },
    scrape_native_histograms: { type: bool, since: '3.8' },
    extra_scrape_metrics: { type: bool, since: '3.10' },
    scrape_failure_log_file: { type: string, since: '2.55' },
    metric_name_validation_scheme: { type: validationScheme, since: VALIDATION_SCHEME_SINCE },
    metric_name_escaping_scheme: { type: string, since: ESCAPING_SCHEME_SINCE },
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

/** The scheme the job's relabel rules and targets are checked with from 3.7 (its own setting, else
 *  the global one); before 3.7 the release's. */
export function scrapeLabelNameScheme(scrape: DecodedStruct, global: GlobalDefaults): NameValidationScheme {
  return scrapeNameScheme(nameSchemesOf(scrape), global.nameSchemes);
}

/** ScrapeConfig.Validate(globalConfig): the rules that need the global defaults; like Go, it stops
 *  at the first problem. */
export function validateScrapeAgainstGlobal(scrape: DecodedStruct, global: GlobalDefaults, ctx: DecodeContext): void {
  const jobName = scrape.get<string>('job_name') ?? '';
  const forJob = `for scrape config with job name ${goQuote(jobName)}`;
  const interval = scrape.get<number>('scrape_interval') || global.scrapeIntervalMs;
  const timeout = scrape.get<number>('scrape_timeout') ?? 0;
  if (timeout > interval) {
    scrape.error(
      ctx,
      `scrape timeout greater than scrape interval ${forJob}`,
      scrape.isSet('scrape_timeout') ? 'scrape_timeout' : 'scrape_interval',
    );
    return;
  }
  if (ctx.atLeast(SCRAPE_PROTOCOLS_SINCE)) {
    // A null list is Go's nil slice, which inherits the global protocols.
    const protocols = scrape.isSetNonNull('scrape_protocols')
      ? (scrape.get<(string | undefined)[]>('scrape_protocols') ?? [])
      : global.scrapeProtocols;
    const problem = protocols === undefined ? undefined : scrapeProtocolsProblem(protocols, ctx);
    if (problem !== undefined) {
      scrape.error(ctx, `${problem} ${forJob}`, 'scrape_protocols');
      return;
    }
  }
  const fallback = scrape.get<string>('fallback_scrape_protocol') ?? '';
  const fallbackProblem = fallback === '' ? undefined : unknownProtocolProblem(fallback, ctx);
  if (fallbackProblem !== undefined) {
    scrape.error(ctx, `invalid fallback_scrape_protocol ${forJob}: ${fallbackProblem}`, 'fallback_scrape_protocol');
    return;
  }
  const local = nameSchemesOf(scrape);
  const nameProblem = nameSchemesProblem(local, global.nameSchemes, ctx);
  if (nameProblem !== undefined) {
    const field = ['metric_name_escaping_scheme', 'metric_name_validation_scheme'].find((name) => scrape.isSet(name));
    scrape.error(ctx, nameProblem, field);
    return;
  }
  const scheme = scrapeNameScheme(local, global.nameSchemes);
  validateRelabelRules(scrape.get<(DecodedStruct | undefined)[]>('relabel_configs'), scheme, ctx);
  validateRelabelRules(scrape.get<(DecodedStruct | undefined)[]>('metric_relabel_configs'), scheme, ctx);
}
