// Public entry of the Prometheus configuration validator: judge a prometheus.yml the way
// `promtool check config --syntax-only` of the given release (or of each of several) would, with
// every error positioned.
import { loadYaml } from './yaml/loader.js';
import type { ConfigError } from './schema/decoder.js';
import { DecodeContext, decodeStruct } from './schema/decoder.js';
import type { YamlNode } from './yaml/nodes.js';
import { configSpec } from './config.js';
import { checkConfigLikePromtool } from './promtool-targets.js';
import type { PrometheusVersion, ReleaseSetting } from './version.js';
import { formatVersion, supportedReleases } from './version.js';

export type { ConfigError } from './schema/decoder.js';
export type { ReleaseSetting } from './version.js';
export { OLDEST_SUPPORTED, NEWEST_SUPPORTED, formatReleases } from './version.js';

export interface CheckOptions {
  /** `major.minor` of the Prometheus release whose rules apply, e.g. "2.53", or several releases
   *  the config must satisfy at once (`["2.55", "3.5"]`). */
  prometheusVersion: ReleaseSetting;
}

export interface CheckResult {
  /** Every error found, in document order. Empty means promtool would accept the config (each
   *  release's promtool, when several were asked for; then each error names its `releases`). */
  errors: ConfigError[];
  /** Things worth saying that do not make the config invalid (e.g. ignored extra documents). */
  warnings: string[];
}

function byPosition(a: ConfigError, b: ConfigError): number {
  return a.line - b.line || a.col - b.col;
}

/** The errors of the decoded document at one release. */
function judgeAt(root: YamlNode | undefined, version: PrometheusVersion): DecodeContext {
  const ctx = new DecodeContext(version);
  // An empty document is Prometheus's default configuration: valid.
  if (root !== undefined && !(root.kind === 'scalar' && root.isNull)) {
    const config = decodeStruct(configSpec, root, '', ctx);
    // promtool's own checks only run once the loader accepted the file.
    if (config !== undefined && ctx.errors.length === 0) checkConfigLikePromtool(config, ctx);
  }
  return ctx;
}

/** One list of the errors of several releases: an error several report (same place, same words)
 *  is listed once, naming all of them. */
function mergeReleases(judged: DecodeContext[]): ConfigError[] {
  const merged = new Map<string, ConfigError & { releases: string[] }>();
  for (const ctx of judged) {
    const release = formatVersion(ctx.version);
    for (const error of ctx.errors) {
      const key = `${error.line}:${error.col}:${error.path}\n${error.message}`;
      const known = merged.get(key);
      if (known === undefined) merged.set(key, { ...error, releases: [release] });
      else if (!known.releases.includes(release)) known.releases.push(release);
    }
  }
  return [...merged.values()];
}

/** Throws only for an unsupported `prometheusVersion` (a promgate configuration mistake). */
export function checkPrometheusConfig(text: string, options: CheckOptions): CheckResult {
  const releases = supportedReleases(options.prometheusVersion);
  const loaded = loadYaml(text);
  if (loaded.errors.length > 0) {
    return { errors: loaded.errors.map((problem) => ({ ...problem, path: '' })), warnings: loaded.warnings };
  }
  const judged = releases.map((release) => judgeAt(loaded.root, release));
  const errors = judged.length === 1 ? judged[0]!.errors : mergeReleases(judged);
  const warnings = [...new Set([...loaded.warnings, ...judged.flatMap((ctx) => ctx.warnings)])];
  return { errors: [...errors].sort(byPosition), warnings };
}
