/** A CSV cell: text, a number or empty. */
export type CsvCell = string | number | boolean | null | undefined;

/**
 * Formats rows as CSV text (RFC 4180): fields are separated by commas,
 * lines end with `\n`, and a field containing a comma, quote, CR or LF is
 * quoted with inner quotes doubled. `null` and `undefined` become empty
 * fields; numbers use JavaScript's shortest round-trip form.
 *
 * @param header - column names
 * @param rows - one array per row, same length as header
 * @returns the CSV text including the header line
 * @example
 * ```ts
 * formatCsv(['file', 'score'], [['a,b.png', 0.5]]); // 'file,score\n"a,b.png",0.5\n'
 * ```
 */
export function formatCsv(
  header: readonly string[],
  rows: readonly (readonly CsvCell[])[],
): string {
  const lines = [header.map(formatCell).join(",")];
  rows.forEach((row, i) => {
    if (row.length !== header.length) {
      throw new RangeError(
        `formatCsv: row ${i} has ${row.length} fields but the header has ${header.length}`,
      );
    }
    lines.push(row.map(formatCell).join(","));
  });
  return `${lines.join("\n")}\n`;
}

function formatCell(cell: CsvCell): string {
  if (cell === null || cell === undefined) return "";
  const text = String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
