// Public entry of the Prometheus configuration validator: judge a prometheus.yml the way
// `promtool check config --syntax-only` of the given release would, with every error positioned.
import { loadYaml } from './yaml/loader.js';
import type { ConfigError } from './schema/decoder.js';
import { DecodeContext, decodeStruct } from './schema/decoder.js';
import { configSpec } from './config.js';
import { checkConfigLikePromtool } from './promtool-targets.js';
import { supportedVersion } from './version.js';

export type { ConfigError } from './schema/decoder.js';
export { OLDEST_SUPPORTED, NEWEST_SUPPORTED } from './version.js';

export interface CheckOptions {
  /** `major.minor` of the Prometheus release whose rules apply, e.g. "2.53". */
  prometheusVersion: string;
}

export interface CheckResult {
  /** Every error found, in document order. Empty means promtool would accept the config. */
  errors: ConfigError[];
  /** Things worth saying that do not make the config invalid (e.g. ignored extra documents). */
  warnings: string[];
}

function byPosition(a: ConfigError, b: ConfigError): number {
  return a.line - b.line || a.col - b.col;
}

/** Throws only for an unsupported `prometheusVersion` (a promgate configuration mistake). */
export function checkPrometheusConfig(text: string, options: CheckOptions): CheckResult {
  const version = supportedVersion(options.prometheusVersion);
  const loaded = loadYaml(text);
  if (loaded.errors.length > 0) {
    return { errors: loaded.errors.map((problem) => ({ ...problem, path: '' })), warnings: loaded.warnings };
  }
  const ctx = new DecodeContext(version);
  // An empty document is Prometheus's default configuration: valid.
  if (loaded.root !== undefined && !(loaded.root.kind === 'scalar' && loaded.root.isNull)) {
    const config = decodeStruct(configSpec, loaded.root, '', ctx);
    // promtool's own checks only run once the loader accepted the file.
    if (config !== undefined && ctx.errors.length === 0) checkConfigLikePromtool(config, ctx);
  }
  return { errors: [...ctx.errors].sort(byPosition), warnings: [...loaded.warnings, ...ctx.warnings] };
}
