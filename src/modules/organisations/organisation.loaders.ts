import type { LoaderFactory } from "../../graphql/loader";
import type { Database } from "../../db/prisma";
import { OrganisationKind, Prisma } from "../../generated/prisma/client";
import { sortByKeys } from "../../graphql/batch";
import { sqlReader } from "../../db/read-sql";
import { array, int, nullable, oneOf, row, text } from "../../db/sql";
import { Organisation } from "./organisation.types";

/** An organisation's columns the API shows, on the table aliased `o`. */
export const ORGANISATION_COLUMNS = Prisma.sql`o.id, o.slug, o.kind, o.name, o.short_name AS "shortName",
  o.description, o.note, o.version, o.region_id AS "regionId",
  o.healthcare_region_id AS "healthcareRegionId", o.municipality_id AS "municipalityId"`;

export const organisationRow = row(
  {
    id: text(),
    slug: text(),
    kind: oneOf(Object.values(OrganisationKind)),
    name: text(),
    shortName: nullable(text()),
    description: nullable(text()),
    note: nullable(text()),
    version: int(),
    regionId: nullable(text()),
    healthcareRegionId: nullable(text()),
    municipalityId: nullable(text()),
  },
  () => Organisation.prototype,
);

export type OrganisationRow = ReturnType<typeof organisationRow>;

export function createOrganisationLoaders(prisma: Database, load: LoaderFactory) {
  const read = sqlReader(prisma);
  return {
    organisationSourcesById: load<string, string[]>(async (ids) =>
      sortByKeys(
        ids,
        await read.rows(
          "organisation_sources_by_id",
          Prisma.sql`SELECT o.id, o.sources FROM organisation o WHERE o.id = ANY(${[...ids]}::uuid[])`,
          row({ id: text(), sources: array(text()) }),
        ),
        (row) => row.id,
      ).map((row) => row?.sources ?? []),
    ),
    organisationById: load<string, OrganisationRow | null>(async (ids) =>
      sortByKeys(
        ids,
        await read.rows(
          "organisation_by_id",
          Prisma.sql`SELECT ${ORGANISATION_COLUMNS} FROM organisation o WHERE o.id = ANY(${[...ids]}::uuid[])`,
          organisationRow,
        ),
        (row) => row.id,
      ),
    ),
  };
}

declare module "../../graphql/module" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Loaders extends ReturnType<typeof createOrganisationLoaders> {}
}
