import type { Database } from "../db/prisma";
import { createGeographyLoaders } from "../modules/geography/geography.loaders";
import { createGovernanceLoaders } from "../modules/governance/governance.loaders";
import { createOrganisationLoaders } from "../modules/organisations/organisation.loaders";
import { createPeopleLoaders } from "../modules/people/people.loaders";
import { loaderFactory, type LoaderOptions } from "./loader";
import { anonymousCaller, type Caller } from "../access/caller";
import type { Actor } from "../db/audit-log";

export type Loaders = ReturnType<typeof createLoaders>;

/** Per-request state. Loaders live for one request only, so no data leaks between callers. */
export interface Context extends Actor {
  prisma: Database;
  loaders: Loaders;
  /** Who is asking: an API key, or anonymous. Rights are decided from it in src/access. */
  caller: Caller;
  requestId: string | null;
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

export function createContext(prisma: Database, options: LoaderOptions = { batching: true }, actor: Actor = { caller: anonymousCaller(["read"]), requestId: null }): Context {
  return { prisma, loaders: createLoaders(prisma, options), caller: actor.caller, requestId: actor.requestId };
}
