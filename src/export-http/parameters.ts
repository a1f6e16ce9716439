import { GroupKind, GroupLevel } from "../generated/prisma/enums";
import { COUNTY_CODE, MUNICIPALITY_CODE, SLUG } from "../graphql/validation";
import type { Delimiter } from "./csv";

/** A bad parameter: 400 with the code BAD_USER_INPUT and the parameter's name. */
export class BadParameter extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter} ${message}`);
  }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_SLUG_LENGTH = 200;

type Check = (value: string, name: string) => string | string[] | null;

function oneOf(values: readonly string[], hint = ""): Check {
  return (value, name) => {
    const items = value.split(",");
    const bad = items.filter((item) => !values.includes(item));
    if (bad.length > 0 || items.length === 0)
      throw new BadParameter(name, `must be one or more of ${values.join(", ")} separated by commas${hint}`);
    return items;
  };
}

function matching(pattern: RegExp, example: string, maxLength = 20): Check {
  return (value, name) => {
    if (value.length > maxLength || !pattern.test(value)) throw new BadParameter(name, `must look like ${example}`);
    return value;
  };
}

/** A day as YYYY-MM-DD (its range is checked by the Date scalar), or `all` for every period. */
const activeOn: Check = (value, name) => {
  if (value === "all") return null;
  if (!DAY.test(value))
    throw new BadParameter(name, 'must be a calendar date as YYYY-MM-DD, e.g. "2024-03-01", or all');
  return value;
};

/** Every query parameter an export route may take, and how it is checked. */
const CHECKS: Record<string, Check> = {
  kind: oneOf(Object.values(GroupKind)),
  level: oneOf(Object.values(GroupLevel), " (a region's LPOs and LAGs are REGIONAL)"),
  region: matching(COUNTY_CODE, 'a länskod of two digits, e.g. "22"'),
  municipality: matching(MUNICIPALITY_CODE, 'a kommunkod of four digits, e.g. "2281"'),
  healthcareRegion: matching(SLUG, "a slug, e.g. norra", MAX_SLUG_LENGTH),
  programArea: matching(SLUG, "a slug, e.g. psykisk-halsa", MAX_SLUG_LENGTH),
  activeOn,
};

/** Path parameters, checked as the query parameters are. */
export const PATH_CHECKS: Record<string, Check> = {
  slug: matching(SLUG, "a slug, e.g. lpo-22-psykisk-halsa", MAX_SLUG_LENGTH),
  countyCode: matching(COUNTY_CODE, 'a länskod of two digits, e.g. "22"'),
};

export type CheckedQuery = Record<string, string | string[] | null | undefined>;

/**
 * The query parameters of a request, checked: only those the route takes (and `delimiter` for
 * CSV), each once, each well-formed. Throws BadParameter otherwise.
 */
export function checkedQuery(
  query: Record<string, unknown>,
  allowed: readonly string[],
  csv: boolean,
): { values: CheckedQuery; delimiter: Delimiter } {
  const values: CheckedQuery = {};
  let delimiter: Delimiter = ",";
  for (const [name, raw] of Object.entries(query)) {
    if (typeof raw !== "string") throw new BadParameter(name, "must be given once, as text");
    if (name === "delimiter" && csv) {
      delimiter = delimiterOf(raw);
      continue;
    }
    const check = allowed.includes(name) ? CHECKS[name] : undefined;
    if (!check)
      throw new BadParameter(
        name,
        `is not a parameter of this list; it takes ${[...allowed, ...(csv ? ["delimiter"] : [])].join(", ") || "none"}`,
      );
    values[name] = check(raw, name);
  }
  return { values, delimiter };
}

function delimiterOf(raw: string): Delimiter {
  if (raw === "," || raw === "comma") return ",";
  if (raw === ";" || raw === "semicolon") return ";";
  throw new BadParameter("delimiter", 'must be "," (comma) or ";" (semicolon, for Excel with Swedish settings)');
}

/** A path parameter, checked. */
export function checkedPathParameter(name: string, value: string): string {
  const check = PATH_CHECKS[name];
  if (!check) throw new Error(`No check for the path parameter ${name}`);
  return check(value, name) as string;
}
