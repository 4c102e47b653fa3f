// `-o github`: GitHub Actions workflow commands, which the runner turns into annotations on the
// pull request's files: `::error file=…,line=…,col=…,title=…::message`, warnings as ::warning and
// what a patch will change as ::notice. Escaped as the runner unescapes them: %, CR and LF
// everywhere, and also : and , inside properties.
import type { CiFinding, CiReport, FindingLevel } from './report.js';

const COMMANDS: Record<FindingLevel, string> = { error: 'error', warning: 'warning', note: 'notice' };

export function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

function properties(file: string, subject: string, finding: CiFinding): string {
  const parts: string[] = [];
  if (file !== '-') parts.push(`file=${escapeProperty(file)}`);
  const position = finding.position;
  if (file !== '-' && position !== undefined) {
    parts.push(`line=${position.line}`);
    if (position.exact && position.column !== undefined) parts.push(`col=${position.column}`);
  }
  parts.push(`title=${escapeProperty(`${finding.rule}: ${subject}`)}`);
  return parts.join(',');
}

export function formatGithub(report: CiReport): string {
  const lines = report.cases.flatMap((ciCase) =>
    ciCase.findings.map((finding) => {
      const note = finding.position?.note === undefined ? '' : ` (${finding.position.note})`;
      const command = COMMANDS[finding.level];
      return `::${command} ${properties(ciCase.file, ciCase.subject, finding)}::${escapeData(finding.message + note)}`;
    }),
  );
  // The summary is plain log text: the runner shows it as it is.
  return [...lines, report.summary].join('\n');
}
