import type { LoaderFactory } from "../../graphql/loader";
import type { Database } from "../../db/prisma";
import type { HealthcareRegion, Municipality, Region } from "../../generated/prisma/client";
import { groupByKeys, sortByKeys } from "../../graphql/batch";

export function createGeographyLoaders(prisma: Database, load: LoaderFactory) {
  const regionById = load<string, Region | null>(async (ids) =>
    sortByKeys(ids, await prisma.region.findMany({ where: { id: { in: [...ids] } } }), (row) => row.id),
  );
  const regionByCountyCode = load<string, Region | null>(async (codes) =>
    sortByKeys(
      codes,
      await prisma.region.findMany({ where: { countyCode: { in: [...codes] } } }),
      (row) => row.countyCode,
    ),
  );
  // Regions reached through a list are cached for later look-ups by key in the same request.
  const primeRegions = (regions: Region[]) => {
    for (const region of regions) {
      regionById.prime(region.id, region);
      regionByCountyCode.prime(region.countyCode, region);
    }
    return regions;
  };
  return {
    regionById,
    regionByCountyCode,
    healthcareRegionById: load<string, HealthcareRegion | null>(async (ids) =>
      sortByKeys(ids, await prisma.healthcareRegion.findMany({ where: { id: { in: [...ids] } } }), (row) => row.id),
    ),
    regionsByHealthcareRegionId: load<string, Region[]>(async (ids) => {
      const links = await prisma.regionHealthcareRegion.findMany({
        where: { healthcareRegionId: { in: [...ids] } },
        include: { region: true },
        orderBy: { region: { countyCode: "asc" } },
      });
      return groupByKeys(ids, links, (link) => link.healthcareRegionId).map((group) =>
        primeRegions(group.map((link) => link.region)),
      );
    }),
    healthcareRegionsByRegionId: load<string, HealthcareRegion[]>(async (ids) => {
      const links = await prisma.regionHealthcareRegion.findMany({
        where: { regionId: { in: [...ids] } },
        include: { healthcareRegion: true },
        orderBy: { position: "asc" },
      });
      return groupByKeys(ids, links, (link) => link.regionId).map((group) =>
        group.map((link) => link.healthcareRegion),
      );
    }),
    municipalityById: load<string, Municipality | null>(async (ids) =>
      sortByKeys(ids, await prisma.municipality.findMany({ where: { id: { in: [...ids] } } }), (row) => row.id),
    ),
    municipalitiesByCountyCode: load<string, Municipality[]>(async (codes) =>
      groupByKeys(
        codes,
        await prisma.municipality.findMany({ where: { countyCode: { in: [...codes] } }, orderBy: { code: "asc" } }),
        (row) => row.countyCode,
      ),
    ),
    municipalitiesByHealthcareRegionId: load<string, Municipality[]>(async (ids) =>
      groupByKeys(
        ids,
        await prisma.municipality.findMany({
          where: { healthcareRegionId: { in: [...ids] } },
          orderBy: { code: "asc" },
        }),
        (row) => row.healthcareRegionId,
      ),
    ),
  };
}

declare module "../../graphql/module" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Loaders extends ReturnType<typeof createGeographyLoaders> {}
}
