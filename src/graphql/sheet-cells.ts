import { EARLIEST_DAY, LATEST_DAY } from "./scalars";
import { stringProblem } from "./request-guards";
import { MAX_SLUG_LENGTH, MUNICIPALITY_CODE, SLUG } from "./validation";

/**
 * Parsers for the cells of a sheet row sent as text (a sync of memberships, a region's tracking
 * sheet): each bad cell is reported through `fail` with its field and a message, so that one bad
 * cell fails its row rather than the request. A parser returns the value, `null` for an empty
 * optional cell, or `undefined` when the cell was bad (and reported) or a required one is missing.
 */
export interface CellReader {
  /** Text without NUL or lone surrogates, within `max` characters; blank counts as empty. */
  text(field: string, value: unknown, max: number, required: boolean): string | null | undefined;
  /** A slug: lower-case letters and digits joined by single hyphens. */
  slug(field: string, value: unknown, required: boolean): string | null | undefined;
  /** A calendar day as YYYY-MM-DD from EARLIEST_DAY to LATEST_DAY. */
  day(field: string, value: unknown, required: boolean): Date | null | undefined;
  /** One of the names of an enum, e.g. a role or a status. */
  oneOf<T extends string>(
    field: string,
    value: unknown,
    names: readonly T[],
    what: string,
    required: boolean,
  ): T | null | undefined;
  /** A four-digit kommunkod. */
  municipalityCode(field: string, value: unknown, required: boolean): string | null | undefined;
}

export function cellReader(fail: (field: string, message: string) => void): CellReader {
  const reader: CellReader = {
    text(field, value, max, required) {
      if (value === null || value === undefined) {
        if (required) fail(field, `${field} is required`);
        return required ? undefined : null;
      }
      if (typeof value !== "string") {
        fail(field, `${field} must be text`);
        return undefined;
      }
      const problem = stringProblem(value);
      if (problem) {
        fail(field, `${field} ${problem}`);
        return undefined;
      }
      if (value.length > max) {
        fail(field, `${field} must be at most ${max} characters (it has ${value.length})`);
        return undefined;
      }
      if (!/\S/.test(value)) {
        if (required) fail(field, `${field} must not be blank`);
        return required ? undefined : null;
      }
      return value;
    },
    slug(field, value, required) {
      const slug = reader.text(field, value, MAX_SLUG_LENGTH, required);
      if (typeof slug === "string" && !SLUG.test(slug)) {
        fail(field, `${describeCell(slug)} is not a slug (lower-case letters and digits joined by single hyphens)`);
        return undefined;
      }
      return slug;
    },
    day(field, value, required) {
      const text = reader.text(field, value, 100, required);
      if (typeof text !== "string") return text;
      const day = parseDay(text);
      if (!day)
        fail(
          field,
          `${describeCell(text)} must be a calendar date as YYYY-MM-DD from ${EARLIEST_DAY} to ${LATEST_DAY}`,
        );
      return day;
    },
    oneOf(field, value, names, what, required) {
      const text = reader.text(field, value, 50, required);
      if (typeof text !== "string") return text;
      if ((names as readonly string[]).includes(text)) return text as (typeof names)[number];
      fail(field, `${describeCell(text)} is not ${what}; use one of ${names.join(", ")}`);
      return undefined;
    },
    municipalityCode(field, value, required) {
      const code = reader.text(field, value, 4, required);
      if (typeof code === "string" && !MUNICIPALITY_CODE.test(code)) {
        fail(field, `${describeCell(code)} is not a kommunkod (four digits, e.g. 2281)`);
        return undefined;
      }
      return code;
    },
  };
  return reader;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A YYYY-MM-DD day that exists in the calendar and lies within the range every layer stores, else undefined. */
export function parseDay(text: string): Date | undefined {
  const match = DAY.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (text < EARLIEST_DAY || text > LATEST_DAY) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2023-02-30 over into March: a day that does not exist comes back different.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date;
}

/** A cell's value for a message, shortened so that a 50 000-character cell does not make a 50 000-character message. */
export function describeCell(value: string): string {
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}..."` : text;
}
