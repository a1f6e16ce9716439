import DataLoader from "dataloader";
import type { Database } from "../../db/prisma";
import type { Group, Hosting, Municipality, Organisation, OtherName } from "../../generated/prisma/client";
import { groupByKeys, sortByKeys } from "../../graphql/batch";

/** The calendar day (UTC) as PostgreSQL `date` values compare. */
export function today(): Date {
  return new Date(new Date().toISOString().slice(0, 10));
}

export function createGovernanceLoaders(prisma: Database) {
  const byGroup = <Row>(rows: Row[], keys: readonly string[], keyOf: (row: Row) => string) => groupByKeys(keys, rows, keyOf);
  return {
    groupById: new DataLoader<string, Group | null>(async (ids) =>
      sortByKeys(ids, await prisma.group.findMany({ where: { id: { in: [...ids] } } }), (row) => row.id),
    ),
    regionalProgramAreasByProgramAreaId: new DataLoader<string, Group[]>(async (ids) =>
      byGroup(
        await prisma.group.findMany({ where: { kind: "RPO", programAreaId: { in: [...ids] } }, orderBy: { slug: "asc" } }),
        ids,
        (row) => row.programAreaId as string,
      ),
    ),
    regionalProgramAreasByHealthcareRegionId: new DataLoader<string, Group[]>(async (ids) =>
      byGroup(
        await prisma.group.findMany({ where: { kind: "RPO", healthcareRegionId: { in: [...ids] } }, orderBy: { slug: "asc" } }),
        ids,
        (row) => row.healthcareRegionId as string,
      ),
    ),
    localProgramAreasByCountyCode: new DataLoader<string, Group[]>(async (codes) =>
      byGroup(
        await prisma.group.findMany({ where: { kind: "LPO", countyCode: { in: [...codes] } }, orderBy: { slug: "asc" } }),
        codes,
        (row) => row.countyCode as string,
      ),
    ),
    localProgramAreasByProgramAreaId: new DataLoader<string, Group[]>(async (ids) => {
      const mirrors = await prisma.groupMirror.findMany({
        where: { programAreaId: { in: [...ids] }, group: { kind: "LPO" } },
        include: { group: true },
        orderBy: { group: { slug: "asc" } },
      });
      return byGroup(mirrors, ids, (mirror) => mirror.programAreaId).map((rows) => rows.map((mirror) => mirror.group));
    }),
    programAreasByGroupId: new DataLoader<string, Group[]>(async (ids) => {
      const mirrors = await prisma.groupMirror.findMany({
        where: { groupId: { in: [...ids] } },
        include: { programArea: true },
        orderBy: { programArea: { slug: "asc" } },
      });
      return byGroup(mirrors, ids, (mirror) => mirror.groupId).map((rows) => rows.map((mirror) => mirror.programArea));
    }),
    workingGroupsByParentId: new DataLoader<string, Group[]>(async (ids) =>
      byGroup(
        await prisma.group.findMany({ where: { parentId: { in: [...ids] } }, orderBy: { slug: "asc" } }),
        ids,
        (row) => row.parentId as string,
      ),
    ),
    hostingsByGroupId: new DataLoader<string, Hosting[]>(async (ids) =>
      byGroup(
        await prisma.hosting.findMany({ where: { groupId: { in: [...ids] } }, orderBy: [{ validFrom: { sort: "asc", nulls: "first" } }, { kind: "asc" }] }),
        ids,
        (row) => row.groupId,
      ),
    ),
    currentHostByGroupId: new DataLoader<string, Organisation | null>(async (ids) => {
      const day = today();
      const hostings = await prisma.hosting.findMany({
        where: {
          groupId: { in: [...ids] },
          kind: "ACTIVE",
          OR: [{ validFrom: null }, { validFrom: { lte: day } }],
          AND: [{ OR: [{ validTo: null }, { validTo: { gte: day } }] }],
        },
        include: { organisation: true },
      });
      return sortByKeys(ids, hostings, (hosting) => hosting.groupId).map((hosting) => hosting?.organisation ?? null);
    }),
    participatingMunicipalitiesByGroupId: new DataLoader<string, Municipality[]>(async (ids) => {
      const participations = await prisma.groupParticipation.findMany({
        where: { groupId: { in: [...ids] }, organisation: { kind: "MUNICIPALITY" } },
        include: { organisation: { include: { municipality: true } } },
        orderBy: { organisation: { slug: "asc" } },
      });
      return byGroup(participations, ids, (p) => p.groupId).map((rows) =>
        rows.flatMap((p) => (p.organisation.municipality ? [p.organisation.municipality] : [])),
      );
    }),
    linkedGroupsByGroupId: new DataLoader<string, Group[]>(async (ids) => {
      const relations = await prisma.groupRelation.findMany({ where: { fromGroupId: { in: [...ids] } }, include: { toGroup: true } });
      return byGroup(relations, ids, (relation) => relation.fromGroupId).map((rows) => rows.map((relation) => relation.toGroup));
    }),
    otherNamesByGroupId: new DataLoader<string, OtherName[]>(async (ids) =>
      byGroup(
        await prisma.otherName.findMany({ where: { groupId: { in: [...ids] } }, orderBy: [{ kind: "asc" }, { name: "asc" }] }),
        ids,
        (row) => row.groupId as string,
      ),
    ),
  };
}
