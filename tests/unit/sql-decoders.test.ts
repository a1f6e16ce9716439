import { array, bigint, boolean, date, float, int, nullable, oneOf, row, SqlRowError, text } from "../../src/db/sql";

describe("raw SQL row decoders", () => {
  it("pass through values of the expected shape", () => {
    const decode = row({
      id: text(),
      n: bigint(),
      i: int(),
      f: float(),
      b: boolean(),
      d: date(),
      a: array(text()),
      k: oneOf(["A", "B"] as const),
      x: nullable(int()),
    });
    const day = new Date("2024-02-29T00:00:00Z");
    expect(decode({ id: "x", n: 3n, i: 2, f: 0.5, b: true, d: day, a: ["p"], k: "B", x: null, extra: 1 })).toEqual({
      id: "x",
      n: 3n,
      i: 2,
      f: 0.5,
      b: true,
      d: day,
      a: ["p"],
      k: "B",
      x: null,
    });
  });

  it.each([
    ["text", text(), 1, /column "c": expected text, got a number/],
    ["int", int(), 2n, /column "c": expected an integer, got a bigint/],
    ["int", int(), 1.5, /expected an integer/],
    ["bigint", bigint(), 1, /column "c": expected a bigint, got a number/],
    ["float", float(), Number.NaN, /expected a finite number/],
    ["boolean", boolean(), "true", /expected a boolean, got a string/],
    ["date", date(), "2024-01-01", /column "c": expected a Date, got a string/],
    ["date", date(), new Date("nonsense"), /got an invalid Date/],
    ["array", array(text()), "{a}", /expected an array/],
    ["array element", array(int()), [1, "2"], /column "c\[1\]": expected an integer/],
    ["oneOf", oneOf(["A", "B"]), "C", /column "c": expected one of A, B, got "C"/],
    ["non-null", text(), null, /expected text, got null/],
  ])("reject a value of another shape (%s), naming the column", (_, decoder, value, message) => {
    expect(() => decoder(value, "c")).toThrow(SqlRowError);
    expect(() => decoder(value, "c")).toThrow(message);
  });

  it("reject a row without a column the decoder needs", () => {
    expect(() => row({ id: text() })({ other: "x" })).toThrow(/column "id": expected a value, got no such column/);
  });
});
