import type { Database } from "../../db/prisma";
import { Prisma, type Group, type Membership, type Person } from "../../generated/prisma/client";
import { overlapsWhere, runsPast } from "../../db/period";
import { nullable, queryRows, row, text } from "../../db/sql";
import { BadUserInputError, ConflictError, NotFoundError } from "../../graphql/errors";
import { databaseIdOf, GROUP_TYPE_NAMES, toGlobalId } from "../../graphql/global-id";
import { isoDay, yesterday } from "../../graphql/period";
import { authorizeAnyWrite, authorizeWrite, type Owner } from "../../access/authorize";
import {
  createdFields,
  definedOnly,
  lockedRow,
  writeTransaction,
  type Actor,
  type FieldChanges,
  type Transaction,
} from "../../db/audit-log";
import { organisationPlaces, periodProblem, representationProblem, roleProblem } from "./membership.rules";
import { updateRecord } from "../../db/update-record";
import type {
  CreateMembershipInput,
  CreatePersonInput,
  EndMembershipInput,
  UpdateMembershipInput,
  UpdatePersonInput,
} from "./people.inputs";

export const PERSON_AUDIT_FIELDS = [
  "givenName",
  "familyName",
  "title",
  "hsaId",
  "sourceSystem",
  "externalId",
] as const satisfies readonly (keyof Person)[];
export const MEMBERSHIP_AUDIT_FIELDS = [
  "personId",
  "groupId",
  "role",
  "representingOrganisationId",
  "validFrom",
  "validTo",
  "sourceSystem",
  "externalId",
] as const satisfies readonly (keyof Membership)[];

/** Writes to people and memberships: each checks rights, rules and versions, and records its audit trail, in one transaction. */
export class PeopleWriteService {
  constructor(private readonly prisma: Database) {}

  createPerson(actor: Actor, input: CreatePersonInput): Promise<Person> {
    authorizeAnyWrite(actor.caller, "people");
    checkExternalKey(input.sourceSystem, input.externalId);
    // Identifiers tie a record to someone in a directory or an HR system; a region's key could
    // otherwise claim another region's person before that region's sync does.
    if (input.hsaId || input.sourceSystem || input.externalId)
      authorizeWrite(actor.caller, [null], "a person's HSA-id or source-system key when creating the person");
    return writeTransaction(this.prisma, actor, async (tx, log) => {
      await this.checkPersonKeysFree(tx, input, null);
      const person = await tx.person.create({
        data: {
          givenName: input.givenName.trim(),
          familyName: input.familyName.trim(),
          title: input.title ?? null,
          hsaId: input.hsaId ?? null,
          sourceSystem: input.sourceSystem ?? null,
          externalId: input.externalId ?? null,
        },
      });
      const contact = await writeContact(tx, person.id, { email: input.email, phone: input.phone });
      log.record({
        entity: "PERSON",
        entityId: person.id,
        action: "CREATED",
        version: person.version,
        changes: { ...createdFields(person, PERSON_AUDIT_FIELDS), ...contact },
      });
      return person;
    });
  }

  updatePerson(actor: Actor, input: UpdatePersonInput): Promise<Person> {
    authorizeAnyWrite(actor.caller, "people");
    const id = databaseIdOf(input.id, ["Person"], "input.id");
    for (const field of ["givenName", "familyName"] as const)
      if (input[field] === null) throw new BadUserInputError(`${field} cannot be cleared`, `input.${field}`);
    return writeTransaction(this.prisma, actor, (tx, log) =>
      updateRecord(tx, log, {
        entity: "PERSON",
        table: "person",
        id,
        read: () => tx.person.findUnique({ where: { id } }),
        what: "Person",
        authorize: async (before) => {
          const owners = await personOwners(tx, id);
          // A person in no group belongs to no region: only a `write` key may change them.
          authorizeWrite(
            actor.caller,
            owners.length > 0 ? owners : [null],
            `the person ${before.givenName} ${before.familyName}${owners.length > 0 ? "" : ", who sits in no group"}`,
          );
        },
        expectedVersion: input.expectedVersion,
        versionLabel: () => "The person",
        change: async () => {
          await this.checkPersonKeysFree(tx, { hsaId: input.hsaId }, id);
          return definedOnly({
            givenName: input.givenName?.trim(),
            familyName: input.familyName?.trim(),
            title: input.title,
            hsaId: input.hsaId,
          });
        },
        auditFields: PERSON_AUDIT_FIELDS,
        sideChanges: () => writeContact(tx, id, { email: input.email, phone: input.phone }),
        write: (data) => tx.person.update({ where: { id }, data }),
      }),
    );
  }

  createMembership(actor: Actor, input: CreateMembershipInput): Promise<Membership> {
    authorizeAnyWrite(actor.caller, "memberships");
    checkExternalKey(input.sourceSystem, input.externalId);
    const personId = databaseIdOf(input.person, ["Person"], "input.person");
    const groupId = databaseIdOf(input.group, GROUP_TYPE_NAMES, "input.group");
    const organisationId = input.representing
      ? databaseIdOf(input.representing, ["Organisation"], "input.representing")
      : null;
    return writeTransaction(this.prisma, actor, async (tx, log) => {
      const group = await lockedRow(
        tx,
        "governance_group",
        groupId,
        () => tx.group.findUnique({ where: { id: groupId } }),
        "Group",
        "input.group",
      );
      authorizeWrite(actor.caller, [group.countyCode], `memberships of ${group.slug}`);
      if (!(await tx.person.findUnique({ where: { id: personId }, select: { id: true } })))
        throw new NotFoundError("No person has that ID", "input.person");
      if (input.sourceSystem && input.externalId) {
        const existing = await tx.membership.findUnique({
          where: { sourceSystem_externalId: { sourceSystem: input.sourceSystem, externalId: input.externalId } },
        });
        if (existing)
          throw membershipConflict(
            `${input.sourceSystem} already has a membership with externalId ${input.externalId}`,
            existing,
          );
      }
      const candidate = {
        personId,
        groupId,
        role: input.role,
        representingOrganisationId: organisationId,
        validFrom: input.validFrom,
        validTo: input.validTo ?? null,
      };
      await checkMembership(tx, candidate, group, null);
      const membership = await tx.membership.create({
        data: { ...candidate, sourceSystem: input.sourceSystem ?? null, externalId: input.externalId ?? null },
      });
      log.record({
        entity: "MEMBERSHIP",
        entityId: membership.id,
        action: "CREATED",
        version: membership.version,
        changes: createdFields(membership, MEMBERSHIP_AUDIT_FIELDS),
      });
      return membership;
    });
  }

  updateMembership(actor: Actor, input: UpdateMembershipInput): Promise<Membership> {
    const representing =
      input.representing === undefined
        ? undefined
        : input.representing === null
          ? null
          : databaseIdOf(input.representing, ["Organisation"], "input.representing");
    for (const field of ["role", "validFrom"] as const)
      if (input[field] === null) throw new BadUserInputError(`${field} cannot be cleared`, `input.${field}`);
    return this.changeMembership(actor, input.id, input.expectedVersion, "UPDATED", (before) => ({
      role: input.role ?? before.role,
      representingOrganisationId: representing === undefined ? before.representingOrganisationId : representing,
      validFrom: input.validFrom ?? before.validFrom,
      validTo: input.validTo === undefined ? before.validTo : input.validTo,
    }));
  }

  endMembership(actor: Actor, input: EndMembershipInput): Promise<Membership> {
    return this.changeMembership(actor, input.id, input.expectedVersion, "ENDED", (before, group) => {
      // By default yesterday, or the group's last day when it was dissolved before that.
      const lastDay = input.validTo ?? (group.validTo && group.validTo < yesterday() ? group.validTo : yesterday());
      if (before.validTo !== null && !runsPast(before, lastDay))
        throw new ConflictError(`The membership already ended on ${isoDay(before.validTo)}`, {
          existing: membershipReference(before),
        });
      if (lastDay < before.validFrom)
        throw new BadUserInputError(
          `validTo must not be before the membership's first day, ${isoDay(before.validFrom)}`,
          "input.validTo",
        );
      return { ...before, validTo: lastDay };
    });
  }

  private changeMembership(
    actor: Actor,
    globalId: string,
    expectedVersion: number | null | undefined,
    action: "UPDATED" | "ENDED",
    change: (
      before: Membership,
      group: Group,
    ) => Pick<Membership, "role" | "representingOrganisationId" | "validFrom" | "validTo">,
  ): Promise<Membership> {
    authorizeAnyWrite(actor.caller, "memberships");
    const id = databaseIdOf(globalId, ["Membership"], "input.id");
    return writeTransaction(this.prisma, actor, async (tx, log) => {
      const current = await tx.membership.findUnique({ where: { id }, select: { groupId: true } });
      if (!current) throw new NotFoundError("No membership has that ID", "input.id");
      // Every membership write locks the group before the membership, and rights follow the group.
      const group = await lockedRow(
        tx,
        "governance_group",
        current.groupId,
        () => tx.group.findUnique({ where: { id: current.groupId } }),
        "Group",
      );
      return updateRecord(tx, log, {
        entity: "MEMBERSHIP",
        action,
        table: "membership",
        id,
        read: () => tx.membership.findUnique({ where: { id } }),
        what: "Membership",
        field: "input.id",
        authorize: () => authorizeWrite(actor.caller, [group.countyCode], `memberships of ${group.slug}`),
        expectedVersion,
        versionLabel: () => "The membership",
        change: (before) => change(before, group),
        auditFields: MEMBERSHIP_AUDIT_FIELDS,
        check: (next) => checkMembership(tx, next, group, id),
        write: (data) => tx.membership.update({ where: { id }, data }),
      });
    });
  }

  private async checkPersonKeysFree(
    tx: Transaction,
    keys: { hsaId?: string | null; sourceSystem?: string | null; externalId?: string | null },
    self: string | null,
  ): Promise<void> {
    if (keys.hsaId) {
      const holder = await tx.person.findUnique({ where: { hsaId: keys.hsaId } });
      if (holder && holder.id !== self)
        throw personConflict(`Another person already has the HSA-id ${keys.hsaId}`, holder);
    }
    if (keys.sourceSystem && keys.externalId) {
      const holder = await tx.person.findUnique({
        where: { sourceSystem_externalId: { sourceSystem: keys.sourceSystem, externalId: keys.externalId } },
      });
      if (holder && holder.id !== self)
        throw personConflict(`${keys.sourceSystem} already has a person with externalId ${keys.externalId}`, holder);
    }
  }
}

/**
 * Sets the given contact fields (undefined: leave, null: clear). The audit trail records that they
 * changed but not their values, since it is read by more people than contact data may be.
 */
async function writeContact(
  tx: Transaction,
  personId: string,
  contact: { email?: string | null; phone?: string | null },
): Promise<FieldChanges> {
  if (contact.email === undefined && contact.phone === undefined) return {};
  const before = await tx.personContact.findUnique({ where: { personId } });
  const after = {
    email: contact.email === undefined ? (before?.email ?? null) : contact.email,
    phone: contact.phone === undefined ? (before?.phone ?? null) : contact.phone,
  };
  const changes: FieldChanges = {};
  for (const field of ["email", "phone"] as const) {
    const from = before?.[field] ?? null;
    if (from !== after[field]) changes[field] = [from === null ? null : HIDDEN, after[field] === null ? null : HIDDEN];
  }
  if (Object.keys(changes).length > 0)
    await tx.personContact.upsert({ where: { personId }, create: { personId, ...after }, update: after });
  return changes;
}

const HIDDEN = "(personal data)";

/** The rules every new or changed membership meets; the database's constraints back them up. */
async function checkMembership(
  tx: Transaction,
  membership: Pick<
    Membership,
    "personId" | "groupId" | "role" | "representingOrganisationId" | "validFrom" | "validTo"
  >,
  group: Group,
  self: string | null,
): Promise<void> {
  const role = roleProblem(membership.role, group.kind);
  if (role) throw new BadUserInputError(role, "input.role");
  const period = periodProblem(membership.validFrom, membership.validTo, group);
  if (period) throw new BadUserInputError(period.message, `input.${period.field}`);
  if (membership.representingOrganisationId) {
    const [organisation] = await organisationPlaces(tx, { ids: [membership.representingOrganisationId] });
    if (!organisation) throw new NotFoundError("No organisation has that ID", "input.representing");
    const problem = representationProblem(organisation, group, membership.role);
    if (problem) throw new BadUserInputError(problem, "input.representing");
  }
  const overlapping = await tx.membership.findMany({
    where: {
      groupId: membership.groupId,
      id: self ? { not: self } : undefined,
      OR: [
        { personId: membership.personId, role: membership.role },
        ...(membership.role === "CHAIR" ? [{ role: "CHAIR" as const }] : []),
      ],
      ...overlapsWhere(membership),
    },
    take: 1,
  });
  const clash = overlapping[0];
  if (clash) {
    const message =
      clash.personId === membership.personId && clash.role === membership.role
        ? `The person already holds the role ${clash.role} in this group from ${isoDay(clash.validFrom)}${clash.validTo ? ` to ${isoDay(clash.validTo)}` : ""}`
        : `The group already has a chair from ${isoDay(clash.validFrom)}${clash.validTo ? ` to ${isoDay(clash.validTo)}` : ""}; a group has one chair at a time`;
    throw membershipConflict(message, clash);
  }
}

/**
 * Owners of the groups a person sits in, now or before. A region's key may change a person only
 * when every one of these is its region; none (a person in no group) means nobody's but `write`'s.
 */
async function personOwners(tx: Transaction, personId: string): Promise<Owner[]> {
  const rows = await queryRows(
    tx,
    Prisma.sql`SELECT DISTINCT g."county_code" AS "countyCode" FROM "membership" m JOIN "governance_group" g ON g."id" = m."group_id" WHERE m."person_id" = ${personId}::uuid`,
    row({ countyCode: nullable(text()) }),
  );
  return rows.map((row) => row.countyCode);
}

function checkExternalKey(sourceSystem: string | null | undefined, externalId: string | null | undefined): void {
  if (!sourceSystem !== !externalId)
    throw new BadUserInputError(
      "sourceSystem and externalId go together: give both or neither",
      sourceSystem ? "input.externalId" : "input.sourceSystem",
    );
}

function personConflict(message: string, person: Person): ConflictError {
  return new ConflictError(message, {
    existing: {
      type: "Person",
      id: toGlobalId("Person", person.id),
      name: `${person.givenName} ${person.familyName}`,
      version: person.version,
    },
  });
}

function membershipReference(membership: Membership) {
  return {
    type: "Membership",
    id: toGlobalId("Membership", membership.id),
    role: membership.role,
    validFrom: isoDay(membership.validFrom),
    validTo: membership.validTo && isoDay(membership.validTo),
    version: membership.version,
  };
}

function membershipConflict(message: string, membership: Membership): ConflictError {
  return new ConflictError(message, { existing: membershipReference(membership) });
}
