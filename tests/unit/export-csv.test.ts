import { parse } from "csv-parse/sync";
import { BOM, toCsv, type Cell, type Delimiter } from "../../src/export-http/csv";

const ROWS: Cell[][] = [
  ["Psykisk hälsa; barn, unga", 'Said "hej"', null, true, 3],
  ["två\r\nrader", " leading space", '=HYPERLINK("http://x")', "@SUM(A1)", "+46 70 123 45 67"],
  ["-cmd|' /C calc'!A0", "-", "+", "Åre", "-12.5"],
];

describe("CSV of the export", () => {
  it.each([",", ";"] as Delimiter[])("round-trips through a CSV parser with %s as separator", (delimiter) => {
    const text = toCsv(["a", "b", "c", "d", "e"], ROWS, delimiter);
    expect(text.startsWith(BOM)).toBe(true);
    expect(text.endsWith("\r\n")).toBe(true);
    const records = parse(text, { bom: true, delimiter }) as string[][];
    expect(records).toEqual([
      ["a", "b", "c", "d", "e"],
      ["Psykisk hälsa; barn, unga", 'Said "hej"', "", "true", "3"],
      // Cells a spreadsheet would run as formulas start with an apostrophe; numbers and telephone numbers do not.
      ["två\r\nrader", " leading space", '\'=HYPERLINK("http://x")', "'@SUM(A1)", "+46 70 123 45 67"],
      ["'-cmd|' /C calc'!A0", "-", "+", "Åre", "-12.5"],
    ]);
  });
});
