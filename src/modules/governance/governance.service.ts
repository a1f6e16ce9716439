import type { Database } from "../../db/prisma";
import type { Group, GroupKind, Prisma } from "../../generated/prisma/client";
import { decodeKeyCursor, encodeKeyCursor, pageWindow, type Page, type PageArgs } from "../../graphql/pagination";
import { dayOf, yesterday } from "../../graphql/period";
import { inForceWhere, runsPastWhere } from "../../db/period";
import { GroupOrderField, OrderDirection, type GroupFilter, type GroupOrder } from "./groups.args";
import type { StructureCount } from "./governance.types";

const GROUPS_CURSOR = "groups";

export class GovernanceService {
  constructor(private readonly prisma: Database) {}

  nationalProgramAreas(includePrimaryCareCouncil: boolean): Promise<Group[]> {
    const kinds: GroupKind[] = includePrimaryCareCouncil ? ["NPO", "PRIMARY_CARE_COUNCIL"] : ["NPO"];
    return this.prisma.group.findMany({ where: { kind: { in: kinds } }, orderBy: { name: "asc" } });
  }

  nationalProgramArea(slug: string): Promise<Group | null> {
    return this.prisma.group.findFirst({ where: { slug, kind: { in: ["NPO", "PRIMARY_CARE_COUNCIL"] } } });
  }

  nationalCollaborationGroups(): Promise<Group[]> {
    return this.prisma.group.findMany({ where: { kind: "NSG" }, orderBy: { name: "asc" } });
  }

  /** Official counts beside what is recorded and in force today; shows e.g. the missing 26th NPO. */
  async structureCounts(): Promise<StructureCount[]> {
    const [expected, recorded] = await Promise.all([
      this.prisma.expectedCount.findMany({ orderBy: { kind: "asc" } }),
      this.prisma.group.groupBy({
        by: ["kind"],
        // Every group not dissolved before today, as the official counts count them.
        where: runsPastWhere(yesterday()),
        _count: { _all: true },
      }),
    ]);
    const recordedByKind = new Map(recorded.map((row) => [row.kind, row._count._all]));
    return expected.map((row) => {
      const count = recordedByKind.get(row.kind) ?? 0;
      return {
        kind: row.kind,
        expected: row.count,
        recorded: count,
        missing: Math.max(0, row.count - count),
        note: row.note,
        sources: row.sources,
      };
    });
  }

  /** A page of groups matching the filter, keyset-paginated on (order field, id) in the database. */
  async groups(filter: GroupFilter, order: GroupOrder, page: PageArgs): Promise<Page<Group>> {
    const where = groupWhere(filter);
    const field = order.field === GroupOrderField.SLUG ? "slug" : "name";
    const { size, fromEnd } = pageWindow(page);
    const ascending = (order.direction === OrderDirection.ASC) !== fromEnd;
    // Both cursors are checked, though only the one on the side paged from is used.
    const afterKey =
      page.after == null ? undefined : decodeKeyCursor(GROUPS_CURSOR, page.after, "after", ["string", "uuid"]);
    const beforeKey =
      page.before == null ? undefined : decodeKeyCursor(GROUPS_CURSOR, page.before, "before", ["string", "uuid"]);
    const key = fromEnd ? beforeKey : afterKey;
    const beyond = (value: string | number | undefined) => (ascending ? { gt: String(value) } : { lt: String(value) });
    const cursorWhere: Prisma.GroupWhereInput = key
      ? { OR: [{ [field]: beyond(key[0]) }, { [field]: String(key[0]), id: beyond(key[1]) }] }
      : {};
    const direction = ascending ? "asc" : "desc";
    const [rows, totalCount] = await Promise.all([
      this.prisma.group.findMany({
        where: { AND: [where, cursorWhere] },
        orderBy: [{ [field]: direction }, { id: direction }],
        take: size + 1,
      }),
      this.prisma.group.count({ where }),
    ]);
    const more = rows.length > size;
    const nodes = rows.slice(0, size);
    if (fromEnd) nodes.reverse();
    return {
      nodes,
      totalCount,
      hasNextPage: fromEnd ? key !== undefined : more,
      hasPreviousPage: fromEnd ? more : key !== undefined,
      cursorOf: (group) => encodeKeyCursor(GROUPS_CURSOR, [group[field], group.id]),
    };
  }
}

/** The Prisma condition for a group filter. */
export function groupWhere(filter: GroupFilter): Prisma.GroupWhereInput {
  const day = dayOf(filter.activeOn);
  const conditions: Prisma.GroupWhereInput[] = [inForceWhere(day, "optional")];
  if (filter.kind?.length) conditions.push({ kind: { in: filter.kind } });
  if (filter.level?.length) conditions.push({ level: { in: filter.level } });
  if (filter.municipalParticipation != null) conditions.push({ municipalParticipation: filter.municipalParticipation });
  if (filter.region) conditions.push({ countyCode: filter.region });
  if (filter.healthcareRegion) {
    const slug = filter.healthcareRegion;
    conditions.push({
      OR: [{ healthcareRegion: { slug } }, { region: { healthcareRegions: { some: { healthcareRegion: { slug } } } } }],
    });
  }
  if (filter.municipality) {
    const organisation = { municipality: { code: filter.municipality } };
    conditions.push({
      OR: [
        { participations: { some: { organisation, ...inForceWhere(day, "optional") } } },
        { memberships: { some: { representingOrganisation: organisation, ...inForceWhere(day, "required") } } },
      ],
    });
  }
  if (filter.npo) {
    const slug = filter.npo;
    const mirrorsArea: Prisma.GroupWhereInput[] = [
      { slug, kind: { in: ["NPO", "PRIMARY_CARE_COUNCIL"] } },
      { programArea: { slug } },
      { mirrors: { some: { programArea: { slug } } } },
    ];
    conditions.push({ OR: [...mirrorsArea, { parent: { OR: mirrorsArea } }] });
  }
  return { AND: conditions };
}
