import type { Database } from "../../db/prisma";
import { SWEDISH } from "../../db/collation";
import { Prisma, type GroupKind } from "../../generated/prisma/client";
import { decodeKeyCursor, encodeKeyCursor, pageWindow, type Page, type PageArgs } from "../../graphql/pagination";
import { dayOf } from "../../graphql/period";
import { inForceSql, inForceWhere } from "../../db/period";
import { sqlReader } from "../../db/read-sql";
import { bigint, row } from "../../db/sql";
import { GROUP_COLUMNS, groupRow, type GroupRow } from "./governance.loaders";
import { GroupOrderField, OrderDirection, type GroupFilter, type GroupOrder } from "./groups.args";
import type { StructureCount } from "./governance.types";

const GROUPS_CURSOR = "groups";

export class GovernanceService {
  constructor(private readonly prisma: Database) {}

  nationalProgramAreas(includePrimaryCareCouncil: boolean): Promise<GroupRow[]> {
    const kinds: GroupKind[] = includePrimaryCareCouncil ? ["NPO", "PRIMARY_CARE_COUNCIL"] : ["NPO"];
    return this.groupsOfKinds("national_program_areas", kinds);
  }

  async nationalProgramArea(slug: string): Promise<GroupRow | null> {
    const [found] = await sqlReader(this.prisma).rows(
      "national_program_area",
      Prisma.sql`SELECT ${GROUP_COLUMNS} FROM governance_group g
        WHERE g.slug = ${slug} AND g.kind IN ('NPO', 'PRIMARY_CARE_COUNCIL')`,
      groupRow,
    );
    return found ?? null;
  }

  nationalCollaborationGroups(): Promise<GroupRow[]> {
    return this.groupsOfKinds("national_collaboration_groups", ["NSG"]);
  }

  private groupsOfKinds(name: string, kinds: GroupKind[]): Promise<GroupRow[]> {
    return sqlReader(this.prisma).rows(
      name,
      Prisma.sql`SELECT ${GROUP_COLUMNS} FROM governance_group g WHERE g.kind = ANY(${kinds}::"GroupKind"[]) ORDER BY g.name, g.id`,
      groupRow,
    );
  }

  /**
   * Official counts as the sources gave them by `day` (the latest reading on or before it) beside
   * what is recorded and in force that day; shows e.g. 24 NPOs in 2019 and the missing 26th NPO now.
   * Kinds without a reading by then are left out.
   */
  async structureCounts(day: Date): Promise<StructureCount[]> {
    const [readings, recorded] = await Promise.all([
      this.prisma.expectedCount.findMany({
        where: { asOf: { lte: day } },
        orderBy: [{ kind: "asc" }, { asOf: "desc" }],
      }),
      this.prisma.group.groupBy({
        by: ["kind"],
        where: inForceWhere(day, "optional"),
        _count: { _all: true },
      }),
    ]);
    const recordedByKind = new Map(recorded.map((row) => [row.kind, row._count._all]));
    const latest = readings.filter((row, index) => index === 0 || readings[index - 1]!.kind !== row.kind);
    return latest.map((row) => {
      const count = recordedByKind.get(row.kind) ?? 0;
      return {
        kind: row.kind,
        asOf: row.asOf,
        expected: row.count,
        recorded: count,
        missing: Math.max(0, row.count - count),
        note: row.note,
        sources: row.sources,
      };
    });
  }

  /** A page of groups matching the filter, keyset-paginated on (order field, id) in the database. */
  async groups(filter: GroupFilter, order: GroupOrder, page: PageArgs): Promise<Page<GroupRow>> {
    const where = groupWhereSql(filter);
    const bySlug = order.field === GroupOrderField.SLUG;
    const field = bySlug ? "slug" : "name";
    // Names in Swedish alphabetical order; slugs are ASCII, in byte order.
    const column = bySlug ? Prisma.sql`g.slug` : Prisma.sql`g.name COLLATE ${SWEDISH}`;
    const { size, fromEnd } = pageWindow(page);
    const ascending = (order.direction === OrderDirection.ASC) !== fromEnd;
    // Both cursors are checked, though only the one on the side paged from is used.
    const afterKey =
      page.after == null ? undefined : decodeKeyCursor(GROUPS_CURSOR, page.after, "after", ["string", "uuid"]);
    const beforeKey =
      page.before == null ? undefined : decodeKeyCursor(GROUPS_CURSOR, page.before, "before", ["string", "uuid"]);
    const key = fromEnd ? beforeKey : afterKey;
    const beyond = ascending ? Prisma.sql`>` : Prisma.sql`<`;
    const cursorWhere = key
      ? Prisma.sql`AND (${column} ${beyond} ${String(key[0])} OR (${column} = ${String(key[0])} AND g.id ${beyond} ${String(key[1])}::uuid))`
      : Prisma.empty;
    const direction = ascending ? Prisma.sql`ASC` : Prisma.sql`DESC`;
    const read = sqlReader(this.prisma);
    const [rows, [count]] = await Promise.all([
      read.rows(
        "groups_page",
        Prisma.sql`SELECT ${GROUP_COLUMNS} FROM governance_group g WHERE ${where} ${cursorWhere}
          ORDER BY ${column} ${direction}, g.id ${direction} LIMIT ${size + 1}`,
        groupRow,
      ),
      read.rows(
        "groups_count",
        Prisma.sql`SELECT count(*) AS count FROM governance_group g WHERE ${where}`,
        row({ count: bigint() }),
      ),
    ]);
    const more = rows.length > size;
    const nodes = rows.slice(0, size);
    if (fromEnd) nodes.reverse();
    return {
      nodes,
      totalCount: Number(count?.count ?? 0),
      hasNextPage: fromEnd ? key !== undefined : more,
      hasPreviousPage: fromEnd ? more : key !== undefined,
      cursorOf: (group) => encodeKeyCursor(GROUPS_CURSOR, [group[field], group.id]),
    };
  }
}

/** Constant SQL for the two group aliases the filter's NPO condition looks at: a group, and its parent. */
const GROUP_ALIASES = {
  g: {
    slug: Prisma.sql`g.slug`,
    kind: Prisma.sql`g.kind`,
    id: Prisma.sql`g.id`,
    programAreaId: Prisma.sql`g.program_area_id`,
  },
  parent: {
    slug: Prisma.sql`parent.slug`,
    kind: Prisma.sql`parent.kind`,
    id: Prisma.sql`parent.id`,
    programAreaId: Prisma.sql`parent.program_area_id`,
  },
} as const;

/** The group aliased `alias` is the program area `slug`, mirrors it as an RPO, or mirrors it as an LPO. */
function mirrorsProgramArea(alias: keyof typeof GROUP_ALIASES, slug: string): Prisma.Sql {
  const group = GROUP_ALIASES[alias];
  return Prisma.sql`((${group.slug} = ${slug} AND ${group.kind} IN ('NPO', 'PRIMARY_CARE_COUNCIL'))
    OR EXISTS (SELECT 1 FROM governance_group pa WHERE pa.id = ${group.programAreaId} AND pa.slug = ${slug})
    OR EXISTS (SELECT 1 FROM group_mirror gm JOIN governance_group pa ON pa.id = gm.program_area_id
                WHERE gm.group_id = ${group.id} AND pa.slug = ${slug}))`;
}

/** The SQL condition for a group filter, on the table aliased `g`. */
export function groupWhereSql(filter: GroupFilter): Prisma.Sql {
  const day = dayOf(filter.activeOn);
  const conditions: Prisma.Sql[] = [inForceSql("g", day)];
  if (filter.kind?.length) conditions.push(Prisma.sql`g.kind = ANY(${filter.kind}::"GroupKind"[])`);
  if (filter.level?.length) conditions.push(Prisma.sql`g.level = ANY(${filter.level}::"GroupLevel"[])`);
  if (filter.municipalParticipation != null)
    conditions.push(Prisma.sql`g.municipal_participation = ${filter.municipalParticipation}`);
  if (filter.region) conditions.push(Prisma.sql`g.county_code = ${filter.region}`);
  if (filter.healthcareRegion) {
    const slug = filter.healthcareRegion;
    conditions.push(Prisma.sql`(
      EXISTS (SELECT 1 FROM healthcare_region hr WHERE hr.id = g.healthcare_region_id AND hr.slug = ${slug})
      OR EXISTS (SELECT 1 FROM region r
                   JOIN region_healthcare_region l ON l.region_id = r.id
                   JOIN healthcare_region hr ON hr.id = l.healthcare_region_id
                  WHERE r.county_code = g.county_code AND hr.slug = ${slug}))`);
  }
  if (filter.municipality) {
    const code = filter.municipality;
    conditions.push(Prisma.sql`(
      EXISTS (SELECT 1 FROM group_participation p
                JOIN organisation o ON o.id = p.organisation_id
                JOIN municipality mu ON mu.id = o.municipality_id
               WHERE p.group_id = g.id AND mu.code = ${code} AND ${inForceSql("p", day)})
      OR EXISTS (SELECT 1 FROM membership m
                   JOIN organisation o ON o.id = m.representing_organisation_id
                   JOIN municipality mu ON mu.id = o.municipality_id
                  WHERE m.group_id = g.id AND mu.code = ${code} AND ${inForceSql("m", day)}))`);
  }
  if (filter.npo) {
    const slug = filter.npo;
    conditions.push(Prisma.sql`(${mirrorsProgramArea("g", slug)}
      OR EXISTS (SELECT 1 FROM governance_group parent
                  WHERE parent.id = g.parent_id AND ${mirrorsProgramArea("parent", slug)}))`);
  }
  return Prisma.join(conditions, " AND ");
}
