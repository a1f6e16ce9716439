import type { Database } from "../../db/prisma";
import type { Organisation, OrganisationKind } from "../../generated/prisma/client";

export class OrganisationService {
  constructor(private readonly prisma: Database) {}

  byKind(kind: OrganisationKind): Promise<Organisation[]> {
    return this.prisma.organisation.findMany({ where: { kind }, orderBy: { name: "asc" } });
  }
}
