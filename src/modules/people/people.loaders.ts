import type { Database } from "../../db/prisma";
import type { Membership, MembershipRole, Person, Prisma } from "../../generated/prisma/client";
import { groupByKeys, sortByKeys } from "../../graphql/batch";
import { loadersByArguments, type LoaderFactory } from "../../graphql/loader";
import { inForceOn } from "../../graphql/period";

export type MembershipWithPerson = Membership & { person: Person };

export interface MembershipFilter {
  /** null: every period. */
  day: Date | null;
  role?: MembershipRole | null;
}

export function createPeopleLoaders(prisma: Database, load: LoaderFactory) {
  const personById = load<string, Person | null>(async (ids) =>
    sortByKeys(ids, await prisma.person.findMany({ where: { id: { in: [...ids] } } }), (row) => row.id),
  );

  /** Memberships whose `field` is one of the keys, with their people (one statement), matching the filter. */
  const membershipsBy = (field: "groupId" | "personId" | "representingOrganisationId") =>
    loadersByArguments(({ day, role }: MembershipFilter) =>
      load<string, MembershipWithPerson[]>(async (keys) => {
        const where: Prisma.MembershipWhereInput = { [field]: { in: [...keys] }, ...(role ? { role } : {}), ...inForceOn(day) };
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
