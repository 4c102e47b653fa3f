// `-o junit`: JUnit XML as CI systems read test reports (GitLab's `artifacts:reports:junit`,
// Jenkins, Azure DevOps): a testsuite per file, a testcase per object and policy, a failure per
// denied one, skipped for what no policy judged, warnings and notes in the case's system-out.
import type { CiCase, CiFinding, CiReport } from './report.js';

// Characters XML 1.0 cannot hold at all, even escaped.
const NOT_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

function attributes(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join('');
}

function where(ciCase: CiCase, finding: CiFinding): string {
  const position = finding.position;
  if (position === undefined) return '';
  const at = position.exact && position.column !== undefined ? `${position.line}:${position.column}` : position.line;
  const note = position.note === undefined ? '' : ` (${position.note})`;
  return `${ciCase.file}:${at}${note}: `;
}

function testcase(ciCase: CiCase, failureType: string): string {
  const errors = ciCase.findings.filter((finding) => finding.level === 'error');
  const others = ciCase.findings.filter((finding) => finding.level !== 'error');
  const open = `    <testcase${attributes({
    name: ciCase.name,
    classname: ciCase.subject,
    file: ciCase.file === '-' ? undefined : ciCase.file,
    line: ciCase.position?.line,
  })}`;
  const body: string[] = [];
  if (ciCase.outcome === 'failed') {
    const text = errors.map((finding) => `${where(ciCase, finding)}${finding.message}`).join('\n');
    const first = errors[0]?.message.split('\n')[0] ?? 'denied';
    body.push(`      <failure${attributes({ message: first, type: failureType })}>${escapeXml(text)}</failure>`);
  }
  if (ciCase.outcome === 'skipped') body.push(`      <skipped${attributes({ message: ciCase.skipReason })}/>`);
  if (others.length > 0) {
    const text = others.map((finding) => `${finding.level}: ${where(ciCase, finding)}${finding.message}`).join('\n');
    body.push(`      <system-out>${escapeXml(text)}</system-out>`);
  }
  return body.length === 0 ? `${open}/>` : `${open}>\n${body.join('\n')}\n    </testcase>`;
}

function counts(cases: CiCase[]): Record<string, number> {
  return {
    tests: cases.length,
    failures: cases.filter((ciCase) => ciCase.outcome === 'failed').length,
    errors: 0,
    skipped: cases.filter((ciCase) => ciCase.outcome === 'skipped').length,
  };
}

export function formatJunit(report: CiReport): string {
  const files = [...new Set(report.cases.map((ciCase) => ciCase.file))];
  const suites = files.map((file) => {
    const cases = report.cases.filter((ciCase) => ciCase.file === file);
    return [
      `  <testsuite${attributes({ name: file === '-' ? 'standard input' : file, ...counts(cases) })}>`,
      ...cases.map((ciCase) => testcase(ciCase, report.failureType)),
      '  </testsuite>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: report.command, ...counts(report.cases) })}>`,
    ...suites,
    '</testsuites>',
  ].join('\n');
}
