import type { Database } from "../../db/prisma";
import type { MembershipRole, Prisma } from "../../generated/prisma/client";
import { groupByKeys, sortByKeys } from "../../graphql/batch";
import { loadersByArguments, type LoaderFactory } from "../../graphql/loader";
import { inForceWhere } from "../../db/period";

/** The columns the API shows; leaving out bookkeeping columns halves the cost of reading rows. */
const PERSON_FIELDS = {
  id: true,
  givenName: true,
  familyName: true,
  title: true,
  hsaId: true,
  sourceSystem: true,
  externalId: true,
  version: true,
} satisfies Prisma.PersonSelect;
const MEMBERSHIP_FIELDS = {
  id: true,
  personId: true,
  groupId: true,
  role: true,
  representingOrganisationId: true,
  validFrom: true,
  validTo: true,
  sourceSystem: true,
  externalId: true,
  version: true,
} satisfies Prisma.MembershipSelect;

export type PersonRow = Prisma.PersonGetPayload<{ select: typeof PERSON_FIELDS }>;
export type MembershipRow = Prisma.MembershipGetPayload<{ select: typeof MEMBERSHIP_FIELDS }>;
export type MembershipWithPerson = MembershipRow & { person: PersonRow };

export interface MembershipFilter {
  /** null: every period. */
  day: Date | null;
}

/** A role filter applied in memory, so `chair`, `members` and `members(role: …)` of a group share one batch. */
export function withRole(
  memberships: MembershipWithPerson[],
  role: MembershipRole | null | undefined,
): MembershipWithPerson[] {
  return role ? memberships.filter((membership) => membership.role === role) : memberships;
}

export function createPeopleLoaders(prisma: Database, load: LoaderFactory) {
  const personById = load<string, PersonRow | null>(async (ids) =>
    sortByKeys(
      ids,
      await prisma.person.findMany({ where: { id: { in: [...ids] } }, select: PERSON_FIELDS }),
      (row) => row.id,
    ),
  );

  /** Personal contact data, kept apart from the person; the resolvers check `read:contact` before loading it. */
  const contactByPersonId = load<string, { email: string | null; phone: string | null } | null>(async (ids) =>
    sortByKeys(
      ids,
      await prisma.personContact.findMany({
        where: { personId: { in: [...ids] } },
        select: { personId: true, email: true, phone: true },
      }),
      (row) => row.personId,
    ),
  );

  /** Memberships whose `field` is one of the keys, with their people (one statement), matching the filter. */
  const membershipsBy = (field: "groupId" | "personId" | "representingOrganisationId") =>
    loadersByArguments(({ day }: MembershipFilter) =>
      load<string, MembershipWithPerson[]>(async (keys) => {
        const where: Prisma.MembershipWhereInput = { [field]: { in: [...keys] }, ...inForceWhere(day, "required") };
        const rows = await prisma.membership.findMany({
          where,
          select: { ...MEMBERSHIP_FIELDS, person: { select: PERSON_FIELDS } },
        });
        for (const { person } of rows) personById.prime(person.id, person);
        return groupByKeys(keys, rows, (row) => row[field] as string);
      }),
    );

  return {
    personById,
    contactByPersonId,
    membershipById: load<string, MembershipRow | null>(async (ids) =>
      sortByKeys(
        ids,
        await prisma.membership.findMany({ where: { id: { in: [...ids] } }, select: MEMBERSHIP_FIELDS }),
        (row) => row.id,
      ),
    ),
    membershipsByGroupId: membershipsBy("groupId"),
    membershipsByPersonId: membershipsBy("personId"),
    membershipsByRepresentingOrganisationId: membershipsBy("representingOrganisationId"),
  };
}

declare module "../../graphql/module" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Loaders extends ReturnType<typeof createPeopleLoaders> {}
}
