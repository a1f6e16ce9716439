import { Prisma } from "../../generated/prisma/client";
import { foundAs, type ModuleDescriptor } from "../../graphql/module";
import { Person } from "./people.types";
import { OrganisationRepresentativesResolver } from "./organisation-fields.resolver";
import { createPeopleLoaders } from "./people.loaders";
import { PeopleMutations } from "./people.mutations";
import { MembershipResolver, PersonResolver } from "./people.resolver";

export { ChairArgs, MembersArgs } from "./people.args";
export { withRole, type MembershipRow, type PersonRow } from "./people.loaders";
export { memberOrder } from "./people.order";
export { Membership, MembershipConnection, Person } from "./people.types";
export { MEMBERSHIP_AUDIT_FIELDS, PERSON_AUDIT_FIELDS } from "./people.write";
export {
  organisationPlaces,
  periodProblem,
  representationProblem,
  roleProblem,
  type OrganisationPlace,
} from "./membership.rules";

/** People and their memberships (seats) in groups. */
export const peopleModule: ModuleDescriptor = {
  name: "people",
  resolvers: [PersonResolver, MembershipResolver, OrganisationRepresentativesResolver, PeopleMutations],
  loaders: createPeopleLoaders,
  nodeTypes: [
    { typeName: "Person", fetch: (loaders, id) => loaders.personById.load(id) },
    { typeName: "Membership", fetch: (loaders, id) => loaders.membershipById.load(id) },
  ],
  auditEntities: [
    { entity: "PERSON", typeNames: ["Person"], fetch: (loaders, id) => foundAs("Person", loaders.personById.load(id)) },
    {
      entity: "MEMBERSHIP",
      typeNames: ["Membership"],
      fetch: (loaders, id) => foundAs("Membership", loaders.membershipById.load(id)),
    },
  ],
  searchSources: [
    {
      kind: "PERSON",
      description: "People, by name.",
      types: () => [Person],
      candidates: ({ like, folded, everyWord }) => Prisma.sql`
        SELECT 'PERSON', p.id, p.given_name || ' ' || p.family_name, 4, kg_fold(p.given_name || ' ' || p.family_name), kg_fold(p.family_name)
          FROM person p
         WHERE kg_fold(p.given_name || ' ' || p.family_name) LIKE ${like} OR ${folded} <% kg_fold(p.given_name || ' ' || p.family_name)
            OR ${everyWord(Prisma.sql`kg_fold(p.given_name || ' ' || p.family_name)`)}`,
      hydrate: (loaders, id) => foundAs("Person", loaders.personById.load(id)),
    },
  ],
  tables: [
    { name: "person", orderBy: "id" },
    { name: "person_contact", orderBy: "person_id", dependsOn: ["person"] },
    { name: "membership", orderBy: "id", dependsOn: ["person", "governance_group", "organisation"] },
  ],
  mutations: [
    { name: "createPerson", scopes: ["write", "write:region"] },
    { name: "updatePerson", scopes: ["write", "write:region"] },
    { name: "createMembership", scopes: ["write", "write:region"] },
    { name: "updateMembership", scopes: ["write", "write:region"] },
    { name: "endMembership", scopes: ["write", "write:region"] },
  ],
};
