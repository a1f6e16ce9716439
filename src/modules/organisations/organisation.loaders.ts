import DataLoader from "dataloader";
import type { Database } from "../../db/prisma";
import type { Organisation } from "../../generated/prisma/client";
import { sortByKeys } from "../../graphql/batch";

export function createOrganisationLoaders(prisma: Database) {
  return {
    organisationById: new DataLoader<string, Organisation | null>(async (ids) =>
      sortByKeys(ids, await prisma.organisation.findMany({ where: { id: { in: [...ids] } } }), (row) => row.id),
    ),
  };
}
