import type { Database } from "../../db/prisma";
import type { Group, GroupKind } from "../../generated/prisma/client";
import type { StructureCount } from "./governance.types";
import { today } from "./governance.loaders";

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
    const day = today();
    const [expected, recorded] = await Promise.all([
      this.prisma.expectedCount.findMany({ orderBy: { kind: "asc" } }),
      this.prisma.group.groupBy({
        by: ["kind"],
        where: { OR: [{ validTo: null }, { validTo: { gte: day } }] },
        _count: { _all: true },
      }),
    ]);
    const recordedByKind = new Map(recorded.map((row) => [row.kind, row._count._all]));
    return expected.map((row) => {
      const count = recordedByKind.get(row.kind) ?? 0;
      return { kind: row.kind, expected: row.count, recorded: count, missing: Math.max(0, row.count - count), note: row.note, sources: row.sources };
    });
  }
}
