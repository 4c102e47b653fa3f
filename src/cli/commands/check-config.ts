// `promgate check-config`: raw Prometheus configuration files judged like
// `promtool check config --syntax-only`, by the same checker the prometheus-config policy uses.
import { defaultConfig, type PromgateConfig } from '../../config/schema.js';
import { formatConfigError } from '../../policies/prometheus-config/index.js';
import { checkPrometheusConfig, type ConfigError } from '../../prometheus/index.js';
import { formatReleases, supportedReleases, type ReleaseSetting } from '../../prometheus/version.js';
import type { CiCase, CiReport } from '../ci/report.js';
import { formatCiReport, isCiFormat } from '../ci/format.js';
import { readInputs } from '../inputs.js';
import { EXIT_DENIED, EXIT_OK, UsageError, parseCiOutputFlag, parseFlags, writeLine, type Command } from '../usage.js';
import { promgateVersion } from './version.js';

const usage = `promgate check-config [--config FILE] [--prometheus-version X.Y[,X.Y...]] [-o text|json|sarif|junit|github] PATH...

PATH is a file, a folder (every .yaml, .yml and .json file in it, recursively, each judged as one
Prometheus configuration) or - for standard input. Checks them like
promtool check config --syntax-only: files they name (rule files, TLS files, file_sd targets) are
not read. Errors are printed as FILE:LINE:COL: PATH: message. The Prometheus release whose rules
apply is --prometheus-version, else prometheusConfig.prometheusVersion of --config, else 2.55.
Several releases, comma-separated (2.55,3.5), must each accept a file; each error then names the
releases that report it.
-o sarif (SARIF 2.1.0), junit (JUnit XML) and github (GitHub Actions annotations) are for CI; docs/ci.md.
Exit status: 0 all valid, 1 something invalid, 2 unusable input or flags.`;

interface FileResult {
  file: string;
  valid: boolean;
  errors: ConfigError[];
  warnings: string[];
}

const RULE = 'prometheus-config';

/**
 * One case per file; its errors are exact positions in the file itself, but for a byte-order mark,
 * which the checker's columns on line 1 do not count.
 */
function ciCase(result: FileResult, byteOrderMark: boolean, prometheusVersion: ReleaseSetting): CiCase {
  const column = (error: ConfigError): number => error.col + (byteOrderMark && error.line === 1 ? 1 : 0);
  return {
    file: result.file,
    subject: result.file,
    name: `Prometheus ${formatReleases(prometheusVersion)} configuration`,
    outcome: result.valid ? 'passed' : 'failed',
    findings: [
      ...result.errors.map((error) => ({
        level: 'error' as const,
        rule: RULE,
        message: error.path === '' ? error.message : `${error.path}: ${error.message}`,
        position: { line: error.line, column: column(error), exact: true },
      })),
      ...result.warnings.map((warning) => ({ level: 'warning' as const, rule: RULE, message: warning })),
    ],
  };
}

function summary(results: FileResult[]): string {
  const invalid = results.filter((result) => !result.valid).length;
  return `${results.length} file(s) checked: ${results.length - invalid} valid, ${invalid} invalid`;
}

/** The flag is checked before any file is read; a version from --config was checked by loadConfig. */
function checkedVersionFlag(flag: string | undefined): ReleaseSetting | undefined {
  if (flag === undefined) return undefined;
  const versions = flag.split(',').map((version) => version.trim());
  try {
    supportedReleases(versions);
  } catch (err) {
    throw new UsageError(`--prometheus-version: ${(err as Error).message}`, { cause: err });
  }
  return versions.length === 1 ? versions[0]! : versions;
}

/** promgate's configuration: its defaults, or --config's file read by the loader, which is only
 *  imported then (its YAML library would add a tenth of a second to every check-config). */
async function configured(file: string | undefined): Promise<PromgateConfig> {
  if (file === undefined) return defaultConfig();
  const { loadConfig } = await import('../../config/load.js');
  return loadConfig(file);
}

export const checkConfigCommand: Command = {
  usage,
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      {
        config: { type: 'string' },
        'prometheus-version': { type: 'string' },
        output: { type: 'string', short: 'o' },
      },
      true,
    );
    const format = parseCiOutputFlag(values.output);
    const prometheusVersion =
      checkedVersionFlag(values['prometheus-version']) ??
      (await configured(values.config)).prometheusConfig.prometheusVersion;
    const inputs = await readInputs(positionals, io.stdin);
    const results: FileResult[] = [];
    for (const input of inputs) {
      const checked = checkPrometheusConfig(input.text, { prometheusVersion });
      results.push({ file: input.source, valid: checked.errors.length === 0, ...checked });
    }
    const report: CiReport = {
      command: 'promgate check-config',
      failureType: 'invalid',
      cases: results.map((result, index) =>
        ciCase(result, inputs[index]!.text.startsWith('\uFEFF'), prometheusVersion),
      ),
      summary: summary(results),
    };
    const rules = [
      { id: RULE, description: 'Prometheus configuration as promtool check config --syntax-only judges it' },
    ];
    if (format === 'json') {
      writeLine(io.stdout, JSON.stringify({ prometheusVersion, results }, null, 2));
    } else if (isCiFormat(format)) {
      writeLine(io.stdout, formatCiReport(format, report, rules, promgateVersion()));
    } else {
      for (const result of results) {
        for (const warning of result.warnings) writeLine(io.stdout, `${result.file}: warning: ${warning}`);
        for (const error of result.errors) writeLine(io.stdout, formatConfigError(result.file, error));
        writeLine(
          io.stdout,
          `${result.file}: ${result.valid ? 'SUCCESS' : `FAILED (${result.errors.length} error(s))`} (Prometheus ${formatReleases(prometheusVersion)} rules)`,
        );
      }
    }
    return results.every((result) => result.valid) ? EXIT_OK : EXIT_DENIED;
  },
};
