import { GraphQLDate as DateFromLibrary } from "graphql-scalars";
import { GraphQLDate } from "../../src/graphql/scalars";

describe("Date", () => {
  it("serializes as the library does, for days at UTC midnight, other times, both ends of the range and other shapes", () => {
    const values: unknown[] = [
      new Date("2024-03-01T00:00:00.000Z"),
      new Date("2024-02-29T23:59:59.999Z"),
      new Date("1000-01-01T00:00:00.000Z"),
      new Date("9999-12-31T00:00:00.000Z"),
      "2024-03-01",
    ];
    for (const value of values) expect(GraphQLDate.serialize(value)).toEqual(DateFromLibrary.serialize(value));
  });

  it("refuses what the library refuses", () => {
    expect(() => GraphQLDate.serialize("not a date")).toThrow();
    expect(() => GraphQLDate.serialize(new Date(Number.NaN))).toThrow();
    expect(() => GraphQLDate.serialize(Date.UTC(2024, 2, 1))).toThrow();
  });
});
