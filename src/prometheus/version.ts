// Prometheus release numbers as `major.minor`: which release's configuration schema a config is
// judged by (`prometheusConfig.prometheusVersion`), and the `since` of fields and rules.

export interface PrometheusVersion {
  major: number;
  minor: number;
}

/** Oldest and newest releases whose rules this validator knows; others are refused, not guessed
 *  (3.x changed label-name validation to UTF-8 and many defaults; see docs/adr/011). */
export const OLDEST_SUPPORTED = '2.42';
export const NEWEST_SUPPORTED = '2.55';

export function parseVersion(text: string): PrometheusVersion {
  const match = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(text.trim());
  if (!match) throw new Error(`invalid Prometheus version "${text}": expected major.minor, e.g. 2.53`);
  return { major: Number(match[1]), minor: Number(match[2]) };
}

export function compareVersions(a: PrometheusVersion, b: PrometheusVersion): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}

/** `since` literals are few and checked for every field of every struct: parse each once. */
const parsedSince = new Map<string, PrometheusVersion>();

/** True when `version` is `since` or later; `since` is a literal like "2.47". */
export function isAtLeast(version: PrometheusVersion, since: string): boolean {
  let threshold = parsedSince.get(since);
  if (threshold === undefined) {
    threshold = parseVersion(since);
    parsedSince.set(since, threshold);
  }
  return compareVersions(version, threshold) >= 0;
}

export function formatVersion(version: PrometheusVersion): string {
  return `${version.major}.${version.minor}`;
}

/** Parse and check that the version is one we know the rules of. */
export function supportedVersion(text: string): PrometheusVersion {
  const version = parseVersion(text);
  if (
    compareVersions(version, parseVersion(OLDEST_SUPPORTED)) < 0 ||
    compareVersions(version, parseVersion(NEWEST_SUPPORTED)) > 0
  ) {
    throw new Error(
      `unsupported Prometheus version ${formatVersion(version)}: promgate knows ${OLDEST_SUPPORTED} to ${NEWEST_SUPPORTED}`,
    );
  }
  return version;
}
