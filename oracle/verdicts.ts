// The two judges of a prometheus.yml: upstream's promtool of a release (`promtool check config
// --syntax-only`, which skips only the checks that read other files: rule files, TLS files,
// scrape_config_files) and promgate's validator at the same release.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../fixtures/repository.js';
import { checkPrometheusConfig } from '../src/prometheus/index.js';

export interface Verdict {
  valid: boolean;
  /** promtool's FAILED text without the file name, or promgate's first error; empty when valid. */
  message: string;
  /** promgate threw instead of judging: a bug whatever promtool says. */
  crashed?: boolean;
}

/** promtool 2.x asks the EC2 instance metadata service for a region the file leaves out while it
 *  loads the file, so its verdict depends on the machine it runs on; promgate warns instead
 *  (docs/prometheus-discovery-part-a.md). From 3.x the region is looked up only when discovery runs. */
const MACHINE_DEPENDENT = /^(EC2|Lightsail) SD configuration requires a region$/;

/** The same verdict, or promtool's is one that depends on where promtool runs and promgate's is valid. */
export function agrees(promgate: Verdict, promtool: Verdict): boolean {
  if (promgate.crashed === true) return false;
  return promgate.valid === promtool.valid || (promgate.valid && MACHINE_DEPENDENT.test(promtool.message));
}

/** promtool of `release` (2.55, 3.16, 3.5.5, …), built by scripts/tool on first use. */
export function promtoolBinary(release: string): string {
  return execFileSync(join(REPOSITORY_ROOT, 'scripts', 'tool'), ['promtool', release], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/** The `X.Y.Z` a promtool binary reports, e.g. "2.55.1". */
export function promtoolVersion(binary: string): string {
  const output = execFileSync(binary, ['--version'], { encoding: 'utf8' });
  return /version (\S+)/.exec(output)?.[1] ?? 'unknown';
}

/** Files promtool checks in one run: few processes, and one file cannot starve the others. */
const BATCH = 200;
/** A generous bound for one batch: promtool takes milliseconds per file. */
const BATCH_TIMEOUT_MS = 120_000;

/** One promtool run over files in `dir`; a file missing from its output (a crash) is undefined. */
function runPromtool(binary: string, dir: string, files: string[]): (Verdict | undefined)[] {
  // stdout ("Checking F", "SUCCESS") and stderr ("FAILED") go to one file opened for appending, so
  // the two streams keep their order and every verdict lands under its own file's heading.
  const logPath = join(dir, 'promtool.log');
  const log = openSync(logPath, 'w');
  try {
    spawnSync(binary, ['check', 'config', '--syntax-only', ...files], {
      cwd: dir,
      stdio: ['ignore', log, log],
      timeout: BATCH_TIMEOUT_MS,
    });
  } finally {
    closeSync(log);
  }
  const sections = new Map<string, string>();
  const output = readFileSync(logPath, 'utf8');
  const headings = [...output.matchAll(/^Checking (\S+)$/gm)];
  headings.forEach((heading, index) => {
    const end = headings[index + 1]?.index ?? output.length;
    sections.set(heading[1]!, output.slice(heading.index + heading[0].length, end));
  });
  return files.map((file) => {
    const section = sections.get(file);
    if (section === undefined) return undefined;
    if (section.includes(' SUCCESS: ')) return { valid: true, message: '' };
    const failed = /^ {2}FAILED: ([\s\S]*?)\n*$/m.exec(section);
    if (!failed) return undefined;
    const message = failed[1]!.replace(`parsing YAML file ${file}: `, '').replaceAll(file, 'FILE');
    return { valid: false, message: message.trim() };
  });
}

/** promtool's verdict on each text, in batches; a text that crashes promtool is judged alone. */
export function promtoolVerdicts(binary: string, texts: readonly string[]): Verdict[] {
  const dir = mkdtempSync(join(tmpdir(), 'promgate-oracle-'));
  try {
    const names = texts.map((text, index) => {
      const name = `case-${String(index).padStart(6, '0')}.yml`;
      writeFileSync(join(dir, name), text);
      return name;
    });
    const verdicts: (Verdict | undefined)[] = [];
    for (let start = 0; start < names.length; start += BATCH) {
      verdicts.push(...runPromtool(binary, dir, names.slice(start, start + BATCH)));
    }
    return verdicts.map(
      (verdict, index) =>
        verdict ??
        runPromtool(binary, dir, [names[index]!])[0] ?? { valid: false, message: 'promtool crashed or timed out' },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** promgate's verdict at `release` (major.minor); an exception is reported as a crash. */
export function promgateVerdict(release: string, text: string): Verdict {
  let errors;
  try {
    ({ errors } = checkPrometheusConfig(text, { prometheusVersion: release }));
  } catch (err) {
    return { valid: false, message: `promgate threw ${String(err)}`, crashed: true };
  }
  const first = errors[0];
  return first === undefined
    ? { valid: true, message: '' }
    : { valid: false, message: `${first.line}:${first.col}: ${first.path}: ${first.message}` };
}
