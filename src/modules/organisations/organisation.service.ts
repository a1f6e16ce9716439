import type { Database } from "../../db/prisma";
import { Prisma, type OrganisationKind } from "../../generated/prisma/client";
import { sqlReader } from "../../db/read-sql";
import { ORGANISATION_COLUMNS, organisationRow, type OrganisationRow } from "./organisation.loaders";

export class OrganisationService {
  constructor(private readonly prisma: Database) {}

  byKind(kind: OrganisationKind): Promise<OrganisationRow[]> {
    return sqlReader(this.prisma).rows(
      "organisations_by_kind",
      Prisma.sql`SELECT ${ORGANISATION_COLUMNS} FROM organisation o
        WHERE o.kind = ${kind}::"OrganisationKind" ORDER BY o.name, o.id`,
      organisationRow,
    );
  }
}
