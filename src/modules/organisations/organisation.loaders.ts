import type { LoaderFactory } from "../../graphql/loader";
import type { Database } from "../../db/prisma";
import type { Organisation } from "../../generated/prisma/client";
import { sortByKeys } from "../../graphql/batch";

export function createOrganisationLoaders(prisma: Database, load: LoaderFactory) {
  return {
    organisationById: load<string, Organisation | null>(async (ids) =>
      sortByKeys(ids, await prisma.organisation.findMany({ where: { id: { in: [...ids] } } }), (row) => row.id),
    ),
  };
}

declare module "../../graphql/module" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Loaders extends ReturnType<typeof createOrganisationLoaders> {}
}
