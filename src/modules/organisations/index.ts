import { Prisma } from "../../generated/prisma/client";
import { foundAs, type ModuleDescriptor } from "../../graphql/module";
import { createOrganisationLoaders } from "./organisation.loaders";
import { OrganisationMutations } from "./organisation.mutations";
import { OrganisationResolver } from "./organisation.resolver";

import { Organisation } from "./organisation.types";

export { Organisation };
export { ORGANISATION_COLUMNS, organisationRow, type OrganisationRow } from "./organisation.loaders";

/** Agencies, patient organisations and the organisations the geography comes with. */
export const organisationsModule: ModuleDescriptor = {
  name: "organisations",
  resolvers: [OrganisationResolver, OrganisationMutations],
  loaders: createOrganisationLoaders,
  nodeTypes: [{ typeName: "Organisation", fetch: (loaders, id) => loaders.organisationById.load(id) }],
  auditEntities: [
    {
      entity: "ORGANISATION",
      typeNames: ["Organisation"],
      fetch: (loaders, id) => foundAs("Organisation", loaders.organisationById.load(id)),
    },
  ],
  searchSources: [
    {
      kind: "ORGANISATION",
      description: "Organisations: agencies, regions, municipalities and others.",
      types: () => [Organisation],
      candidates: ({ like, folded, everyWord }) => Prisma.sql`
        SELECT 'ORGANISATION', o.id, o.name, 3, kg_fold(o.name), coalesce(kg_fold(o.short_name), '')
          FROM organisation o
         WHERE kg_fold(o.name) LIKE ${like} OR kg_fold(o.short_name) LIKE ${like} OR ${folded} <% kg_fold(o.name)
            OR ${everyWord(Prisma.sql`kg_fold(o.name)`)}
        UNION ALL
        SELECT 'ORGANISATION', o.id, o.name, 3, kg_fold(n.name), ''
          FROM other_name n
          JOIN organisation o ON o.id = n.organisation_id OR o.healthcare_region_id = n.healthcare_region_id
         WHERE kg_fold(n.name) LIKE ${like} OR ${folded} <% kg_fold(n.name) OR ${everyWord(Prisma.sql`kg_fold(n.name)`)}`,
      hydrate: (loaders, id) => foundAs("Organisation", loaders.organisationById.load(id)),
    },
  ],
  tables: [{ name: "organisation", orderBy: "id", dependsOn: ["healthcare_region", "region", "municipality"] }],
  mutations: [
    { name: "createOrganisation", scopes: ["write", "write:region"] },
    { name: "updateOrganisation", scopes: ["write", "write:region"] },
  ],
};
