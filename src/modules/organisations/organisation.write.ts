import type { Database } from "../../db/prisma";
import type { Organisation } from "../../generated/prisma/client";
import type { OrganisationKind } from "../../generated/prisma/enums";
import { BadUserInputError, ConflictError, NotFoundError } from "../../graphql/errors";
import { databaseIdOf, toGlobalId } from "../../graphql/global-id";
import { authorizeAnyWrite, authorizeWrite } from "../../access/authorize";
import { createdFields, definedOnly, writeTransaction, type Actor, type Transaction } from "../../db/audit-log";
import { updateRecord } from "../../db/update-record";
import type { CreateOrganisationInput, UpdateOrganisationInput } from "./organisation.inputs";

export const ORGANISATION_AUDIT_FIELDS = [
  "slug",
  "kind",
  "name",
  "shortName",
  "description",
  "countyCode",
  "note",
  "sources",
] as const satisfies readonly (keyof Organisation)[];

/** Regions, healthcare regions and municipalities are organisations too, but they come with the geography, not from writes. */
const GEOGRAPHIC_KINDS: readonly OrganisationKind[] = ["HEALTHCARE_REGION", "REGION", "MUNICIPALITY"];

export class OrganisationWriteService {
  constructor(private readonly prisma: Database) {}

  createOrganisation(actor: Actor, input: CreateOrganisationInput): Promise<Organisation> {
    authorizeAnyWrite(actor.caller, "organisations");
    if (GEOGRAPHIC_KINDS.includes(input.kind))
      throw new BadUserInputError(
        `Organisations of kind ${input.kind} come with the geography and cannot be created`,
        "input.kind",
      );
    authorizeWrite(
      actor.caller,
      [input.countyCode ?? null],
      input.countyCode ? `organisations in county ${input.countyCode}` : "organisations without a county",
    );
    return writeTransaction(this.prisma, actor, async (tx, log) => {
      if (input.countyCode) await requireRegion(tx, input.countyCode);
      const taken = await tx.organisation.findUnique({ where: { slug: input.slug } });
      if (taken)
        throw new ConflictError(`The slug ${input.slug} is taken`, {
          existing: {
            type: "Organisation",
            id: toGlobalId("Organisation", taken.id),
            slug: taken.slug,
            version: taken.version,
          },
        });
      const organisation = await tx.organisation.create({
        data: {
          slug: input.slug,
          kind: input.kind,
          name: input.name.trim(),
          shortName: input.shortName ?? null,
          description: input.description ?? null,
          countyCode: input.countyCode ?? null,
          note: input.note ?? null,
          sources: input.sources ?? [],
          provenance: "RECORDED",
        },
      });
      log.record({
        entity: "ORGANISATION",
        entityId: organisation.id,
        action: "CREATED",
        version: organisation.version,
        changes: createdFields(organisation, ORGANISATION_AUDIT_FIELDS),
      });
      return organisation;
    });
  }

  updateOrganisation(actor: Actor, input: UpdateOrganisationInput): Promise<Organisation> {
    authorizeAnyWrite(actor.caller, "organisations");
    const id = databaseIdOf(input.id, ["Organisation"], "input.id");
    if (input.name === null) throw new BadUserInputError("name cannot be cleared", "input.name");
    return writeTransaction(this.prisma, actor, (tx, log) =>
      updateRecord(tx, log, {
        entity: "ORGANISATION",
        table: "organisation",
        id,
        read: () => tx.organisation.findUnique({ where: { id } }),
        what: "Organisation",
        authorize: (before) => {
          // Regions, healthcare regions and municipalities come with the geography, whatever their county.
          const geographic = GEOGRAPHIC_KINDS.includes(before.kind);
          authorizeWrite(
            actor.caller,
            [geographic ? null : before.countyCode],
            `the organisation ${before.slug}${geographic ? `, which comes with the geography (${before.kind})` : ""}`,
          );
        },
        expectedVersion: input.expectedVersion,
        versionLabel: (before) => `The organisation ${before.slug}`,
        change: () => {
          const { id: _id, expectedVersion: _version, ...fields } = input;
          return definedOnly({ ...fields, name: fields.name?.trim() }) as Partial<Organisation>;
        },
        auditFields: ORGANISATION_AUDIT_FIELDS,
        write: (data) => tx.organisation.update({ where: { id }, data }),
      }),
    );
  }
}

async function requireRegion(tx: Transaction, countyCode: string): Promise<void> {
  if (!(await tx.region.findUnique({ where: { countyCode }, select: { id: true } })))
    throw new NotFoundError(`No region has the county code ${countyCode}`, "input.countyCode");
}
