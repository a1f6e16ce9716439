import { MembershipRole as MembershipRoles } from "../../generated/prisma/enums";
import type { MembershipRole } from "../../generated/prisma/client";
import { EARLIEST_DAY, LATEST_DAY } from "../../graphql/scalars";
import { stringProblem } from "../../graphql/request-guards";
import { HSA_ID, MAX_SLUG_LENGTH, SLUG } from "../../graphql/validation";
import type { SyncMembershipInput } from "./sync.inputs";
import type { SyncItemError } from "./sync.types";

/** A row whose every cell has been checked and converted: what the sync plans with. */
export interface SyncRowValues {
  externalId: string;
  person: {
    externalId: string | null;
    hsaId: string | null;
    givenName: string;
    familyName: string;
    title: string | null;
  };
  group: string;
  role: MembershipRole;
  representing: string | null;
  validFrom: Date;
  validTo: Date | null;
}

const ROLES = new Set<string>(Object.values(MembershipRoles));
const ROLE_LIST = Object.values(MembershipRoles).join(", ");
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The longest a value of each kind may be; longer cells are reported, not truncated. */
export const SYNC_CELL_LIMITS = { id: 200, name: 100, title: 200 } as const;

/**
 * Checks every cell of a sync row as the source system sent it (strings, so that one bad cell
 * fails its row rather than the request) and converts it. Each bad cell gives one error naming
 * its field; the values are returned only when no cell is bad.
 */
export function parseSyncRow(input: SyncMembershipInput): { values?: SyncRowValues; errors: SyncItemError[] } {
  const errors: SyncItemError[] = [];
  const fail = (field: string, message: string) => errors.push({ code: "BAD_USER_INPUT", field, message });

  /** A cell that must be text without NUL or lone surrogates, within `max` characters. */
  const textCell = (field: string, value: unknown, max: number, required: boolean): string | null | undefined => {
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
  };

  const slugCell = (field: string, value: unknown, required: boolean): string | null | undefined => {
    const slug = textCell(field, value, MAX_SLUG_LENGTH, required);
    if (typeof slug === "string" && !SLUG.test(slug)) {
      fail(field, `${describe(slug)} is not a slug (lower-case letters and digits joined by single hyphens)`);
      return undefined;
    }
    return slug;
  };

  const dayCell = (field: string, value: unknown, required: boolean): Date | null | undefined => {
    const text = textCell(field, value, 100, required);
    if (typeof text !== "string") return text;
    const day = parseDay(text);
    if (!day)
      fail(field, `${describe(text)} must be a calendar date as YYYY-MM-DD from ${EARLIEST_DAY} to ${LATEST_DAY}`);
    return day;
  };

  const person: unknown = input.person;
  const personCells = (typeof person === "object" && person !== null ? person : {}) as Record<string, unknown>;
  if (typeof person !== "object" || person === null) fail("person", "person is required");

  const externalId = textCell("externalId", input.externalId, SYNC_CELL_LIMITS.id, true);
  const personExternalId = textCell("person.externalId", personCells.externalId, SYNC_CELL_LIMITS.id, false);
  let hsaId = textCell("person.hsaId", personCells.hsaId, SYNC_CELL_LIMITS.id, false);
  if (typeof hsaId === "string" && !HSA_ID.test(hsaId)) {
    fail("person.hsaId", `${describe(hsaId)} is not an HSA-id such as SE2321000131-P000000000001`);
    hsaId = undefined;
  }
  if (personExternalId === null && hsaId === null && errors.length === 0)
    fail("person", "A person needs an externalId or an hsaId");
  const givenName = textCell("person.givenName", personCells.givenName, SYNC_CELL_LIMITS.name, true);
  const familyName = textCell("person.familyName", personCells.familyName, SYNC_CELL_LIMITS.name, true);
  const title = textCell("person.title", personCells.title, SYNC_CELL_LIMITS.title, false);
  const group = slugCell("group", input.group, true);
  const roleText = textCell("role", input.role, 50, true);
  let role: MembershipRole | undefined;
  if (typeof roleText === "string") {
    if (ROLES.has(roleText)) role = roleText as MembershipRole;
    else fail("role", `${describe(roleText)} is not a role; use one of ${ROLE_LIST}`);
  }
  const representing = slugCell("representing", input.representing, false);
  const validFrom = dayCell("validFrom", input.validFrom, true);
  const validTo = dayCell("validTo", input.validTo, false);

  if (errors.length > 0) return { errors };
  return {
    errors,
    values: {
      externalId: externalId as string,
      person: {
        externalId: personExternalId as string | null,
        hsaId: hsaId as string | null,
        givenName: (givenName as string).trim(),
        familyName: (familyName as string).trim(),
        title: title as string | null,
      },
      group: group as string,
      role: role as MembershipRole,
      representing: representing as string | null,
      validFrom: validFrom as Date,
      validTo: validTo as Date | null,
    },
  };
}

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
function describe(value: string): string {
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}..."` : text;
}
