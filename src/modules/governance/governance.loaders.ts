import type { Database } from "../../db/prisma";
import type { Group, GroupKind, Hosting, Municipality, Organisation, OtherName, Prisma } from "../../generated/prisma/client";
import { groupByKeys, sortByKeys } from "../../graphql/batch";
import { loadersByArguments, type LoaderFactory } from "../../graphql/loader";
import { inForceOn, openPeriodInForceOn, today } from "../../graphql/period";

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
        const where = municipalityTakesPart([...municipalityIds], day);
        const groups = await prisma.group.findMany({
          where: { ...openPeriodInForceOn(day), OR: [{ participations: { some: where.participation } }, { memberships: { some: where.membership } }] },
          include: {
            participations: { where: where.participation, select: { organisation: { select: { municipalityId: true } } } },
            memberships: { where: where.membership, select: { representingOrganisation: { select: { municipalityId: true } } } },
          },
        });
        const byMunicipality = new Map<string, Group[]>(municipalityIds.map((id) => [id, []]));
        for (const { participations, memberships, ...group } of groups) {
          const present = new Set([
            ...participations.map((p) => p.organisation.municipalityId),
            ...memberships.map((m) => m.representingOrganisation?.municipalityId),
          ]);
          for (const id of present) if (id) byMunicipality.get(id)?.push(group);
        }
        return municipalityIds.map((id) => byMunicipality.get(id) ?? []);
      }),
    ),
    programAreaBySlug: load<string, Group | null>(async (slugs) =>
      sortByKeys(slugs, await prisma.group.findMany({ where: { slug: { in: [...slugs] }, kind: { in: ["NPO", "PRIMARY_CARE_COUNCIL"] } } }), (row) => row.slug),
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
      return groupByKeys(ids, mirrors, (mirror) => mirror.programAreaId).map((rows) => rows.map((mirror) => mirror.group));
    }),
    programAreasByGroupId: load<string, Group[]>(async (ids) => {
      const mirrors = await prisma.groupMirror.findMany({
        where: { groupId: { in: [...ids] } },
        include: { programArea: true },
        orderBy: { programArea: { slug: "asc" } },
      });
      return groupByKeys(ids, mirrors, (mirror) => mirror.groupId).map((rows) => rows.map((mirror) => mirror.programArea));
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
          OR: [{ validFrom: null }, { validFrom: { lte: day } }],
          AND: [{ OR: [{ validTo: null }, { validTo: { gte: day } }] }],
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
      const relations = await prisma.groupRelation.findMany({ where: { fromGroupId: { in: [...ids] } }, include: { toGroup: true } });
      return groupByKeys(ids, relations, (relation) => relation.fromGroupId).map((rows) => rows.map((relation) => relation.toGroup));
    }),
    otherNamesByGroupId: load<string, OtherName[]>(async (ids) => {
      const names = await prisma.otherName.findMany({ where: { groupId: { in: [...ids] } }, orderBy: [{ kind: "asc" }, { name: "asc" }] });
      return groupByKeys(ids, names, (row) => row.groupId as string);
    }),
  };
}

/** A municipality takes part in a group as such (participation) or through a member representing it. */
function municipalityTakesPart(municipalityIds: string[], day: Date | null) {
  const organisation = { municipalityId: { in: municipalityIds } };
  return {
    participation: { organisation, ...openPeriodInForceOn(day) } satisfies Prisma.GroupParticipationWhereInput,
    membership: { representingOrganisation: organisation, ...inForceOn(day) } satisfies Prisma.MembershipWhereInput,
  };
}
