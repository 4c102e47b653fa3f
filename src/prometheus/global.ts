// config.GlobalConfig: defaults every scrape config inherits, external labels, global limits.
import type { DecodeContext, DecodedStruct, StructSpec } from './schema/decoder.js';
import { bool, integer, list, map, string, uint } from './schema/types.js';
import { duration } from './model/duration.js';
import { base2Bytes } from './model/units.js';
import type { NameValidationScheme } from './model/labels.js';
import {
  invalidLabelName,
  invalidLabelValue,
  isValidLabelName,
  isValidLabelValue,
  releaseNameScheme,
} from './model/labels.js';
import { SCRAPE_PROTOCOLS_SINCE, scrapeProtocol, scrapeProtocolsProblem } from './scrape-protocols.js';
import type { NameSchemes } from './name-validation.js';
import {
  ESCAPING_SCHEME_SINCE,
  VALIDATION_SCHEME_SINCE,
  globalNameScheme,
  nameSchemesOf,
  validationScheme,
} from './name-validation.js';

export const DEFAULT_SCRAPE_INTERVAL_MS = 60_000;
export const DEFAULT_SCRAPE_TIMEOUT_MS = 10_000;

/** The global values scrape configs fall back to, after GlobalConfig.UnmarshalYAML's defaulting. */
export interface GlobalDefaults {
  scrapeIntervalMs: number;
  scrapeTimeoutMs: number;
  scrapeProtocols: string[] | undefined;
  nameSchemes: NameSchemes;
  /** The *bool settings a job without its own inherits (convert_classic_histograms_to_nhcb, …). */
  histogramSettings: Map<string, boolean>;
}

const INHERITED_SWITCHES = [
  'convert_classic_histograms_to_nhcb',
  'always_scrape_classic_histograms',
  'scrape_native_histograms',
];

/** From 3.7 the global metric_name_validation_scheme decides how label names that only the global
 *  setting governs are checked (external labels, alerting and remote write relabelling); before,
 *  the release's scheme. */
export const GLOBAL_NAME_SCHEME_SINCE = '3.7';

export function globalLabelNameScheme(defaults: GlobalDefaults, ctx: DecodeContext): NameValidationScheme {
  return ctx.atLeast(GLOBAL_NAME_SCHEME_SINCE) ? globalNameScheme(defaults.nameSchemes) : releaseNameScheme(ctx);
}

function validateExternalLabels(value: DecodedStruct, ctx: DecodeContext): void {
  const labels = value.get<Map<string, string | undefined>>('external_labels');
  if (labels === undefined) return;
  const scheme = globalLabelNameScheme(globalDefaults(value), ctx);
  // labels.Labels keeps names sorted; Go reports the first invalid one in that order.
  for (const name of [...labels.keys()].sort()) {
    const labelValue = labels.get(name) ?? '';
    if (!isValidLabelName(name, scheme))
      return value.errorAtMapKey(ctx, invalidLabelName(name), 'external_labels', name);
    if (!isValidLabelValue(labelValue))
      return value.errorAtMapKey(ctx, invalidLabelValue(labelValue), 'external_labels', name);
  }
}

/** Interval/timeout defaulting and the global timeout rule, as GlobalConfig.UnmarshalYAML does it. */
export function globalDefaults(global: DecodedStruct | undefined): GlobalDefaults {
  const interval = global?.get<number>('scrape_interval') || DEFAULT_SCRAPE_INTERVAL_MS;
  const timeout = global?.get<number>('scrape_timeout') || Math.min(DEFAULT_SCRAPE_TIMEOUT_MS, interval);
  const protocols = global?.get<string[]>('scrape_protocols');
  return {
    scrapeIntervalMs: interval,
    scrapeTimeoutMs: timeout,
    scrapeProtocols: global?.isSetNonNull('scrape_protocols') === true ? protocols : undefined,
    nameSchemes: nameSchemesOf(global),
    histogramSettings: new Map(INHERITED_SWITCHES.map((name) => [name, global?.get<boolean>(name) === true])),
  };
}

function validateGlobalTimes(value: DecodedStruct, ctx: DecodeContext): void {
  const interval = value.get<number>('scrape_interval') || DEFAULT_SCRAPE_INTERVAL_MS;
  const timeout = value.get<number>('scrape_timeout') ?? 0;
  if (timeout > interval) value.error(ctx, 'global scrape timeout greater than scrape interval', 'scrape_timeout');
  if (ctx.atLeast(SCRAPE_PROTOCOLS_SINCE) && value.isSetNonNull('scrape_protocols')) {
    const problem = scrapeProtocolsProblem(value.get<(string | undefined)[]>('scrape_protocols') ?? [], ctx);
    if (problem !== undefined) value.error(ctx, `${problem} for global config`, 'scrape_protocols');
  }
}

export const globalConfigSpec: StructSpec = {
  goType: 'config.plain',
  fields: {
    scrape_interval: { type: duration },
    scrape_timeout: { type: duration },
    scrape_protocols: { type: list(scrapeProtocol), since: SCRAPE_PROTOCOLS_SINCE },
    evaluation_interval: { type: duration },
    rule_query_offset: { type: duration, since: '2.53' },
    query_log_file: { type: string },
    scrape_failure_log_file: { type: string, since: '2.55' },
    external_labels: { type: { ...map(string, string), goName: 'labels.Labels' } },
    body_size_limit: { type: base2Bytes, since: '2.45' },
    sample_limit: { type: uint, since: '2.45' },
    target_limit: { type: uint, since: '2.45' },
    label_limit: { type: uint, since: '2.45' },
    label_name_length_limit: { type: uint, since: '2.45' },
    label_value_length_limit: { type: uint, since: '2.45' },
    keep_dropped_targets: { type: uint, since: '2.47' },
    metric_name_validation_scheme: { type: validationScheme, since: VALIDATION_SCHEME_SINCE },
    metric_name_escaping_scheme: { type: string, since: ESCAPING_SCHEME_SINCE },
    convert_classic_histograms_to_nhcb: { type: bool, since: '3.4' },
    always_scrape_classic_histograms: { type: bool, since: '3.5' },
    scrape_native_histograms: { type: bool, since: '3.8' },
    extra_scrape_metrics: { type: bool, since: '3.10' },
    query_max_duration: { type: duration, since: '3.16' },
    query_max_samples_read: { type: integer('uint64'), since: '3.16' },
    query_max_series: { type: integer('uint64'), since: '3.16' },
  },
  validate: [validateExternalLabels, validateGlobalTimes],
};
