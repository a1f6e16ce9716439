import type { Database } from "../../db/prisma";
import type { HealthcareRegion, Municipality, Region } from "../../generated/prisma/client";
import { decodeKeyCursor, DEFAULT_PAGE_SIZE, encodeKeyCursor, type Page } from "../../graphql/pagination";

const MUNICIPALITY_CURSOR = "municipality";

export class GeographyService {
  constructor(private readonly prisma: Database) {}

  healthcareRegions(): Promise<HealthcareRegion[]> {
    return this.prisma.healthcareRegion.findMany({ orderBy: { slug: "asc" } });
  }

  healthcareRegion(slug: string): Promise<HealthcareRegion | null> {
    return this.prisma.healthcareRegion.findUnique({ where: { slug } });
  }

  regions(): Promise<Region[]> {
    return this.prisma.region.findMany({ orderBy: { countyCode: "asc" } });
  }

  region(countyCode: string): Promise<Region | null> {
    return this.prisma.region.findUnique({ where: { countyCode } });
  }

  municipality(code: string): Promise<Municipality | null> {
    return this.prisma.municipality.findUnique({ where: { code } });
  }

  /** Municipalities in code order, optionally of one county, a page at a time (keyset on code). */
  async municipalities(
    filter: { countyCode?: string },
    page: { first?: number; after?: string },
  ): Promise<Page<Municipality>> {
    const first = page.first ?? DEFAULT_PAGE_SIZE;
    const afterCode =
      page.after === undefined ? undefined : String(decodeKeyCursor(MUNICIPALITY_CURSOR, page.after)[0]);
    const where = filter.countyCode ? { countyCode: filter.countyCode } : {};
    const [rows, totalCount] = await Promise.all([
      this.prisma.municipality.findMany({
        where: afterCode ? { ...where, code: { gt: afterCode } } : where,
        orderBy: { code: "asc" },
        take: first + 1,
      }),
      this.prisma.municipality.count({ where }),
    ]);
    return {
      nodes: rows.slice(0, first),
      totalCount,
      hasNextPage: rows.length > first,
      hasPreviousPage: afterCode !== undefined,
      cursorOf: (municipality) => encodeKeyCursor(MUNICIPALITY_CURSOR, [municipality.code]),
    };
  }
}
