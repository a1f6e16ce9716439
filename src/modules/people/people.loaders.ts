import type { Database } from "../../db/prisma";
import type { Membership, MembershipRole, Person, Prisma } from "../../generated/prisma/client";
import { groupByKeys, sortByKeys } from "../../graphql/batch";
import { loadersByArguments, type LoaderFactory } from "../../graphql/loader";
import { inForceOn } from "../../graphql/period";

export type MembershipWithPerson = Membership & { person: Person };

export interface MembershipFilter {
  /** null: every period. */
  day: Date | null;
}

/** A role filter applied in memory, so `chair`, `members` and `members(role: …)` of a group share one batch. */
export function withRole(memberships: MembershipWithPerson[], role: MembershipRole | null | undefined): MembershipWithPerson[] {
  return role ? memberships.filter((membership) => membership.role === role) : memberships;
}

export function createPeopleLoaders(prisma: Database, load: LoaderFactory) {
  const personById = load<string, Person | null>(async (ids) =>
    sortByKeys(ids, await prisma.person.findMany({ where: { id: { in: [...ids] } } }), (row) => row.id),
  );

  /** Memberships whose `field` is one of the keys, with their people (one statement), matching the filter. */
  const membershipsBy = (field: "groupId" | "personId" | "representingOrganisationId") =>
    loadersByArguments(({ day }: MembershipFilter) =>
      load<string, MembershipWithPerson[]>(async (keys) => {
        const where: Prisma.MembershipWhereInput = { [field]: { in: [...keys] }, ...inForceOn(day) };
        const rows = await prisma.membership.findMany({ where, include: { person: true } });
        for (const { person } of rows) personById.prime(person.id, person);
        return groupByKeys(keys, rows, (row) => row[field] as string);
      }),
    );

  return {
    personById,
    membershipById: load<string, Membership | null>(async (ids) =>
      sortByKeys(ids, await prisma.membership.findMany({ where: { id: { in: [...ids] } } }), (row) => row.id),
    ),
    membershipsByGroupId: membershipsBy("groupId"),
    membershipsByPersonId: membershipsBy("personId"),
    membershipsByRepresentingOrganisationId: membershipsBy("representingOrganisationId"),
  };
}
