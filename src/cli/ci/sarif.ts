// `-o sarif`: SARIF 2.1.0 (OASIS), the format code-scanning services read (GitHub code scanning,
// GitLab, Azure DevOps). One result per finding, located in the file; a position that is not exact
// gives only its line and says why in the message.
import { isAbsolute, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CiFinding, CiReport, RuleDescription } from './report.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** A file named on the command line as a URI: relative paths stay relative (to the checkout). */
export function fileUri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file.split(sep).join('/').split('/').map(encodeURIComponent).join('/');
}

function location(file: string, finding: CiFinding): object[] {
  // Standard input has no file to point into.
  if (file === '-') return [];
  const position = finding.position;
  const region =
    position === undefined
      ? undefined
      : position.column !== undefined && position.exact
        ? { startLine: position.line, startColumn: position.column }
        : { startLine: position.line };
  return [{ physicalLocation: { artifactLocation: { uri: fileUri(file) }, ...(region ? { region } : {}) } }];
}

export function formatSarif(report: CiReport, rules: RuleDescription[], version: string): string {
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const results = report.cases.flatMap((ciCase) =>
    ciCase.findings.map((finding) => {
      const note = finding.position?.note === undefined ? '' : ` (${finding.position.note})`;
      const index = ruleIndex.get(finding.rule);
      return {
        ruleId: finding.rule,
        ...(index === undefined ? {} : { ruleIndex: index }),
        level: finding.level,
        message: { text: `${ciCase.subject}: ${finding.message}${note}` },
        locations: location(ciCase.file, finding),
      };
    }),
  );
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'promgate',
            version,
            rules: rules.map((rule) => ({ id: rule.id, shortDescription: { text: rule.description } })),
          },
        },
        // Columns count UTF-16 code units, as file-positions counts them.
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2);
}
