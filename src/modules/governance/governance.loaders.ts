import type { Database } from "../../db/prisma";
import {
  Prisma,
  type Group,
  type GroupKind,
  type Hosting,
  type Municipality,
  type Organisation,
  type OtherName,
} from "../../generated/prisma/client";
import { groupByKeys, sortByKeys } from "../../graphql/batch";
import { loadersByArguments, type LoaderFactory } from "../../graphql/loader";
import { today } from "../../graphql/period";
import { inForceSql, inForceWhere } from "../../db/period";
import { queryRows, row, text } from "../../db/sql";

export function createGovernanceLoaders(prisma: Database, load: LoaderFactory) {
  /** Groups (optionally of one kind) whose `field` is one of the keys, by slug. */
  const groupsBy = (field: "programAreaId" | "healthcareRegionId" | "countyCode" | "parentId", kind?: GroupKind) =>
    load<string, Group[]>(async (keys) => {
      const where: Prisma.GroupWhereInput = { kind, [field]: { in: [...keys] } };
      const groups = await prisma.group.findMany({ where, orderBy: { slug: "asc" } });
      return groupByKeys(keys, groups, (group) => group[field] as string);
    });
  return {
    // The level is filtered in memory, so a municipality's groups at three levels are one query.
    groupsByMunicipalityId: loadersByArguments(({ day }: { day: Date | null }) =>
      load<string, Group[]>(async (municipalityIds) => {
        // Participations and representing memberships in force on the day, with each group's row.
        const rows = await queryRows(
          prisma,
          Prisma.sql`
          SELECT DISTINCT o.municipality_id::text AS "municipalityId", g.id::text AS id
            FROM organisation o
            CROSS JOIN LATERAL (
              SELECT p.group_id FROM group_participation p
               WHERE p.organisation_id = o.id
                 AND ${inForceSql("p", day)}
              UNION
              SELECT m.group_id FROM membership m
               WHERE m.representing_organisation_id = o.id
                 AND ${inForceSql("m", day)}
            ) AS seat
            JOIN governance_group g ON g.id = seat.group_id
           WHERE o.municipality_id = ANY(${[...municipalityIds]}::uuid[])
             AND ${inForceSql("g", day)}`,
          row({ municipalityId: text(), id: text() }),
        );
        const groups = await prisma.group.findMany({ where: { id: { in: [...new Set(rows.map((row) => row.id))] } } });
        const byId = new Map(groups.map((group) => [group.id, group]));
        return groupByKeys(municipalityIds, rows, (row) => row.municipalityId).map((seats) =>
          seats.flatMap((seat) => byId.get(seat.id) ?? []),
        );
      }),
    ),
    groupBySlug: load<string, Group | null>(async (slugs) =>
      sortByKeys(slugs, await prisma.group.findMany({ where: { slug: { in: [...slugs] } } }), (row) => row.slug),
    ),
    groupById: load<string, Group | null>(async (ids) =>
      sortByKeys(ids, await prisma.group.findMany({ where: { id: { in: [...ids] } } }), (row) => row.id),
    ),
    regionalProgramAreasByProgramAreaId: groupsBy("programAreaId", "RPO"),
    regionalProgramAreasByHealthcareRegionId: groupsBy("healthcareRegionId", "RPO"),
    localProgramAreasByCountyCode: groupsBy("countyCode", "LPO"),
    localProgramAreasByProgramAreaId: load<string, Group[]>(async (ids) => {
      const mirrors = await prisma.groupMirror.findMany({
        where: { programAreaId: { in: [...ids] }, group: { kind: "LPO" } },
        include: { group: true },
        orderBy: { group: { slug: "asc" } },
      });
      return groupByKeys(ids, mirrors, (mirror) => mirror.programAreaId).map((rows) =>
        rows.map((mirror) => mirror.group),
      );
    }),
    programAreasByGroupId: load<string, Group[]>(async (ids) => {
      const mirrors = await prisma.groupMirror.findMany({
        where: { groupId: { in: [...ids] } },
        include: { programArea: true },
        orderBy: { programArea: { slug: "asc" } },
      });
      return groupByKeys(ids, mirrors, (mirror) => mirror.groupId).map((rows) =>
        rows.map((mirror) => mirror.programArea),
      );
    }),
    workingGroupsByParentId: groupsBy("parentId"),
    hostingsByGroupId: load<string, Hosting[]>(async (ids) => {
      const hostings = await prisma.hosting.findMany({
        where: { groupId: { in: [...ids] } },
        orderBy: [{ validFrom: { sort: "asc", nulls: "first" } }, { kind: "asc" }],
      });
      return groupByKeys(ids, hostings, (row) => row.groupId);
    }),
    currentHostByGroupId: load<string, Organisation | null>(async (ids) => {
      const day = today();
      const hostings = await prisma.hosting.findMany({
        where: {
          groupId: { in: [...ids] },
          kind: "ACTIVE",
          ...inForceWhere(day, "optional"),
        },
        include: { organisation: true },
      });
      return sortByKeys(ids, hostings, (hosting) => hosting.groupId).map((hosting) => hosting?.organisation ?? null);
    }),
    participatingMunicipalitiesByGroupId: load<string, Municipality[]>(async (ids) => {
      const participations = await prisma.groupParticipation.findMany({
        where: { groupId: { in: [...ids] }, organisation: { kind: "MUNICIPALITY" } },
        include: { organisation: { include: { municipality: true } } },
        orderBy: { organisation: { slug: "asc" } },
      });
      return groupByKeys(ids, participations, (p) => p.groupId).map((rows) =>
        rows.flatMap((p) => (p.organisation.municipality ? [p.organisation.municipality] : [])),
      );
    }),
    linkedGroupsByGroupId: load<string, Group[]>(async (ids) => {
      const relations = await prisma.groupRelation.findMany({
        where: { fromGroupId: { in: [...ids] } },
        include: { toGroup: true },
      });
      return groupByKeys(ids, relations, (relation) => relation.fromGroupId).map((rows) =>
        rows.map((relation) => relation.toGroup),
      );
    }),
    otherNamesByGroupId: load<string, OtherName[]>(async (ids) => {
      const names = await prisma.otherName.findMany({
        where: { groupId: { in: [...ids] } },
        orderBy: [{ kind: "asc" }, { name: "asc" }],
      });
      return groupByKeys(ids, names, (row) => row.groupId as string);
    }),
  };
}

declare module "../../graphql/module" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Loaders extends ReturnType<typeof createGovernanceLoaders> {}
}
