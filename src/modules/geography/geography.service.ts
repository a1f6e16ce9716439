import type { Database } from "../../db/prisma";
import { SWEDISH } from "../../db/collation";
import { Prisma } from "../../generated/prisma/client";
import { sqlReader } from "../../db/read-sql";
import { bigint, row } from "../../db/sql";
import { decodeKeyCursor, DEFAULT_PAGE_SIZE, encodeKeyCursor, type Page } from "../../graphql/pagination";
import {
  HEALTHCARE_REGION_COLUMNS,
  healthcareRegionRow,
  MUNICIPALITY_COLUMNS,
  municipalityRow,
  REGION_COLUMNS,
  regionRow,
  type HealthcareRegionRow,
  type MunicipalityRow,
  type RegionRow,
} from "./geography.loaders";

const MUNICIPALITY_CURSOR = "municipality";

export class GeographyService {
  constructor(private readonly prisma: Database) {}

  healthcareRegions(): Promise<HealthcareRegionRow[]> {
    return sqlReader(this.prisma).rows(
      "healthcare_regions",
      Prisma.sql`SELECT ${HEALTHCARE_REGION_COLUMNS} FROM healthcare_region hr ORDER BY hr.slug`,
      healthcareRegionRow,
    );
  }

  regions(): Promise<RegionRow[]> {
    return sqlReader(this.prisma).rows(
      "regions",
      Prisma.sql`SELECT ${REGION_COLUMNS} FROM region r ORDER BY r.county_code`,
      regionRow,
    );
  }

  /** Municipalities in Swedish name order, optionally of one county, a page at a time (keyset on name and code). */
  async municipalities(
    filter: { countyCode?: string },
    page: { first?: number; after?: string | null },
  ): Promise<Page<MunicipalityRow>> {
    const first = page.first ?? DEFAULT_PAGE_SIZE;
    const after =
      page.after == null ? undefined : decodeKeyCursor(MUNICIPALITY_CURSOR, page.after, "after", ["string", "string"]);
    const read = sqlReader(this.prisma);
    const inCounty = filter.countyCode ? Prisma.sql`mu.county_code = ${filter.countyCode}` : Prisma.sql`TRUE`;
    const name = Prisma.sql`mu.name COLLATE ${SWEDISH}`;
    const afterKey = after
      ? Prisma.sql`AND (${name} > ${String(after[0])} OR (mu.name = ${String(after[0])} AND mu.code > ${String(after[1])}))`
      : Prisma.empty;
    const [rows, [count]] = await Promise.all([
      read.rows(
        "municipalities_page",
        Prisma.sql`SELECT ${MUNICIPALITY_COLUMNS} FROM municipality mu
          WHERE ${inCounty} ${afterKey}
          ORDER BY ${name}, mu.code LIMIT ${first + 1}`,
        municipalityRow,
      ),
      read.rows(
        "municipalities_count",
        Prisma.sql`SELECT count(*) AS count FROM municipality mu WHERE ${inCounty}`,
        row({ count: bigint() }),
      ),
    ]);
    return {
      nodes: rows.slice(0, first),
      totalCount: Number(count?.count ?? 0),
      hasNextPage: rows.length > first,
      hasPreviousPage: after !== undefined,
      cursorOf: (municipality) => encodeKeyCursor(MUNICIPALITY_CURSOR, [municipality.name, municipality.code]),
    };
  }
}
