import type { MembershipRole } from "../../generated/prisma/client";
import type { MembershipRow, MembershipWithPerson } from "./people.loaders";
import { MembershipRole as Roles } from "../../generated/prisma/enums";
import type { SortKey } from "../../graphql/pagination";

const ROLE_RANK = new Map(Object.values(Roles).map((role, index) => [role, index]));

export function roleRank(role: MembershipRole): number {
  return ROLE_RANK.get(role) ?? ROLE_RANK.size;
}

/** A group's members: chair first, then by role and name; earlier terms of a person after later ones. */
export function memberOrder(membership: MembershipWithPerson): SortKey {
  const { person } = membership;
  return [
    roleRank(membership.role),
    person.familyName,
    person.givenName,
    -membership.validFrom.getTime(),
    membership.id,
  ];
}

/** A person's memberships: most recent first. */
export function personMembershipOrder(membership: MembershipRow): SortKey {
  return [-membership.validFrom.getTime(), roleRank(membership.role), membership.id];
}
