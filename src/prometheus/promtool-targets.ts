// promtool's own check beyond the config loader (cmd/promtool checkConfig): for each scrape config's
// static_configs it builds the targets as Prometheus would (scrape.TargetsFromGroup →
// PopulateLabels: default labels, relabel_configs, a default port before 3.0, address and duration
// checks, from 3.13 the histogram switches relabelling may set) and fails on the first target that
// could not be scraped. Runs only on a config that loaded cleanly.
import type { DecodeContext, DecodedStruct } from './schema/decoder.js';
import { goQuote } from './model/go-string.js';
import { formatDuration, parseDuration } from './model/duration.js';
import type { NameValidationScheme } from './model/labels.js';
import { isValidLabelValue, releaseNameScheme } from './model/labels.js';
import { defaultRelabelRegexp } from './regex.js';
import type { GlobalDefaults } from './global.js';
import { globalDefaults } from './global.js';
import { scrapeLabelNameScheme, staticTargetGroups } from './scrape.js';
import type { LabelSet } from './relabel-process.js';
import { processRelabelRules, RelabelNotRun } from './relabel-process.js';
import { RELABEL_VALIDATED_BY_OWNER_SINCE } from './relabel.js';

/** 3.0 stopped adding a default port (80/443) to target addresses. */
const DEFAULT_PORTS_UNTIL = '3.0';

/** 3.13 lets relabelling switch three scrape settings per target through internal labels, which
 *  must then parse as Go booleans (strconv.ParseBool). */
const HISTOGRAM_LABELS_SINCE = '3.13';
const HISTOGRAM_LABELS: ReadonlyArray<[string, string, string]> = [
  [
    '__convert_classic_histograms_to_nhcb__',
    'convert classic histograms to nhcb',
    'convert_classic_histograms_to_nhcb',
  ],
  ['__always_scrape_classic_histograms__', 'always scrape classic histograms', 'always_scrape_classic_histograms'],
  ['__scrape_native_histograms__', 'scrape native histograms', 'scrape_native_histograms'],
];
const GO_BOOLEANS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go's net.SplitHostPort succeeds: `host:port` or `[v6]:port`, one colon outside brackets. */
function hasPort(address: string): boolean {
  if (address.startsWith('[')) return /^\[[^\]]*\]:[^:]*$/.test(address);
  return /^[^:]*:[^:]*$/.test(address);
}

/** Would appending a port make it a valid host:port (addPort's second SplitHostPort)? */
function canTakePort(address: string): boolean {
  return hasPort(`${address}:1234`);
}

/** PopulateLabels' verdict for one target: an error message, or undefined when it is fine. */
function populateLabelsProblem(
  labels: LabelSet,
  scrape: DecodedStruct,
  rules: DecodedStruct[],
  nameScheme: NameValidationScheme,
  ctx: DecodeContext,
): string | undefined {
  const options = { nameScheme, sortedIteration: !ctx.atLeast('2.43') };
  if (!processRelabelRules(labels, rules, defaultRelabelRegexp(ctx), options)) return undefined;
  let address = labels.get('__address__') ?? '';
  if (address === '') return 'no address';
  const scheme = labels.get('__scheme__') ?? '';
  if (!ctx.atLeast(DEFAULT_PORTS_UNTIL) && !hasPort(address) && canTakePort(address)) {
    if (scheme === 'http' || scheme === '') address += ':80';
    else if (scheme === 'https') address += ':443';
    else return `invalid scheme: ${goQuote(scrape.get<string>('scheme') ?? '')}`;
  }
  if (address.includes('/')) return `${goQuote(address)} is not a valid hostname`;
  const durations: Array<[string, string]> = [
    ['__scrape_interval__', 'interval'],
    ['__scrape_timeout__', 'timeout'],
  ];
  const parsedMs: number[] = [];
  for (const [label, what] of durations) {
    const parsed = parseDuration(labels.get(label) ?? '', ctx);
    if ('error' in parsed) return `error parsing scrape ${what}: ${parsed.error}`;
    if (parsed.ms === 0) return `scrape ${what} cannot be 0`;
    parsedMs.push(parsed.ms);
  }
  if (parsedMs[1]! > parsedMs[0]!) {
    return `scrape timeout cannot be greater than scrape interval (${goQuote(labels.get('__scrape_timeout__') ?? '')} > ${goQuote(labels.get('__scrape_interval__') ?? '')})`;
  }
  if (ctx.atLeast(HISTOGRAM_LABELS_SINCE)) {
    for (const [label, what] of HISTOGRAM_LABELS) {
      const value = labels.get(label) ?? '';
      if (value !== '' && !GO_BOOLEANS.has(value))
        return `error parsing ${what}: strconv.ParseBool: parsing ${goQuote(value)}: invalid syntax`;
    }
  }
  // Go reports the first invalid value in label order; sorting is only needed once one is found.
  let anyInvalid = false;
  for (const [name, value] of labels) if (!name.startsWith('__meta_') && !isValidLabelValue(value)) anyInvalid = true;
  if (!anyInvalid) return undefined;
  for (const [name, value] of [...labels].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (name.startsWith('__meta_')) continue;
    if (!isValidLabelValue(value)) return `invalid label value for ${goQuote(name)}: ${goQuote(value)}`;
  }
  return undefined;
}

/** A *bool scrape setting after ScrapeConfig.Validate: the job's when written (not null), else the
 *  global one (false when absent). */
function histogramSetting(scrape: DecodedStruct, global: GlobalDefaults, field: string): boolean {
  return scrape.isSetNonNull(field)
    ? scrape.get<boolean>(field) === true
    : global.histogramSettings.get(field) === true;
}

/** checkTargetGroupsForScrapeConfig on the static target groups of one scrape config. */
export function checkStaticTargetsLikePromtool(
  scrape: DecodedStruct,
  global: GlobalDefaults,
  ctx: DecodeContext,
): void {
  const rules = (scrape.get<(DecodedStruct | undefined)[]>('relabel_configs') ?? []).filter(
    (rule): rule is DecodedStruct => rule !== undefined,
  );
  const intervalMs = scrape.get<number>('scrape_interval') || global.scrapeIntervalMs;
  const timeoutMs = scrape.get<number>('scrape_timeout') || Math.min(global.scrapeTimeoutMs, intervalMs);
  const defaults: Array<[string, string]> = [
    ['job', scrape.get<string>('job_name') ?? ''],
    ['__scrape_interval__', formatDuration(intervalMs)],
    ['__scrape_timeout__', formatDuration(timeoutMs)],
    ['__metrics_path__', scrape.get<string>('metrics_path') ?? ''],
    ['__scheme__', scrape.get<string>('scheme') ?? ''],
  ];
  if (ctx.atLeast(HISTOGRAM_LABELS_SINCE)) {
    for (const [label, , field] of HISTOGRAM_LABELS)
      defaults.push([label, String(histogramSetting(scrape, global, field))]);
  }
  const nameScheme = ctx.atLeast(RELABEL_VALIDATED_BY_OWNER_SINCE)
    ? scrapeLabelNameScheme(scrape, global)
    : releaseNameScheme(ctx);
  const params = scrape.get<Map<string, (string | undefined)[] | undefined>>('params') ?? new Map();
  // An aliased target group (`- *group`) is the same YAML node each time: same targets, same job,
  // same verdict. Judging it once keeps an alias-heavy document from costing time per copy.
  const judgedGroups = new Set<unknown>();
  try {
    staticTargetGroups(scrape).forEach((group, groupIndex) => {
      if (judgedGroups.has(group.node)) return;
      judgedGroups.add(group.node);
      const groupLabels = group.get<Map<string, string | undefined>>('labels') ?? new Map();
      const targets = group.get<(string | undefined)[]>('targets') ?? [];
      for (const [targetIndex, target] of targets.entries()) {
        const labels: LabelSet = new Map([['__address__', target ?? '']]);
        for (const [name, value] of groupLabels) if (!labels.has(name)) labels.set(name, value ?? '');
        for (const [name, value] of defaults) if ((labels.get(name) ?? '') === '') labels.set(name, value);
        for (const [name, values] of params)
          if (values !== undefined && values.length > 0) labels.set(`__param_${name}`, values[0] ?? '');
        const problem = populateLabelsProblem(labels, scrape, rules, nameScheme, ctx);
        if (problem !== undefined) {
          group.error(
            ctx,
            `instance ${targetIndex} in group ${groupIndex}: ${problem} (promtool checks static targets)`,
            'targets',
          );
          return;
        }
      }
    });
  } catch (error) {
    if (!(error instanceof RelabelNotRun)) throw error;
    ctx.warnings.push(error.warningFor(scrape));
  }
}

/** promtool's checkTLSConfig, syntax-only part: only the file fields count, so from 2.45 it adds
 *  to the loader's own pairing rule the mixed case (`cert` inline with `key_file`). */
function checkTlsFilesLikePromtool(owner: DecodedStruct, ctx: DecodeContext): void {
  const tls = owner.get<DecodedStruct>('tls_config');
  if (tls === undefined) return;
  const certFile = tls.get<string>('cert_file') ?? '';
  const keyFile = tls.get<string>('key_file') ?? '';
  if (certFile !== '' && keyFile === '') {
    tls.error(ctx, `client cert file ${goQuote(certFile)} specified without client key file`, 'cert_file');
  } else if (keyFile !== '' && certFile === '') {
    tls.error(ctx, `client key file ${goQuote(keyFile)} specified without client cert file`, 'key_file');
  }
}

/** promtool's checks after config.LoadFile succeeded (syntax-only mode): per scrape config its TLS
 *  files, its Kubernetes SD configs' TLS files, and its static targets. */
export function checkConfigLikePromtool(config: DecodedStruct, ctx: DecodeContext): void {
  const defaults = globalDefaults(config.get<DecodedStruct>('global'));
  for (const scrape of config.get<(DecodedStruct | undefined)[]>('scrape_configs') ?? []) {
    if (scrape === undefined) continue;
    checkTlsFilesLikePromtool(scrape, ctx);
    for (const kubernetes of scrape.get<(DecodedStruct | undefined)[]>('kubernetes_sd_configs') ?? []) {
      if (kubernetes !== undefined) checkTlsFilesLikePromtool(kubernetes, ctx);
    }
    checkStaticTargetsLikePromtool(scrape, defaults, ctx);
  }
}
