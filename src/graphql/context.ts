import type { Database } from "../db/prisma";
import { createGeographyLoaders } from "../modules/geography/geography.loaders";
import { createGovernanceLoaders } from "../modules/governance/governance.loaders";
import { createOrganisationLoaders } from "../modules/organisations/organisation.loaders";

export type Loaders = ReturnType<typeof createGeographyLoaders> &
  ReturnType<typeof createGovernanceLoaders> &
  ReturnType<typeof createOrganisationLoaders>;

/** Per-request state. Loaders live for one request only, so no data leaks between callers. */
export interface Context {
  prisma: Database;
  loaders: Loaders;
}

export function createContext(prisma: Database): Context {
  return {
    prisma,
    loaders: {
      ...createGeographyLoaders(prisma),
      ...createGovernanceLoaders(prisma),
      ...createOrganisationLoaders(prisma),
    },
  };
}
