// config.Config: the whole prometheus.yml. Sections owned by other modules contribute their fields
// and whole-config rules as a ConfigSection; this file adds what Config.UnmarshalYAML checks itself
// (rule/scrape-config file patterns, global defaults applied to each scrape config, unique job names).
import type { ConfigSection, DecodeContext, DecodedStruct, StructSpec } from './schema/decoder.js';
import { struct } from './schema/decoder.js';
import { list, string } from './schema/types.js';
import { goQuote } from './model/go-string.js';
import { globalConfigSpec, globalDefaults } from './global.js';
import { scrapeConfigSpec, validateScrapeAgainstGlobal } from './scrape.js';
import { alertingSection } from './alerting.js';
import { remoteReadSection } from './remote-read.js';
import { remoteWriteSection } from './remote-write.js';
import { runtimeSection } from './runtime.js';
import { storageSection } from './storage.js';
import { tracingSection } from './tracing.js';
import { otlpSection } from './otlp.js';

/** Only the last path element may hold a `*` (patRulePath). */
const FILE_PATTERN = /^[^*]*(\*[^/]*)?$/;

function validateFilePatterns(config: DecodedStruct, ctx: DecodeContext): void {
  const checks: Array<[string, string]> = [
    ['rule_files', 'invalid rule file path'],
    ['scrape_config_files', 'invalid scrape config file path'],
  ];
  for (const [field, message] of checks) {
    const patterns = config.get<(string | undefined)[]>(field) ?? [];
    patterns.forEach((pattern) => {
      if (pattern !== undefined && !FILE_PATTERN.test(pattern))
        config.error(ctx, `${message} ${goQuote(pattern)}`, field);
    });
  }
}

function validateScrapeConfigs(config: DecodedStruct, ctx: DecodeContext): void {
  const defaults = globalDefaults(config.get<DecodedStruct>('global'));
  const seenJobNames = new Set<string>();
  for (const scrape of config.get<(DecodedStruct | undefined)[]>('scrape_configs') ?? []) {
    if (scrape === undefined) continue;
    validateScrapeAgainstGlobal(scrape, defaults, ctx);
    const jobName = scrape.get<string>('job_name') ?? '';
    if (seenJobNames.has(jobName)) {
      scrape.error(ctx, `found multiple scrape configs with job name ${goQuote(jobName)}`, 'job_name');
    }
    seenJobNames.add(jobName);
  }
}

const sections: ConfigSection[] = [
  alertingSection,
  remoteWriteSection,
  remoteReadSection,
  storageSection,
  tracingSection,
  runtimeSection,
  otlpSection,
];

export const configSpec: StructSpec = {
  goType: 'config.plain',
  fields: {
    global: { type: struct(globalConfigSpec) },
    rule_files: { type: list(string) },
    scrape_config_files: { type: list(string), since: '2.43' },
    scrape_configs: {
      type: list(struct(scrapeConfigSpec), {
        nullItem: 'empty or null scrape config section',
        goName: '[]*config.ScrapeConfig',
      }),
    },
    ...Object.assign({}, ...sections.map((section) => section.fields)),
  },
  validate: [validateFilePatterns, validateScrapeConfigs, ...sections.flatMap((section) => section.validate ?? [])],
};
