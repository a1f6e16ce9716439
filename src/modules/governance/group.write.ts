import type { Database } from "../../db/prisma";
import { Prisma, type Group, type GroupKind, type GroupLevel } from "../../generated/prisma/client";
import { endedOn, runsPast, runsPastWhere } from "../../db/period";
import { execute } from "../../db/sql";
import { BadUserInputError, checkVersion, ConflictError, NotFoundError } from "../../graphql/errors";
import { databaseIdOf, GROUP_TYPE_NAMES, toGlobalId } from "../../graphql/global-id";
import { authorizeAnyWrite, authorizeWrite } from "../../access/authorize";
import {
  changedFields,
  createdFields,
  definedOnly,
  lockedRow,
  writeTransaction,
  type Actor,
  type AuditLog,
  type Transaction,
} from "../../db/audit-log";
import { MEMBERSHIP_AUDIT_FIELDS } from "../people";
import { updateRecord } from "../../db/update-record";
import { isoDay, yesterday } from "../../graphql/period";
import { typeNameOfKind } from "./governance.types";
import type { CreateGroupInput, DissolveGroupInput, UpdateGroupInput } from "./group.inputs";

export const GROUP_AUDIT_FIELDS = [
  "slug",
  "kind",
  "level",
  "name",
  "shortName",
  "description",
  "parentId",
  "programAreaId",
  "healthcareRegionId",
  "countyCode",
  "municipalParticipation",
  "municipalParticipationNote",
  "municipalParticipationSince",
  "validFrom",
  "validTo",
  "note",
  "sources",
] as const satisfies readonly (keyof Group)[];

const WORKING_GROUP_PARENTS: Partial<Record<GroupKind, readonly GroupKind[]>> = {
  NAG: ["NPO", "NSG", "PRIMARY_CARE_COUNCIL"],
  RAG: ["RPO"],
  LAG: ["LPO"],
};
const PLACED_EITHER_WAY: readonly GroupKind[] = ["KNOWLEDGE_COUNCIL", "COLLABORATION_STRUCTURE"];
const MIRRORING: readonly GroupKind[] = ["LPO", "KNOWLEDGE_COUNCIL", "COLLABORATION_STRUCTURE"];

/** Where a new group works and what it hangs from, derived from its kind and checked. */
interface Placement {
  level: GroupLevel;
  parent: Group | null;
  programArea: Group | null;
  healthcareRegionId: string | null;
  countyCode: string | null;
  mirrors: Group[];
}

export class GroupWriteService {
  constructor(private readonly prisma: Database) {}

  createGroup(actor: Actor, input: CreateGroupInput): Promise<Group> {
    authorizeAnyWrite(actor.caller, "groups");
    return writeTransaction(this.prisma, actor, async (tx, log) => {
      const placement = await this.placement(tx, input);
      authorizeWrite(
        actor.caller,
        [placement.countyCode],
        `groups of ${placement.countyCode ? `county ${placement.countyCode}` : "national or healthcare-regional level"}`,
      );
      const taken = await tx.group.findUnique({ where: { slug: input.slug } });
      if (taken) throw groupConflict(`The slug ${input.slug} is taken`, taken);
      if (placement.programArea && placement.healthcareRegionId) {
        const twin = await tx.group.findFirst({
          where: { programAreaId: placement.programArea.id, healthcareRegionId: placement.healthcareRegionId },
        });
        if (twin)
          throw groupConflict(`The healthcare region already has an RPO for ${placement.programArea.slug}`, twin);
      }
      const group = await tx.group.create({
        data: {
          slug: input.slug,
          kind: input.kind,
          level: placement.level,
          name: input.name.trim(),
          shortName: input.shortName ?? null,
          description: input.description ?? null,
          parentId: placement.parent?.id ?? null,
          parentKind: placement.parent?.kind ?? null,
          programAreaId: placement.programArea?.id ?? null,
          programAreaKind: placement.programArea?.kind ?? null,
          healthcareRegionId: placement.healthcareRegionId,
          countyCode: placement.countyCode,
          municipalParticipation: input.municipalParticipation ?? placement.parent?.municipalParticipation ?? false,
          municipalParticipationNote: input.municipalParticipationNote ?? null,
          validFrom: input.validFrom ?? null,
          note: input.note ?? null,
          sources: input.sources ?? [],
          provenance: "RECORDED",
          mirrors: {
            create: placement.mirrors.map((area) => ({ programAreaId: area.id, programAreaKind: area.kind })),
          },
        },
      });
      log.record({
        entity: "GROUP",
        entityId: group.id,
        action: "CREATED",
        version: group.version,
        changes: {
          ...createdFields(group, GROUP_AUDIT_FIELDS),
          ...(placement.mirrors.length ? { mirrors: [null, placement.mirrors.map((m) => m.slug)] } : {}),
        },
      });
      return group;
    });
  }

  updateGroup(actor: Actor, input: UpdateGroupInput): Promise<Group> {
    authorizeAnyWrite(actor.caller, "groups");
    const id = databaseIdOf(input.id, GROUP_TYPE_NAMES, "input.id");
    for (const field of ["name", "municipalParticipation"] as const)
      if (input[field] === null) throw new BadUserInputError(`${field} cannot be cleared`, `input.${field}`);
    return writeTransaction(this.prisma, actor, (tx, log) =>
      updateRecord(tx, log, {
        entity: "GROUP",
        table: "governance_group",
        id,
        read: () => tx.group.findUnique({ where: { id } }),
        what: "Group",
        authorize: (before) => authorizeWrite(actor.caller, [before.countyCode], `the group ${before.slug}`),
        expectedVersion: input.expectedVersion,
        versionLabel: (before) => `The group ${before.slug}`,
        change: (before) => {
          const { id: _id, expectedVersion: _version, ...fields } = input;
          const data = definedOnly({ ...fields, name: fields.name?.trim() }) as Partial<Group>;
          // Without municipal participation there is no day it was decided.
          if (data.municipalParticipation === false) data.municipalParticipationSince = null;
          if (data.validFrom && before.validTo && data.validFrom > before.validTo)
            throw new BadUserInputError(
              "validFrom must not be after the day the group was dissolved",
              "input.validFrom",
            );
          return data;
        },
        auditFields: GROUP_AUDIT_FIELDS,
        write: (data) => tx.group.update({ where: { id }, data }),
        afterWrite: async (before, _after, changes) => {
          if (changes.name)
            await tx.otherName.create({
              data: { groupId: id, kind: "FORMER", name: before.name, usedUntil: yesterday() },
            });
        },
      }),
    );
  }

  dissolveGroup(actor: Actor, input: DissolveGroupInput): Promise<Group> {
    authorizeAnyWrite(actor.caller, "groups");
    const id = databaseIdOf(input.id, GROUP_TYPE_NAMES, "input.id");
    const lastDay = input.validTo ?? yesterday();
    return writeTransaction(this.prisma, actor, async (tx, log) => {
      const group = await lockedRow(tx, "governance_group", id, () => tx.group.findUnique({ where: { id } }), "Group");
      authorizeWrite(actor.caller, [group.countyCode], `the group ${group.slug}`);
      checkVersion(group, input.expectedVersion, `The group ${group.slug}`);
      if (group.validTo && !runsPast(group, lastDay))
        throw groupConflict(`The group ${group.slug} was already dissolved on ${isoDay(group.validTo)}`, group);
      if (group.validFrom && lastDay < group.validFrom)
        throw new BadUserInputError(
          `validTo must not be before the group was established, ${isoDay(group.validFrom)}`,
          "input.validTo",
        );
      const workingGroups = await tx.group.findMany({ where: { parentId: id, ...runsPastWhere(lastDay) } });
      authorizeWrite(
        actor.caller,
        workingGroups.map((g) => g.countyCode),
        `the working groups of ${group.slug}`,
      );
      for (const target of [group, ...workingGroups]) await dissolve(tx, log, target, lastDay);
      return tx.group.findUniqueOrThrow({ where: { id } });
    });
  }

  private async placement(tx: Transaction, input: CreateGroupInput): Promise<Placement> {
    const kind = input.kind;
    const allowedParents = WORKING_GROUP_PARENTS[kind];
    const refuse = (field: keyof CreateGroupInput, why: string) =>
      new BadUserInputError(`${field} ${why} for a ${kind}`, `input.${field}`);
    if (!allowedParents && input.parent) throw refuse("parent", "is not used");
    if (kind !== "RPO" && input.programArea) throw refuse("programArea", "is not used");
    if (!MIRRORING.includes(kind) && input.mirrors?.length) throw refuse("mirrors", "are not used");
    const mirrors = await this.programAreas(tx, input.mirrors ?? []);

    if (allowedParents) {
      if (!input.parent) throw refuse("parent", "is required");
      if (input.countyCode || input.healthcareRegion)
        throw new BadUserInputError(
          "A working group works where its parent does; leave countyCode and healthcareRegion out",
          input.countyCode ? "input.countyCode" : "input.healthcareRegion",
        );
      const parentId = databaseIdOf(input.parent, GROUP_TYPE_NAMES, "input.parent");
      const parent = await tx.group.findUnique({ where: { id: parentId } });
      if (!parent) throw new NotFoundError("No group has that ID", "input.parent");
      if (!allowedParents.includes(parent.kind))
        throw new BadUserInputError(
          `A ${kind} is appointed by a ${allowedParents.join(" or ")}, not a ${parent.kind}`,
          "input.parent",
        );
      if (parent.validTo && (!input.validFrom || input.validFrom > parent.validTo))
        throw new BadUserInputError(
          `The parent ${parent.slug} was dissolved on ${isoDay(parent.validTo)}`,
          "input.parent",
        );
      return {
        level: parent.level,
        parent,
        programArea: null,
        healthcareRegionId: parent.healthcareRegionId,
        countyCode: parent.countyCode,
        mirrors,
      };
    }

    const healthcareRegionId = input.healthcareRegion
      ? await this.healthcareRegionId(tx, input.healthcareRegion)
      : null;
    const countyCode = input.countyCode ? await this.countyCode(tx, input.countyCode) : null;
    if (kind === "RPO") {
      if (!input.programArea) throw refuse("programArea", "is required");
      if (!healthcareRegionId) throw refuse("healthcareRegion", "is required");
      if (countyCode) throw refuse("countyCode", "is not used");
      const [programArea] = await this.programAreas(tx, [input.programArea], "input.programArea");
      return {
        level: "HEALTHCARE_REGIONAL",
        parent: null,
        programArea: programArea ?? null,
        healthcareRegionId,
        countyCode: null,
        mirrors,
      };
    }
    if (kind === "LPO") {
      if (!countyCode) throw refuse("countyCode", "is required");
      if (healthcareRegionId) throw refuse("healthcareRegion", "is not used");
      return { level: "REGIONAL", parent: null, programArea: null, healthcareRegionId: null, countyCode, mirrors };
    }
    if (PLACED_EITHER_WAY.includes(kind)) {
      if (!countyCode === !healthcareRegionId)
        throw new BadUserInputError(
          `A ${kind} works in one region (countyCode) or one healthcare region (healthcareRegion): give exactly one`,
          "input.countyCode",
        );
      return {
        level: countyCode ? "REGIONAL" : "HEALTHCARE_REGIONAL",
        parent: null,
        programArea: null,
        healthcareRegionId,
        countyCode,
        mirrors,
      };
    }
    if (countyCode) throw refuse("countyCode", "is not used (it is a national body)");
    if (healthcareRegionId) throw refuse("healthcareRegion", "is not used (it is a national body)");
    return { level: "NATIONAL", parent: null, programArea: null, healthcareRegionId: null, countyCode: null, mirrors };
  }

  private async programAreas(
    tx: Transaction,
    globalIds: string[],
    field = "input.mirrors",
    kinds: GroupKind[] = ["NPO", "PRIMARY_CARE_COUNCIL"],
  ): Promise<Group[]> {
    const ids = globalIds.map((globalId, index) =>
      databaseIdOf(globalId, GROUP_TYPE_NAMES, field === "input.mirrors" ? `${field}[${index}]` : field),
    );
    const found = await tx.group.findMany({ where: { id: { in: ids } } });
    for (const [index, id] of ids.entries()) {
      const area = found.find((group) => group.id === id);
      const path = field === "input.mirrors" ? `${field}[${index}]` : field;
      if (!area) throw new NotFoundError("No group has that ID", path);
      if (!kinds.includes(area.kind))
        throw new BadUserInputError(`${area.slug} is a ${area.kind}, not a ${kinds.join(" or ")}`, path);
    }
    return found;
  }

  private async healthcareRegionId(tx: Transaction, slug: string): Promise<string> {
    const region = await tx.healthcareRegion.findUnique({ where: { slug }, select: { id: true } });
    if (!region) throw new NotFoundError(`No healthcare region has the slug ${slug}`, "input.healthcareRegion");
    return region.id;
  }

  private async countyCode(tx: Transaction, countyCode: string): Promise<string> {
    if (!(await tx.region.findUnique({ where: { countyCode }, select: { id: true } })))
      throw new NotFoundError(`No region has the county code ${countyCode}`, "input.countyCode");
    return countyCode;
  }
}

/** Gives the group its last day and ends its memberships that run past it. */
async function dissolve(tx: Transaction, log: AuditLog, group: Group, lastDay: Date): Promise<void> {
  const after = await tx.group.update({
    where: { id: group.id },
    data: { validTo: lastDay, version: { increment: 1 } },
  });
  log.record({
    entity: "GROUP",
    entityId: group.id,
    action: "DISSOLVED",
    version: after.version,
    changes: changedFields(group, after, ["validTo"]),
  });
  // The group row is locked, so no membership of it changes between this read and the update.
  const running = await tx.membership.findMany({ where: { groupId: group.id, ...runsPastWhere(lastDay) } });
  if (running.length === 0) return;
  // One statement for all of them, each ended as `endedOn` says.
  const ends = running.map((membership) => isoDay(endedOn(membership, lastDay)));
  await execute(
    tx,
    Prisma.sql`UPDATE "membership" m SET "valid_to" = u.valid_to, "version" = m."version" + 1, "updated_at" = now()
      FROM unnest(${running.map((membership) => membership.id)}::uuid[], ${ends}::date[]) AS u(id, valid_to) WHERE m."id" = u.id`,
  );
  for (const membership of running) {
    const ended = { ...membership, validTo: endedOn(membership, lastDay) };
    log.record({
      entity: "MEMBERSHIP",
      entityId: membership.id,
      action: "ENDED",
      version: membership.version + 1,
      changes: changedFields(membership, ended, MEMBERSHIP_AUDIT_FIELDS),
    });
  }
}

function groupConflict(message: string, group: Group): ConflictError {
  return new ConflictError(message, {
    existing: {
      type: typeNameOfKind(group.kind),
      id: toGlobalId(typeNameOfKind(group.kind), group.id),
      slug: group.slug,
      version: group.version,
    },
  });
}
