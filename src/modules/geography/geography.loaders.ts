import type { LoaderFactory } from "../../graphql/loader";
import type { Database } from "../../db/prisma";
import { Prisma } from "../../generated/prisma/client";
import { groupByKeys, sortByKeys } from "../../graphql/batch";
import { keyedRow, sqlReader } from "../../db/read-sql";
import { array, nullable, row, text } from "../../db/sql";
import { HealthcareRegion, Municipality, Region } from "./geography.types";

/** The columns of each the API shows, on the tables aliased `hr`, `r` and `mu`. */
export const HEALTHCARE_REGION_COLUMNS = Prisma.sql`hr.id, hr.slug, hr.name`;
export const REGION_COLUMNS = Prisma.sql`r.id, r.county_code AS "countyCode", r.slug, r.name,
  r.county_name AS "countyName", r.note`;
export const MUNICIPALITY_COLUMNS = Prisma.sql`mu.id, mu.code, mu.name, mu.county_code AS "countyCode",
  mu.healthcare_region_id AS "healthcareRegionId"`;

export const healthcareRegionRow = row(
  {
    id: text(),
    slug: text(),
    name: text(),
  },
  () => HealthcareRegion.prototype,
);
export const regionRow = row(
  {
    id: text(),
    countyCode: text(),
    slug: text(),
    name: text(),
    countyName: text(),
    note: nullable(text()),
  },
  () => Region.prototype,
);
export const municipalityRow = row(
  {
    id: text(),
    code: text(),
    name: text(),
    countyCode: text(),
    healthcareRegionId: text(),
  },
  () => Municipality.prototype,
);

export type HealthcareRegionRow = ReturnType<typeof healthcareRegionRow>;
export type RegionRow = ReturnType<typeof regionRow>;
export type MunicipalityRow = ReturnType<typeof municipalityRow>;

export function createGeographyLoaders(prisma: Database, load: LoaderFactory) {
  const read = sqlReader(prisma);
  const regionById = load<string, RegionRow | null>(async (ids) =>
    sortByKeys(
      ids,
      await read.rows(
        "region_by_id",
        Prisma.sql`SELECT ${REGION_COLUMNS} FROM region r WHERE r.id = ANY(${[...ids]}::uuid[])`,
        regionRow,
      ),
      (row) => row.id,
    ),
  );
  const regionByCountyCode = load<string, RegionRow | null>(async (codes) =>
    sortByKeys(
      codes,
      await read.rows(
        "region_by_county_code",
        Prisma.sql`SELECT ${REGION_COLUMNS} FROM region r WHERE r.county_code = ANY(${[...codes]}::text[])`,
        regionRow,
      ),
      (row) => row.countyCode,
    ),
  );
  // Regions reached through a list are cached for later look-ups by key in the same request.
  const primeRegions = (regions: RegionRow[]) => {
    for (const region of regions) {
      regionById.prime(region.id, region);
      regionByCountyCode.prime(region.countyCode, region);
    }
    return regions;
  };
  const healthcareRegionById = load<string, HealthcareRegionRow | null>(async (ids) =>
    sortByKeys(
      ids,
      await read.rows(
        "healthcare_region_by_id",
        Prisma.sql`SELECT ${HEALTHCARE_REGION_COLUMNS} FROM healthcare_region hr WHERE hr.id = ANY(${[...ids]}::uuid[])`,
        healthcareRegionRow,
      ),
      (row) => row.id,
    ),
  );
  /** `sources`, read only where a field asks for them. */
  const sourcesById = (name: string, table: "healthcare_region" | "region") =>
    load<string, string[]>(async (ids) =>
      sortByKeys(
        ids,
        await read.rows(
          name,
          table === "region"
            ? Prisma.sql`SELECT r.id, r.sources FROM region r WHERE r.id = ANY(${[...ids]}::uuid[])`
            : Prisma.sql`SELECT hr.id, hr.sources FROM healthcare_region hr WHERE hr.id = ANY(${[...ids]}::uuid[])`,
          row({ id: text(), sources: array(text()) }),
        ),
        (row) => row.id,
      ).map((row) => row?.sources ?? []),
    );
  return {
    regionSourcesById: sourcesById("region_sources_by_id", "region"),
    healthcareRegionSourcesById: sourcesById("healthcare_region_sources_by_id", "healthcare_region"),
    regionById,
    regionByCountyCode,
    healthcareRegionById,
    healthcareRegionBySlug: load<string, HealthcareRegionRow | null>(async (slugs) =>
      sortByKeys(
        slugs,
        await read.rows(
          "healthcare_region_by_slug",
          Prisma.sql`SELECT ${HEALTHCARE_REGION_COLUMNS} FROM healthcare_region hr WHERE hr.slug = ANY(${[...slugs]}::text[])`,
          healthcareRegionRow,
        ),
        (row) => row.slug,
      ),
    ),
    regionsByHealthcareRegionId: load<string, RegionRow[]>(async (ids) => {
      const rows = await read.rows(
        "regions_by_healthcare_region",
        Prisma.sql`SELECT l.healthcare_region_id::text AS key, ${REGION_COLUMNS}
          FROM region_healthcare_region l JOIN region r ON r.id = l.region_id
          WHERE l.healthcare_region_id = ANY(${[...ids]}::uuid[])
          ORDER BY r.county_code`,
        keyedRow(regionRow),
      );
      return groupByKeys(ids, rows, (row) => row.key).map((found) => primeRegions(found.map((row) => row.row)));
    }),
    healthcareRegionsByRegionId: load<string, HealthcareRegionRow[]>(async (ids) => {
      const rows = await read.rows(
        "healthcare_regions_by_region",
        Prisma.sql`SELECT l.region_id::text AS key, ${HEALTHCARE_REGION_COLUMNS}
          FROM region_healthcare_region l JOIN healthcare_region hr ON hr.id = l.healthcare_region_id
          WHERE l.region_id = ANY(${[...ids]}::uuid[])
          ORDER BY l.position`,
        keyedRow(healthcareRegionRow),
      );
      return groupByKeys(ids, rows, (row) => row.key).map((found) => found.map((row) => row.row));
    }),
    municipalityById: load<string, MunicipalityRow | null>(async (ids) =>
      sortByKeys(
        ids,
        await read.rows(
          "municipality_by_id",
          Prisma.sql`SELECT ${MUNICIPALITY_COLUMNS} FROM municipality mu WHERE mu.id = ANY(${[...ids]}::uuid[])`,
          municipalityRow,
        ),
        (row) => row.id,
      ),
    ),
    municipalityByCode: load<string, MunicipalityRow | null>(async (codes) =>
      sortByKeys(
        codes,
        await read.rows(
          "municipality_by_code",
          Prisma.sql`SELECT ${MUNICIPALITY_COLUMNS} FROM municipality mu WHERE mu.code = ANY(${[...codes]}::text[])`,
          municipalityRow,
        ),
        (row) => row.code,
      ),
    ),
    municipalitiesByCountyCode: load<string, MunicipalityRow[]>(async (codes) =>
      groupByKeys(
        codes,
        await read.rows(
          "municipalities_by_county",
          Prisma.sql`SELECT ${MUNICIPALITY_COLUMNS} FROM municipality mu
            WHERE mu.county_code = ANY(${[...codes]}::text[]) ORDER BY mu.code`,
          municipalityRow,
        ),
        (row) => row.countyCode,
      ),
    ),
    municipalitiesByHealthcareRegionId: load<string, MunicipalityRow[]>(async (ids) =>
      groupByKeys(
        ids,
        await read.rows(
          "municipalities_by_healthcare_region",
          Prisma.sql`SELECT ${MUNICIPALITY_COLUMNS} FROM municipality mu
            WHERE mu.healthcare_region_id = ANY(${[...ids]}::uuid[]) ORDER BY mu.code`,
          municipalityRow,
        ),
        (row) => row.healthcareRegionId,
      ),
    ),
  };
}

declare module "../../graphql/module" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Loaders extends ReturnType<typeof createGeographyLoaders> {}
}
