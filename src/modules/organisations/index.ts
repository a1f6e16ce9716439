import { foundAs, type ModuleDescriptor } from "../../graphql/module";
import { createOrganisationLoaders } from "./organisation.loaders";
import { OrganisationMutations } from "./organisation.mutations";
import { OrganisationResolver } from "./organisation.resolver";

export { Organisation } from "./organisation.types";

/** Agencies, patient organisations and the organisations the geography comes with. */
export const organisationsModule: ModuleDescriptor = {
  name: "organisations",
  resolvers: [OrganisationResolver, OrganisationMutations],
  loaders: createOrganisationLoaders,
  nodeTypes: [{ typeName: "Organisation", fetch: (loaders, id) => loaders.organisationById.load(id) }],
  auditEntities: [{ entity: "ORGANISATION", typeNames: ["Organisation"], fetch: (loaders, id) => foundAs("Organisation", loaders.organisationById.load(id)) }],
  searchSources: [{ kind: "ORGANISATION", hydrate: (loaders, id) => foundAs("Organisation", loaders.organisationById.load(id)) }],
  tables: [{ name: "organisation", orderBy: "id", dependsOn: ["healthcare_region", "region", "municipality"] }],
  mutations: [
    { name: "createOrganisation", scopes: ["write", "write:region"] },
    { name: "updateOrganisation", scopes: ["write", "write:region"] },
  ],
};
