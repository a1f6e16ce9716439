import { MembershipRole as MembershipRoles } from "../../generated/prisma/enums";
import type { MembershipRole } from "../../generated/prisma/client";
import { cellReader, describeCell as describe } from "../../graphql/sheet-cells";
import { HSA_ID } from "../../graphql/validation";
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

  const cells = cellReader(fail);
  const textCell = cells.text;
  const slugCell = cells.slug;
  const dayCell = cells.day;

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
