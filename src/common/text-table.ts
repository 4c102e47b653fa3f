// Plain-text tables for terminals: `promgate audit`'s report and the benchmark's results.

/** Each row's cells padded to their column's widest cell, two spaces apart, trailing blanks cut. */
export function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}
