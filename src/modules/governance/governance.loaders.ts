import DataLoader from "dataloader";
import type { Database } from "../../db/prisma";
import type { Group, GroupKind, Hosting, Municipality, Organisation, OtherName, Prisma } from "../../generated/prisma/client";
import { groupByKeys, sortByKeys } from "../../graphql/batch";

/** The calendar day (UTC) as PostgreSQL `date` values compare. */
export function today(): Date {
  return new Date(new Date().toISOString().slice(0, 10));
}

export function createGovernanceLoaders(prisma: Database) {
  /** Groups (optionally of one kind) whose `field` is one of the keys, by slug. */
  const groupsBy = (field: "programAreaId" | "healthcareRegionId" | "countyCode" | "parentId", kind?: GroupKind) =>
    new DataLoader<string, Group[]>(async (keys) => {
      const where: Prisma.GroupWhereInput = { kind, [field]: { in: [...keys] } };
      const groups = await prisma.group.findMany({ where, orderBy: { slug: "asc" } });
      return groupByKeys(keys, groups, (group) => group[field] as string);
    });
  return {
    groupById: new DataLoader<string, Group | null>(async (ids) =>
      sortByKeys(ids, await prisma.group.findMany({ where: { id: { in: [...ids] } } }), (row) => row.id),
    ),
    regionalProgramAreasByProgramAreaId: groupsBy("programAreaId", "RPO"),
    regionalProgramAreasByHealthcareRegionId: groupsBy("healthcareRegionId", "RPO"),
    localProgramAreasByCountyCode: groupsBy("countyCode", "LPO"),
    localProgramAreasByProgramAreaId: new DataLoader<string, Group[]>(async (ids) => {
      const mirrors = await prisma.groupMirror.findMany({
        where: { programAreaId: { in: [...ids] }, group: { kind: "LPO" } },
        include: { group: true },
        orderBy: { group: { slug: "asc" } },
      });
      return groupByKeys(ids, mirrors, (mirror) => mirror.programAreaId).map((rows) => rows.map((mirror) => mirror.group));
    }),
    programAreasByGroupId: new DataLoader<string, Group[]>(async (ids) => {
      const mirrors = await prisma.groupMirror.findMany({
        where: { groupId: { in: [...ids] } },
        include: { programArea: true },
        orderBy: { programArea: { slug: "asc" } },
      });
      return groupByKeys(ids, mirrors, (mirror) => mirror.groupId).map((rows) => rows.map((mirror) => mirror.programArea));
    }),
    workingGroupsByParentId: groupsBy("parentId"),
    hostingsByGroupId: new DataLoader<string, Hosting[]>(async (ids) => {
      const hostings = await prisma.hosting.findMany({
        where: { groupId: { in: [...ids] } },
        orderBy: [{ validFrom: { sort: "asc", nulls: "first" } }, { kind: "asc" }],
      });
      return groupByKeys(ids, hostings, (row) => row.groupId);
    }),
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
      return groupByKeys(ids, participations, (p) => p.groupId).map((rows) =>
        rows.flatMap((p) => (p.organisation.municipality ? [p.organisation.municipality] : [])),
      );
    }),
    linkedGroupsByGroupId: new DataLoader<string, Group[]>(async (ids) => {
      const relations = await prisma.groupRelation.findMany({ where: { fromGroupId: { in: [...ids] } }, include: { toGroup: true } });
      return groupByKeys(ids, relations, (relation) => relation.fromGroupId).map((rows) => rows.map((relation) => relation.toGroup));
    }),
    otherNamesByGroupId: new DataLoader<string, OtherName[]>(async (ids) => {
      const names = await prisma.otherName.findMany({ where: { groupId: { in: [...ids] } }, orderBy: [{ kind: "asc" }, { name: "asc" }] });
      return groupByKeys(ids, names, (row) => row.groupId as string);
    }),
  };
}
