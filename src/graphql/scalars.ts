import { GraphQLScalarType, type ValueNode } from "graphql";
import { GraphQLDate as DateFromLibrary, GraphQLDateTime as DateTimeFromLibrary } from "graphql-scalars";
import { BadUserInputError } from "./errors";

/**
 * The days and times the API accepts: years 1000 to 9999, which JavaScript, Prisma and
 * PostgreSQL (`date`, `timestamptz`) all store and print as four-digit years.
 */
export const EARLIEST_DAY = "1000-01-01";
export const LATEST_DAY = "9999-12-31";
const EARLIEST = Date.parse(`${EARLIEST_DAY}T00:00:00.000Z`);
const LATEST = Date.parse(`${LATEST_DAY}T23:59:59.999Z`);

const INVALID_DATE = `must be a calendar date as YYYY-MM-DD from ${EARLIEST_DAY} to ${LATEST_DAY}, e.g. "2024-03-01"`;
const INVALID_DATE_TIME = `must be a date and time as in RFC 3339 from ${EARLIEST_DAY} to ${LATEST_DAY}, e.g. "2024-03-01T12:00:00Z"`;

function withinRange(value: unknown): value is Date {
  return value instanceof Date && value.getTime() >= EARLIEST && value.getTime() <= LATEST;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** A library scalar whose bad and out-of-range values are reported as BAD_USER_INPUT rather than a schema violation. */
function bounded(library: GraphQLScalarType, description: string, invalid: string): GraphQLScalarType {
  return new GraphQLScalarType({
    ...library.toConfig(),
    description,
    parseValue(value: unknown) {
      let parsed: unknown;
      try {
        parsed = library.parseValue(value);
      } catch {
        // reported below
      }
      if (!withinRange(parsed)) throw new BadUserInputError(`${describe(value)} ${invalid}`);
      return parsed;
    },
    parseLiteral(ast: ValueNode, variables?: Record<string, unknown> | null) {
      let parsed: unknown;
      try {
        parsed = library.parseLiteral(ast, variables);
      } catch {
        // reported below
      }
      if (!withinRange(parsed))
        throw new BadUserInputError(`${"value" in ast ? describe(ast.value) : "The value"} ${invalid}`, undefined, ast);
      return parsed;
    },
  });
}

const DateInRange = bounded(
  DateFromLibrary,
  `A calendar date as YYYY-MM-DD (RFC 3339 full-date), from ${EARLIEST_DAY} to ${LATEST_DAY}.`,
  INVALID_DATE,
);

/**
 * The days the database gives are Dates at UTC midnight; their full-date is the first ten
 * characters of the ISO form. The library's own serializer (which accepts many shapes) took a
 * few per cent of a member list's CPU; other shapes still go to it.
 */
export const GraphQLDate = new GraphQLScalarType({
  ...DateInRange.toConfig(),
  specifiedByURL: "https://scalars.graphql.org/andimarek/local-date.html",
  serialize(value: unknown) {
    return withinRange(value) ? value.toISOString().slice(0, 10) : DateFromLibrary.serialize(value);
  },
});

export const GraphQLDateTime = new GraphQLScalarType({
  ...bounded(
    DateTimeFromLibrary,
    `A date and time as in RFC 3339, e.g. 2024-03-01T12:00:00Z, from ${EARLIEST_DAY} to ${LATEST_DAY} (UTC).`,
    INVALID_DATE_TIME,
  ).toConfig(),
  specifiedByURL: "https://scalars.graphql.org/andimarek/date-time.html",
});
