/** A cell of an export: text, a number, a truth value or nothing. */
export type Cell = string | number | boolean | null;

/** The column separators a CSV export offers: `,` (RFC 4180) or `;` (Excel with Swedish regional settings). */
export type Delimiter = "," | ";";

/** UTF-8 byte order mark: Excel reads the file as UTF-8 (å, ä, ö) only when it is there. */
export const BOM = "\uFEFF";

/**
 * A cell a spreadsheet would run as a formula (=, @, or + and - followed by more than a number or
 * a telephone number) starts with an apostrophe, so that an exported name cannot become a
 * formula when the file is opened (CSV injection). Numbers and telephone numbers stay as they are.
 */
const FORMULA = /^(?:[=@\t\r]|[+-](?![\d ().-]*$))/;

function cellText(cell: Cell): string {
  if (cell === null) return "";
  const text = String(cell);
  return typeof cell === "string" && FORMULA.test(text) ? `'${text}` : text;
}

function quoted(text: string, delimiter: Delimiter): string {
  return text.includes(delimiter) || /["\r\n]/.test(text) || /^\s|\s$/.test(text)
    ? `"${text.replaceAll('"', '""')}"`
    : text;
}

/** RFC 4180 CSV with a header row and CRLF line ends, preceded by the UTF-8 byte order mark. */
export function toCsv(columns: readonly string[], rows: readonly (readonly Cell[])[], delimiter: Delimiter): string {
  const line = (cells: readonly string[]) => cells.map((cell) => quoted(cell, delimiter)).join(delimiter);
  return BOM + [line(columns), ...rows.map((row) => line(row.map(cellText)))].map((text) => `${text}\r\n`).join("");
}
