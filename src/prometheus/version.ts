// Prometheus release numbers as `major.minor`: which release's configuration schema a config is
// judged by (`prometheusConfig.prometheusVersion`), and the `since` of fields and rules.

export interface PrometheusVersion {
  major: number;
  minor: number;
}

/** The minor releases whose rules this validator knows, per major; others are refused, not guessed
 *  (docs/adr/011). 3.N.P is the Go module version v0.30N.P of github.com/prometheus/prometheus;
 *  v0.316.0 (3.16) was the newest the module proxy served when 3.x support was written. */
const SUPPORTED_MINORS: ReadonlyArray<{ major: number; oldest: number; newest: number }> = [
  { major: 2, oldest: 42, newest: 55 },
  { major: 3, oldest: 0, newest: 16 },
];

export const OLDEST_SUPPORTED = '2.42';
export const NEWEST_SUPPORTED = '3.16';

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

/** What `prometheusVersion` accepts, for messages: "2.42 … 2.55, 3.0 … 3.16". */
export function supportedRanges(): string {
  return SUPPORTED_MINORS.map(({ major, oldest, newest }) => `${major}.${oldest} … ${major}.${newest}`).join(', ');
}

function knowsRulesOf(version: PrometheusVersion): boolean {
  return SUPPORTED_MINORS.some(
    ({ major, oldest, newest }) => version.major === major && version.minor >= oldest && version.minor <= newest,
  );
}

/** Does promgate judge this release (`2.55`, `3.5.5`)? False for text that is no release. */
export function isJudgedRelease(text: string): boolean {
  try {
    return knowsRulesOf(parseVersion(text));
  } catch {
    return false;
  }
}

/** Parse and check that the version is one we know the rules of. */
export function supportedVersion(text: string): PrometheusVersion {
  const version = parseVersion(text);
  if (!knowsRulesOf(version)) {
    throw new Error(`unsupported Prometheus version ${formatVersion(version)}: promgate knows ${supportedRanges()}`);
  }
  return version;
}

/** `prometheusVersion` as configured: one release, or several that a config must satisfy at once
 *  (to migrate from 2.x to 3.x, or when the exact release of a backend is not known). */
export type ReleaseSetting = string | readonly string[];

/** The releases of a setting, each checked, in the order given, without repeats (2.55 and v2.55.1
 *  are one release). Throws for an empty list or an unknown release. */
export function supportedReleases(setting: ReleaseSetting): PrometheusVersion[] {
  const texts = typeof setting === 'string' ? [setting] : setting;
  if (texts.length === 0)
    throw new Error('no Prometheus version given: expected major.minor, e.g. 2.55, or a list of them');
  const releases: PrometheusVersion[] = [];
  for (const text of texts) {
    const release = supportedVersion(text);
    if (!releases.some((known) => compareVersions(known, release) === 0)) releases.push(release);
  }
  return releases;
}

/** "2.55" or "2.55, 3.5", for messages. */
export function formatReleases(setting: ReleaseSetting): string {
  return (typeof setting === 'string' ? [setting] : setting).join(', ');
}
