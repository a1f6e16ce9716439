import { cellReader, parseDay } from "../../src/graphql/sheet-cells";
import { parseSheetRow } from "../../src/modules/knowledge/knowledge.sheet";

/**
 * The cell parsers shared by the membership sync and the tracking-sheet sync: each bad cell is
 * reported once, naming its field, and a good cell comes back converted.
 */
function read<T>(parse: (cells: ReturnType<typeof cellReader>) => T): { value: T; errors: string[] } {
  const errors: string[] = [];
  const value = parse(cellReader((field) => errors.push(field)));
  return { value, errors };
}

describe("parseDay", () => {
  it("accepts days that exist within 1000-01-01..9999-12-31", () => {
    for (const day of ["1000-01-01", "2024-02-29", "9999-12-31"])
      expect(parseDay(day)?.toISOString().slice(0, 10)).toBe(day);
  });

  it("refuses days that do not exist, lie outside the range or have another shape", () => {
    for (const day of [
      "2023-02-29",
      "2025-13-01",
      "2025-00-10",
      "0999-12-31",
      "10000-01-01",
      "2025-1-1",
      "2025-01-01 00:00",
      "",
    ])
      expect(parseDay(day)).toBeUndefined();
  });
});

describe("cellReader", () => {
  it("reports a missing required cell, and gives null for an empty optional one", () => {
    expect(read((c) => c.text("name", null, 10, true))).toEqual({ value: undefined, errors: ["name"] });
    expect(read((c) => c.text("name", "  ", 10, true))).toEqual({ value: undefined, errors: ["name"] });
    expect(read((c) => c.text("note", undefined, 10, false))).toEqual({ value: null, errors: [] });
    expect(read((c) => c.day("on", "", false))).toEqual({ value: null, errors: [] });
  });

  it("reports NUL, lone surrogates, over-long text and values that are not text", () => {
    for (const value of ["a\u0000b", "a\ud800", "\udc00", "x".repeat(11), 42, { a: 1 }])
      expect(read((c) => c.text("note", value, 10, false))).toEqual({ value: undefined, errors: ["note"] });
  });

  it("checks slugs, enum names and kommunkoder", () => {
    expect(read((c) => c.slug("s", "lpo-22-psykisk-halsa", true)).errors).toEqual([]);
    for (const bad of ["Not A Slug", "a--b", "-a", "a".repeat(101)])
      expect(read((c) => c.slug("s", bad, true)).errors).toEqual(["s"]);
    expect(read((c) => c.oneOf("status", "DECIDED", ["DECIDED", "PLANNING"], "a status", true)).value).toBe("DECIDED");
    expect(read((c) => c.oneOf("status", "decided", ["DECIDED"], "a status", true)).errors).toEqual(["status"]);
    expect(read((c) => c.municipalityCode("m", "2281", false)).value).toBe("2281");
    for (const bad of ["228", "22811", "22a1"])
      expect(read((c) => c.municipalityCode("m", bad, false)).errors).toEqual(["m"]);
  });
});

describe("parseSheetRow", () => {
  const good = {
    knowledgeSupport: "vardforlopp-psykos",
    status: "NOT_TO_BE_IMPLEMENTED",
    from: "2026-01-01",
    reason: " Ej aktuellt ",
  };

  it("converts a good row", () => {
    expect(parseSheetRow(good)).toEqual({
      errors: [],
      values: {
        knowledgeSupport: "vardforlopp-psykos",
        municipalityCode: null,
        status: "NOT_TO_BE_IMPLEMENTED",
        from: new Date("2026-01-01T00:00:00Z"),
        reason: "Ej aktuellt",
        decisionDate: null,
      },
    });
  });

  it("names every bad cell of a row, and a missing reason for a decision not to implement", () => {
    const parsed = parseSheetRow({
      ...good,
      municipalityCode: "1",
      from: "2026-02-30",
      reason: null,
      decisionDate: "x",
    });
    expect(parsed.values).toBeUndefined();
    expect(parsed.errors.map((e) => [e.code, e.field])).toEqual([
      ["BAD_USER_INPUT", "municipalityCode"],
      ["BAD_USER_INPUT", "from"],
      ["BAD_USER_INPUT", "decisionDate"],
      ["BAD_USER_INPUT", "reason"],
    ]);
  });
});
