import type { Database } from "../db/prisma";
import { createGeographyLoaders } from "../modules/geography/geography.loaders";
import { createGovernanceLoaders } from "../modules/governance/governance.loaders";
import { createOrganisationLoaders } from "../modules/organisations/organisation.loaders";
import { createPeopleLoaders } from "../modules/people/people.loaders";
import { loaderFactory, type LoaderOptions } from "./loader";

export type Loaders = ReturnType<typeof createLoaders>;

/** Per-request state. Loaders live for one request only, so no data leaks between callers. */
export interface Context {
  prisma: Database;
  loaders: Loaders;
}

function createLoaders(prisma: Database, options: LoaderOptions) {
  const load = loaderFactory(options);
  return {
    ...createGeographyLoaders(prisma, load),
    ...createGovernanceLoaders(prisma, load),
    ...createOrganisationLoaders(prisma, load),
    ...createPeopleLoaders(prisma, load),
  };
}

export function createContext(prisma: Database, options: LoaderOptions = { batching: true }): Context {
  return { prisma, loaders: createLoaders(prisma, options) };
}
