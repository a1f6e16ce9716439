import { authorizeAnyWrite, authorizeWrite } from "../../access/authorize";
import {
  createdFields,
  definedOnly,
  tableRef,
  writeTransaction,
  type Actor,
  type FieldChanges,
  type Transaction,
} from "../../db/audit-log";
import type { Database } from "../../db/prisma";
import { queryRows } from "../../db/sql";
import { updateRecord } from "../../db/update-record";
import { Prisma, type GroupKind } from "../../generated/prisma/client";
import type {
  FollowUp as FollowUpModel,
  Implementation as ImplementationModel,
  KnowledgeSupport as KnowledgeSupportModel,
} from "../../generated/prisma/client";
import { BadUserInputError, ConflictError, NotFoundError } from "../../graphql/errors";
import { databaseIdOf, GROUP_TYPE_NAMES, toGlobalId } from "../../graphql/global-id";
import { isoDay } from "../../graphql/period";
import { MAX_SLUG_LENGTH, SLUG } from "../../graphql/validation";
import { FOLLOW_UP_VALUE_COLUMNS, followUpValueRow } from "./knowledge.loaders";
import type {
  CreateFollowUpInput,
  CreateImplementationInput,
  CreateKnowledgeSupportInput,
  ImplementationStatusChange,
  KnowledgeSupportStateChange,
  ReportFollowUpValueInput,
  SyncImplementationStatusesInput,
  UpdateFollowUpInput,
  UpdateImplementationInput,
  UpdateKnowledgeSupportInput,
} from "./knowledge.inputs";
import { parseSheetRow, type SheetRowValues } from "./knowledge.sheet";
import type { FollowUpValueRow, ImplementationSyncFailure, ImplementationSyncResult } from "./knowledge.types";

const KNOWLEDGE_SUPPORT_TABLE = tableRef("knowledge_support");
const IMPLEMENTATION_TABLE = tableRef("implementation");
const FOLLOW_UP_TABLE = tableRef("follow_up");

export const KNOWLEDGE_SUPPORT_AUDIT_FIELDS = [
  "slug",
  "name",
  "kind",
  "description",
  "ownerGroupId",
  "ownerOrganisationId",
  "url",
  "municipalTarget",
  "note",
  "sources",
] as const satisfies readonly (keyof KnowledgeSupportModel)[];

export const IMPLEMENTATION_AUDIT_FIELDS = [
  "knowledgeSupportId",
  "countyCode",
  "municipalityCode",
  "jointWithMunicipalities",
  "decisionDate",
  "decidedBy",
  "decidedByGroupId",
  "responsibleGroupId",
  "adaptationNote",
  "note",
  "sources",
] as const satisfies readonly (keyof ImplementationModel)[];

export const FOLLOW_UP_AUDIT_FIELDS = [
  "knowledgeSupportId",
  "indicator",
  "dataSource",
  "targetLevel",
  "note",
  "sources",
] as const satisfies readonly (keyof FollowUpModel)[];

/** An update may also change how well sources confirm the follow-up. */
const FOLLOW_UP_UPDATE_AUDIT_FIELDS = [
  ...FOLLOW_UP_AUDIT_FIELDS,
  "provenance",
] as const satisfies readonly (keyof FollowUpModel)[];

const OWNER_GROUP_KINDS: readonly GroupKind[] = ["NPO", "PRIMARY_CARE_COUNCIL", "NSG", "NAG"];
const PROGRAM_AREA_KINDS: readonly GroupKind[] = ["NPO", "PRIMARY_CARE_COUNCIL"];
const RESPONSIBLE_KINDS: readonly GroupKind[] = ["LPO", "LAG"];
const DAY_MS = 86_400_000;

function trimmed(value: string | null | undefined): string | null | undefined {
  return value === undefined || value === null ? value : value.trim();
}

/** The groups of these global IDs, checked to be of the kinds given; NOT_FOUND or BAD_USER_INPUT naming the field. */
async function groupsOfKinds(
  tx: Transaction,
  globalIds: readonly string[],
  kinds: readonly GroupKind[],
  field: string,
  what: string,
): Promise<{ id: string; kind: GroupKind; countyCode: string | null }[]> {
  const ids = globalIds.map((id) => databaseIdOf(id, GROUP_TYPE_NAMES, field));
  const found = await tx.group.findMany({
    where: { id: { in: ids } },
    select: { id: true, kind: true, countyCode: true, name: true },
  });
  for (const id of ids) {
    const group = found.find((g) => g.id === id);
    if (!group) throw new NotFoundError(`No group has the ID given in ${field}`, field);
    if (!kinds.includes(group.kind))
      throw new BadUserInputError(
        `${group.name} is a ${group.kind}; ${what} must be one of ${kinds.join(", ")}`,
        field,
      );
  }
  return ids.map((id) => found.find((g) => g.id === id)!);
}

/** Checks the format of optional global IDs of groups before anything is read, so each bad one is named. */
function checkGroupIds(ids: Record<string, string | readonly string[] | null | undefined>): void {
  for (const [field, value] of Object.entries(ids))
    for (const id of typeof value === "string" ? [value] : (value ?? [])) databaseIdOf(id, GROUP_TYPE_NAMES, field);
}

function checkStateChange(change: KnowledgeSupportStateChange, field: string): void {
  if (change.state === "RETIRED" && !change.reason?.trim())
    throw new BadUserInputError(
      "A retired knowledge support needs a reason (why it was retired or dropped)",
      `${field}.reason`,
    );
}

function checkStatusChange(change: ImplementationStatusChange, field: string): void {
  if (change.status === "NOT_TO_BE_IMPLEMENTED" && !change.reason?.trim())
    throw new BadUserInputError("A decision not to implement needs a reason", `${field}.reason`);
}

/**
 * Ends the history's current period the day before `from` and opens a new one. The new period
 * must start after every period recorded: history is appended to, not rewritten.
 */
async function appendPeriod(
  periods: { id: string; validFrom: Date | null; validTo: Date | null; value: string }[],
  from: Date,
  field: string,
  endPeriod: (id: string, validTo: Date) => Promise<unknown>,
): Promise<string | null> {
  const latest = periods.at(-1);
  if (!latest) return null;
  if (latest.validFrom !== null && latest.validFrom >= from)
    throw new BadUserInputError(
      `The new period must start after the current one (which started ${isoDay(latest.validFrom)})`,
      `${field}.from`,
    );
  if (latest.validTo !== null && latest.validTo >= from)
    throw new BadUserInputError(
      `The new period must start after the last recorded one (which ended ${isoDay(latest.validTo)})`,
      `${field}.from`,
    );
  if (latest.validTo === null) await endPeriod(latest.id, new Date(from.getTime() - DAY_MS));
  return latest.value;
}

export class KnowledgeWriteService {
  constructor(private readonly prisma: Database) {}

  createKnowledgeSupport(actor: Actor, input: CreateKnowledgeSupportInput): Promise<KnowledgeSupportModel> {
    authorizeWrite(actor.caller, [null], "the knowledge-support register");
    checkGroupIds({ "input.ownerGroup": input.ownerGroup, "input.programAreas": input.programAreas });
    if (input.ownerOrganisation) databaseIdOf(input.ownerOrganisation, ["Organisation"], "input.ownerOrganisation");
    if (!input.ownerGroup === !input.ownerOrganisation)
      throw new BadUserInputError("Give exactly one owner: ownerGroup or ownerOrganisation", "input.ownerGroup");
    checkStateChange(input.state, "input.state");
    return writeTransaction(this.prisma, actor, async (tx, log) => {
      const taken = await tx.knowledgeSupport.findUnique({ where: { slug: input.slug } });
      if (taken)
        throw new ConflictError(`The slug ${input.slug} is taken`, {
          existing: {
            type: "KnowledgeSupport",
            id: toGlobalId("KnowledgeSupport", taken.id),
            slug: taken.slug,
            version: taken.version,
          },
        });
      const owner = await this.owner(tx, input.ownerGroup, input.ownerOrganisation);
      const areas = await groupsOfKinds(
        tx,
        input.programAreas ?? [],
        PROGRAM_AREA_KINDS,
        "input.programAreas",
        "a program area",
      );
      const created = await tx.knowledgeSupport.create({
        data: {
          slug: input.slug,
          name: input.name.trim(),
          kind: input.kind,
          description: input.description ?? null,
          ...owner,
          url: input.url ?? null,
          municipalTarget: input.municipalTarget ?? false,
          note: input.note ?? null,
          sources: input.sources ?? [],
          provenance: "RECORDED",
          programAreas: { create: areas.map((a) => ({ programAreaId: a.id, programAreaKind: a.kind })) },
          states: {
            create: [
              { state: input.state.state, validFrom: input.state.from, reason: trimmed(input.state.reason) ?? null },
            ],
          },
        },
      });
      log.record({
        entity: "KNOWLEDGE_SUPPORT",
        entityId: created.id,
        action: "CREATED",
        version: created.version,
        changes: {
          ...createdFields(created, KNOWLEDGE_SUPPORT_AUDIT_FIELDS),
          programAreas: [null, areas.map((a) => a.id)],
          state: [null, { state: input.state.state, from: isoDay(input.state.from) }],
        },
      });
      return created;
    });
  }

  private async owner(
    tx: Transaction,
    group: string | null | undefined,
    organisation: string | null | undefined,
  ): Promise<
    Pick<KnowledgeSupportModel, "ownerGroupId" | "ownerGroupKind" | "ownerOrganisationId" | "ownerOrganisationKind">
  > {
    if (group) {
      const [found] = await groupsOfKinds(tx, [group], OWNER_GROUP_KINDS, "input.ownerGroup", "an owning group");
      return {
        ownerGroupId: found!.id,
        ownerGroupKind: found!.kind,
        ownerOrganisationId: null,
        ownerOrganisationKind: null,
      };
    }
    const id = databaseIdOf(organisation!, ["Organisation"], "input.ownerOrganisation");
    const found = await tx.organisation.findUnique({ where: { id }, select: { kind: true, name: true } });
    if (!found) throw new NotFoundError("No organisation has that ID", "input.ownerOrganisation");
    if (found.kind !== "AGENCY")
      throw new BadUserInputError(
        `${found.name} is not an agency; an owning organisation must be one`,
        "input.ownerOrganisation",
      );
    return { ownerGroupId: null, ownerGroupKind: null, ownerOrganisationId: id, ownerOrganisationKind: "AGENCY" };
  }

  updateKnowledgeSupport(actor: Actor, input: UpdateKnowledgeSupportInput): Promise<KnowledgeSupportModel> {
    authorizeWrite(actor.caller, [null], "the knowledge-support register");
    const id = databaseIdOf(input.id, ["KnowledgeSupport"], "input.id");
    checkGroupIds({ "input.programAreas": input.programAreas });
    if (input.name === null) throw new BadUserInputError("name cannot be cleared", "input.name");
    if (input.kind === null) throw new BadUserInputError("kind cannot be cleared", "input.kind");
    if (input.municipalTarget === null)
      throw new BadUserInputError("municipalTarget cannot be cleared", "input.municipalTarget");
    if (input.newState) checkStateChange(input.newState, "input.newState");
    return writeTransaction(this.prisma, actor, (tx, log) =>
      updateRecord(tx, log, {
        entity: "KNOWLEDGE_SUPPORT",
        table: KNOWLEDGE_SUPPORT_TABLE,
        id,
        read: () => tx.knowledgeSupport.findUnique({ where: { id } }),
        what: "Knowledge support",
        authorize: () => undefined,
        expectedVersion: input.expectedVersion,
        versionLabel: (before) => `The knowledge support ${before.slug}`,
        change: () =>
          definedOnly({
            name: input.name?.trim(),
            kind: input.kind,
            description: input.description,
            url: input.url,
            municipalTarget: input.municipalTarget,
            note: input.note,
            sources: input.sources === null ? [] : input.sources,
          }) as Partial<KnowledgeSupportModel>,
        auditFields: KNOWLEDGE_SUPPORT_AUDIT_FIELDS,
        sideChanges: async () => {
          const changes: FieldChanges = {};
          if (input.programAreas !== undefined) {
            const areas = await groupsOfKinds(
              tx,
              input.programAreas ?? [],
              PROGRAM_AREA_KINDS,
              "input.programAreas",
              "a program area",
            );
            const before = (await tx.knowledgeSupportProgramArea.findMany({ where: { knowledgeSupportId: id } }))
              .map((a) => a.programAreaId)
              .sort();
            const after = [...new Set(areas.map((a) => a.id))].sort();
            if (JSON.stringify(before) !== JSON.stringify(after)) {
              await tx.knowledgeSupportProgramArea.deleteMany({ where: { knowledgeSupportId: id } });
              await tx.knowledgeSupportProgramArea.createMany({
                data: areas
                  .filter((a, index) => areas.findIndex((b) => b.id === a.id) === index)
                  .map((a) => ({ knowledgeSupportId: id, programAreaId: a.id, programAreaKind: a.kind })),
              });
              changes.programAreas = [before, after];
            }
          }
          if (input.newState) {
            const change = input.newState;
            const periods = await tx.knowledgeSupportStatePeriod.findMany({
              where: { knowledgeSupportId: id },
              orderBy: [{ validFrom: { sort: "asc", nulls: "first" } }, { id: "asc" }],
            });
            const previous = await appendPeriod(
              periods.map((p) => ({ ...p, value: p.state })),
              change.from,
              "input.newState",
              (periodId, validTo) =>
                tx.knowledgeSupportStatePeriod.update({ where: { id: periodId }, data: { validTo } }),
            );
            await tx.knowledgeSupportStatePeriod.create({
              data: {
                knowledgeSupportId: id,
                state: change.state,
                validFrom: change.from,
                reason: trimmed(change.reason) ?? null,
              },
            });
            changes.state = [previous, { state: change.state, from: isoDay(change.from) }];
          }
          if (input.addVersion) {
            const label = input.addVersion.label.trim();
            if (
              await tx.knowledgeSupportVersion.findUnique({
                where: { knowledgeSupportId_label: { knowledgeSupportId: id, label } },
              })
            )
              throw new ConflictError(`The version ${label} is already recorded`, {});
            await tx.knowledgeSupportVersion.create({
              data: {
                knowledgeSupportId: id,
                label,
                publishedOn: input.addVersion.publishedOn ?? null,
                note: input.addVersion.note ?? null,
              },
            });
            changes.versions = [
              null,
              { label, publishedOn: input.addVersion.publishedOn ? isoDay(input.addVersion.publishedOn) : null },
            ];
          }
          return changes;
        },
        write: (data) => tx.knowledgeSupport.update({ where: { id }, data }),
        afterWrite: async (before, after) => {
          if (before.name !== after.name)
            await tx.knowledgeSupportName.create({
              data: {
                knowledgeSupportId: id,
                name: before.name,
                usedUntil: new Date(new Date().toISOString().slice(0, 10)),
              },
            });
        },
      }),
    );
  }

  createImplementation(actor: Actor, input: CreateImplementationInput): Promise<ImplementationModel> {
    authorizeAnyWrite(actor.caller, "implementations");
    authorizeWrite(actor.caller, [input.countyCode], `implementations in region ${input.countyCode}`);
    const knowledgeSupportId = databaseIdOf(input.knowledgeSupport, ["KnowledgeSupport"], "input.knowledgeSupport");
    checkGroupIds({ "input.decidedByGroup": input.decidedByGroup, "input.responsibleGroup": input.responsibleGroup });
    checkStatusChange(input.status, "input.status");
    const municipalityCode = input.municipalityCode ?? null;
    if (municipalityCode && !municipalityCode.startsWith(input.countyCode))
      throw new BadUserInputError(
        `The municipality ${municipalityCode} is not in county ${input.countyCode}`,
        "input.municipalityCode",
      );
    if (municipalityCode && (input.jointWithMunicipalities || input.municipalities?.length))
      throw new BadUserInputError(
        "A municipality's own implementation is not a joint process",
        "input.jointWithMunicipalities",
      );
    return writeTransaction(this.prisma, actor, async (tx, log) => {
      const support = await tx.knowledgeSupport.findUnique({
        where: { id: knowledgeSupportId },
        select: { id: true, name: true },
      });
      if (!support) throw new NotFoundError("No knowledge support has that ID", "input.knowledgeSupport");
      if (!(await tx.region.findUnique({ where: { countyCode: input.countyCode }, select: { id: true } })))
        throw new NotFoundError(`No region has the county code ${input.countyCode}`, "input.countyCode");
      if (
        municipalityCode &&
        !(await tx.municipality.findUnique({ where: { code: municipalityCode }, select: { id: true } }))
      )
        throw new NotFoundError(`No municipality has the code ${municipalityCode}`, "input.municipalityCode");
      const existing = await tx.implementation.findFirst({
        where: { knowledgeSupportId, countyCode: input.countyCode, municipalityCode },
      });
      if (existing)
        throw new ConflictError(
          `${support.name} already has an implementation in ${municipalityCode ? `municipality ${municipalityCode}` : `region ${input.countyCode}`}`,
          {
            existing: {
              type: "Implementation",
              id: toGlobalId("Implementation", existing.id),
              version: existing.version,
            },
          },
        );
      const groups = await this.implementationGroups(
        tx,
        input.countyCode,
        input.decidedByGroup,
        input.responsibleGroup,
        input.decidedBy,
      );
      const municipalities = await this.jointMunicipalities(tx, input.countyCode, input.municipalities ?? []);
      const created = await tx.implementation.create({
        data: {
          knowledgeSupportId,
          countyCode: input.countyCode,
          municipalityCode,
          jointWithMunicipalities: input.jointWithMunicipalities ?? municipalities.length > 0,
          decisionDate: input.decisionDate ?? null,
          decidedBy: input.decidedBy ?? null,
          decidedByGroupId: groups.decidedByGroupId ?? null,
          responsibleGroupId: groups.responsibleGroupId ?? null,
          responsibleGroupKind: groups.responsibleGroupKind ?? null,
          adaptationNote: input.adaptationNote ?? null,
          note: input.note ?? null,
          sources: input.sources ?? [],
          provenance: "RECORDED",
          municipalities: { create: municipalities.map((code) => ({ municipalityCode: code })) },
          statuses: {
            create: [
              {
                status: input.status.status,
                validFrom: input.status.from,
                reason: trimmed(input.status.reason) ?? null,
              },
            ],
          },
        },
      });
      log.record({
        entity: "IMPLEMENTATION",
        entityId: created.id,
        action: "CREATED",
        version: created.version,
        changes: {
          ...createdFields(created, IMPLEMENTATION_AUDIT_FIELDS),
          municipalities: [null, municipalities],
          status: [null, { status: input.status.status, from: isoDay(input.status.from) }],
        },
      });
      return created;
    });
  }

  /** The deciding and responsible groups, checked: the responsible one an LPO or LAG of the region. */
  private async implementationGroups(
    tx: Transaction,
    countyCode: string,
    decidedByGroup: string | null | undefined,
    responsibleGroup: string | null | undefined,
    decidedBy: string | null | undefined,
  ): Promise<Partial<Pick<ImplementationModel, "decidedByGroupId" | "responsibleGroupId" | "responsibleGroupKind">>> {
    const result: Partial<
      Pick<ImplementationModel, "decidedByGroupId" | "responsibleGroupId" | "responsibleGroupKind">
    > = {};
    if (decidedByGroup !== undefined) {
      if (decidedByGroup !== null && !decidedBy)
        throw new BadUserInputError(
          "Say which kind of body decided (decidedBy) when naming the group",
          "input.decidedBy",
        );
      result.decidedByGroupId =
        decidedByGroup === null
          ? null
          : (
              await groupsOfKinds(
                tx,
                [decidedByGroup],
                ["LPO", "LAG", "KNOWLEDGE_COUNCIL", "COLLABORATION_STRUCTURE", "STEERING_GROUP"],
                "input.decidedByGroup",
                "a deciding group",
              )
            )[0]!.id;
    }
    if (responsibleGroup !== undefined) {
      if (responsibleGroup === null) {
        result.responsibleGroupId = null;
        result.responsibleGroupKind = null;
      } else {
        const [group] = await groupsOfKinds(
          tx,
          [responsibleGroup],
          RESPONSIBLE_KINDS,
          "input.responsibleGroup",
          "the responsible group",
        );
        if (group!.countyCode !== countyCode)
          throw new BadUserInputError(
            `The responsible group must be one of region ${countyCode}`,
            "input.responsibleGroup",
          );
        result.responsibleGroupId = group!.id;
        result.responsibleGroupKind = group!.kind;
      }
    }
    return result;
  }

  private async jointMunicipalities(tx: Transaction, countyCode: string, codes: readonly string[]): Promise<string[]> {
    const unique = [...new Set(codes)].sort();
    const outside = unique.find((code) => !code.startsWith(countyCode));
    if (outside)
      throw new BadUserInputError(`The municipality ${outside} is not in county ${countyCode}`, "input.municipalities");
    const found = await tx.municipality.findMany({ where: { code: { in: unique } }, select: { code: true } });
    const missing = unique.find((code) => !found.some((m) => m.code === code));
    if (missing) throw new NotFoundError(`No municipality has the code ${missing}`, "input.municipalities");
    return unique;
  }

  updateImplementation(actor: Actor, input: UpdateImplementationInput): Promise<ImplementationModel> {
    authorizeAnyWrite(actor.caller, "implementations");
    const id = databaseIdOf(input.id, ["Implementation"], "input.id");
    checkGroupIds({ "input.decidedByGroup": input.decidedByGroup, "input.responsibleGroup": input.responsibleGroup });
    if (input.jointWithMunicipalities === null)
      throw new BadUserInputError("jointWithMunicipalities cannot be cleared", "input.jointWithMunicipalities");
    if (input.newStatus) checkStatusChange(input.newStatus, "input.newStatus");
    return writeTransaction(this.prisma, actor, (tx, log) =>
      updateRecord(tx, log, {
        entity: "IMPLEMENTATION",
        table: IMPLEMENTATION_TABLE,
        id,
        read: () => tx.implementation.findUnique({ where: { id } }),
        what: "Implementation",
        authorize: (before) =>
          authorizeWrite(actor.caller, [before.countyCode], `implementations in region ${before.countyCode}`),
        expectedVersion: input.expectedVersion,
        versionLabel: () => "The implementation",
        change: async (before) => {
          if (before.municipalityCode && (input.jointWithMunicipalities || input.municipalities?.length))
            throw new BadUserInputError(
              "A municipality's own implementation is not a joint process",
              "input.jointWithMunicipalities",
            );
          const groups = await this.implementationGroups(
            tx,
            before.countyCode,
            input.decidedByGroup,
            input.responsibleGroup,
            input.decidedBy === undefined ? before.decidedBy : input.decidedBy,
          );
          return definedOnly({
            jointWithMunicipalities: input.jointWithMunicipalities,
            decisionDate: input.decisionDate,
            decidedBy: input.decidedBy,
            adaptationNote: input.adaptationNote,
            note: input.note,
            sources: input.sources === null ? [] : input.sources,
            ...groups,
          }) as Partial<ImplementationModel>;
        },
        auditFields: IMPLEMENTATION_AUDIT_FIELDS,
        sideChanges: async (before) => {
          const changes: FieldChanges = {};
          if (input.municipalities !== undefined) {
            const after = await this.jointMunicipalities(tx, before.countyCode, input.municipalities ?? []);
            const previous = (await tx.implementationMunicipality.findMany({ where: { implementationId: id } }))
              .map((m) => m.municipalityCode)
              .sort();
            if (JSON.stringify(previous) !== JSON.stringify(after)) {
              await tx.implementationMunicipality.deleteMany({ where: { implementationId: id } });
              await tx.implementationMunicipality.createMany({
                data: after.map((code) => ({ implementationId: id, municipalityCode: code })),
              });
              changes.municipalities = [previous, after];
            }
          }
          if (input.newStatus) {
            const change = input.newStatus;
            const periods = await tx.implementationStatusPeriod.findMany({
              where: { implementationId: id },
              orderBy: [{ validFrom: "asc" }, { id: "asc" }],
            });
            const previous = await appendPeriod(
              periods.map((p) => ({ ...p, value: p.status })),
              change.from,
              "input.newStatus",
              (periodId, validTo) =>
                tx.implementationStatusPeriod.update({ where: { id: periodId }, data: { validTo } }),
            );
            await tx.implementationStatusPeriod.create({
              data: {
                implementationId: id,
                status: change.status,
                validFrom: change.from,
                reason: trimmed(change.reason) ?? null,
              },
            });
            changes.status = [previous, { status: change.status, from: isoDay(change.from) }];
          }
          return changes;
        },
        check: async (next) => {
          if (next.decidedByGroupId && !next.decidedBy)
            throw new BadUserInputError(
              "Say which kind of body decided (decidedBy) when naming the group",
              "input.decidedBy",
            );
        },
        write: (data) => tx.implementation.update({ where: { id }, data }),
      }),
    );
  }

  createFollowUp(actor: Actor, input: CreateFollowUpInput): Promise<FollowUpModel> {
    authorizeWrite(actor.caller, [null], "follow-up indicators");
    const knowledgeSupportId = databaseIdOf(input.knowledgeSupport, ["KnowledgeSupport"], "input.knowledgeSupport");
    return writeTransaction(this.prisma, actor, async (tx, log) => {
      if (!(await tx.knowledgeSupport.findUnique({ where: { id: knowledgeSupportId }, select: { id: true } })))
        throw new NotFoundError("No knowledge support has that ID", "input.knowledgeSupport");
      const indicator = input.indicator.trim();
      const taken = await tx.followUp.findUnique({
        where: { knowledgeSupportId_indicator: { knowledgeSupportId, indicator } },
      });
      if (taken)
        throw new ConflictError(`The indicator ${indicator} is already recorded for this knowledge support`, {
          existing: { type: "FollowUp", id: toGlobalId("FollowUp", taken.id), version: taken.version },
        });
      const created = await tx.followUp.create({
        data: {
          knowledgeSupportId,
          indicator,
          dataSource: input.dataSource.trim(),
          targetLevel: input.targetLevel ?? null,
          note: input.note ?? null,
          sources: input.sources ?? [],
          provenance: "RECORDED",
        },
      });
      log.record({
        entity: "FOLLOW_UP",
        entityId: created.id,
        action: "CREATED",
        version: created.version,
        changes: createdFields(created, FOLLOW_UP_AUDIT_FIELDS),
      });
      return created;
    });
  }

  updateFollowUp(actor: Actor, input: UpdateFollowUpInput): Promise<FollowUpModel> {
    authorizeWrite(actor.caller, [null], "follow-up indicators");
    const id = databaseIdOf(input.id, ["FollowUp"], "input.id");
    if (input.indicator === null) throw new BadUserInputError("indicator cannot be cleared", "input.indicator");
    if (input.dataSource === null) throw new BadUserInputError("dataSource cannot be cleared", "input.dataSource");
    if (input.provenance === null) throw new BadUserInputError("provenance cannot be cleared", "input.provenance");
    return writeTransaction(this.prisma, actor, (tx, log) =>
      updateRecord(tx, log, {
        entity: "FOLLOW_UP",
        table: FOLLOW_UP_TABLE,
        id,
        read: () => tx.followUp.findUnique({ where: { id } }),
        what: "Follow-up",
        authorize: () => undefined,
        expectedVersion: input.expectedVersion,
        versionLabel: (before) => `The follow-up ${before.indicator}`,
        change: () =>
          definedOnly({
            indicator: input.indicator?.trim(),
            dataSource: input.dataSource?.trim(),
            targetLevel: input.targetLevel,
            note: input.note,
            sources: input.sources === null ? [] : input.sources,
            provenance: input.provenance,
          }) as Partial<FollowUpModel>,
        auditFields: FOLLOW_UP_UPDATE_AUDIT_FIELDS,
        check: async (next) => {
          const taken = await tx.followUp.findUnique({
            where: {
              knowledgeSupportId_indicator: { knowledgeSupportId: next.knowledgeSupportId, indicator: next.indicator },
            },
          });
          if (taken && taken.id !== id)
            throw new ConflictError(`The indicator ${next.indicator} is already recorded for this knowledge support`, {
              existing: { type: "FollowUp", id: toGlobalId("FollowUp", taken.id), version: taken.version },
            });
        },
        write: (data) => tx.followUp.update({ where: { id }, data }),
      }),
    );
  }

  /** Records (or replaces) a region's value for a period; audited on the follow-up, whose version it does not change. */
  reportFollowUpValue(actor: Actor, input: ReportFollowUpValueInput): Promise<FollowUpValueRow> {
    authorizeAnyWrite(actor.caller, "follow-up values");
    authorizeWrite(actor.caller, [input.countyCode], `follow-up values of region ${input.countyCode}`);
    const followUpId = databaseIdOf(input.followUp, ["FollowUp"], "input.followUp");
    if (input.periodEnd < input.periodStart)
      throw new BadUserInputError("periodEnd must not be before periodStart", "input.periodEnd");
    return writeTransaction(this.prisma, actor, async (tx, log) => {
      const followUp = await tx.followUp.findUnique({ where: { id: followUpId }, select: { id: true, version: true } });
      if (!followUp) throw new NotFoundError("No follow-up has that ID", "input.followUp");
      if (!(await tx.region.findUnique({ where: { countyCode: input.countyCode }, select: { id: true } })))
        throw new NotFoundError(`No region has the county code ${input.countyCode}`, "input.countyCode");
      const key = {
        followUpId,
        countyCode: input.countyCode,
        periodStart: input.periodStart,
        periodEnd: input.periodEnd,
      };
      const before = await tx.followUpValue.findUnique({ where: { followUpId_countyCode_periodStart_periodEnd: key } });
      const [after] = await queryRows(
        tx,
        Prisma.sql`INSERT INTO follow_up_value AS v (follow_up_id, county_code, value, period_start, period_end, source)
          VALUES (${followUpId}::uuid, ${input.countyCode}, ${input.value}, ${isoDay(input.periodStart)}::date, ${isoDay(input.periodEnd)}::date, ${input.source ?? null})
          ON CONFLICT (follow_up_id, county_code, period_start, period_end)
          DO UPDATE SET value = EXCLUDED.value, source = EXCLUDED.source, reported_at = now()
          RETURNING ${FOLLOW_UP_VALUE_COLUMNS}`,
        followUpValueRow,
      );
      const label = `value:${input.countyCode}:${isoDay(input.periodStart)}/${isoDay(input.periodEnd)}`;
      log.record({
        entity: "FOLLOW_UP",
        entityId: followUpId,
        action: "UPDATED",
        version: followUp.version,
        changes:
          before && Number(before.value) === input.value && before.source === (input.source ?? null)
            ? {}
            : { [label]: [before ? Number(before.value) : null, input.value] },
      });
      return after!;
    });
  }
}

class SheetRefused extends Error {
  constructor(readonly result: ImplementationSyncResult) {
    super("sheet refused");
  }
}

/**
 * Brings a region's implementation statuses in line with its tracking sheet, in one transaction:
 * every cell of every row is checked first (a bad cell fails its row, naming the field); a row's
 * status already recorded changes nothing; a new status from a later day is appended; a
 * knowledge support the region has no implementation of gets one. Any failed row refuses the
 * sheet (nothing is written); a dry run reports the same and writes nothing.
 */
export async function syncImplementationStatuses(
  prisma: Database,
  actor: Actor,
  input: SyncImplementationStatusesInput,
): Promise<ImplementationSyncResult> {
  authorizeAnyWrite(actor.caller, "implementations");
  authorizeWrite(actor.caller, [input.countyCode], `implementations in region ${input.countyCode}`);
  const failures: ImplementationSyncFailure[] = [];
  const failedRows = new Set<number>();
  const rows: { index: number; row: SheetRowValues }[] = [];
  for (const [index, cells] of input.rows.entries()) {
    const parsed = parseSheetRow(cells ?? {});
    const given = cells?.knowledgeSupport;
    // The row's slug is echoed only when it is one, so a failure never repeats a hostile cell.
    const slug = typeof given === "string" && given.length <= MAX_SLUG_LENGTH && SLUG.test(given) ? given : null;
    for (const error of parsed.errors) failures.push({ index, knowledgeSupport: slug, ...error });
    if (parsed.values) rows.push({ index, row: parsed.values });
    else failedRows.add(index);
  }
  try {
    return await writeTransaction(
      prisma,
      actor,
      async (tx, log) => {
        if (!(await tx.region.findUnique({ where: { countyCode: input.countyCode }, select: { id: true } })))
          throw new NotFoundError(`No region has the county code ${input.countyCode}`, "input.countyCode");
        const supports = new Map(
          (
            await tx.knowledgeSupport.findMany({
              where: { slug: { in: [...new Set(rows.map(({ row }) => row.knowledgeSupport))] } },
              select: { id: true, slug: true },
            })
          ).map((s) => [s.slug, s.id]),
        );
        const municipalities = new Set(
          (await tx.municipality.findMany({ where: { countyCode: input.countyCode }, select: { code: true } })).map(
            (m) => m.code,
          ),
        );
        const existing = await tx.implementation.findMany({
          where: { countyCode: input.countyCode, knowledgeSupportId: { in: [...supports.values()] } },
          include: { statuses: { orderBy: { validFrom: "asc" } } },
        });
        const targetOf = (supportId: string, municipality: string | null) => `${supportId}/${municipality ?? ""}`;
        const byTarget = new Map(existing.map((im) => [targetOf(im.knowledgeSupportId, im.municipalityCode), im]));
        const counts = { created: 0, updated: 0, unchanged: 0, failed: 0 };
        const seen = new Set<string>();
        for (const { index, row } of rows) {
          const refuse = (code: "BAD_USER_INPUT" | "NOT_FOUND" | "CONFLICT", field: string, message: string) => {
            failures.push({ index, knowledgeSupport: row.knowledgeSupport, code, field, message });
            failedRows.add(index);
          };
          const supportId = supports.get(row.knowledgeSupport);
          const municipality = row.municipalityCode;
          if (!supportId) {
            refuse("NOT_FOUND", "knowledgeSupport", `No knowledge support has the slug ${row.knowledgeSupport}`);
            continue;
          }
          if (municipality && !municipalities.has(municipality)) {
            refuse(
              "BAD_USER_INPUT",
              "municipalityCode",
              `${municipality} is not a municipality of county ${input.countyCode}`,
            );
            continue;
          }
          const target = targetOf(supportId, municipality);
          if (seen.has(target)) {
            refuse(
              "CONFLICT",
              "knowledgeSupport",
              "Another row of the sheet is about the same knowledge support and place",
            );
            continue;
          }
          seen.add(target);
          const current = byTarget.get(target);
          if (!current) {
            const created = await tx.implementation.create({
              data: {
                knowledgeSupportId: supportId,
                countyCode: input.countyCode,
                municipalityCode: municipality,
                decisionDate: row.decisionDate,
                provenance: "RECORDED",
                sources: [],
                statuses: { create: [{ status: row.status, validFrom: row.from, reason: row.reason }] },
              },
            });
            log.record({
              entity: "IMPLEMENTATION",
              entityId: created.id,
              action: "CREATED",
              version: created.version,
              changes: {
                ...createdFields(created, IMPLEMENTATION_AUDIT_FIELDS),
                status: [null, { status: row.status, from: isoDay(row.from) }],
              },
            });
            counts.created++;
            continue;
          }
          const latest = current.statuses.at(-1);
          const decisionDate = row.decisionDate;
          const decisionChanged = decisionDate !== null && current.decisionDate?.getTime() !== decisionDate.getTime();
          if (latest?.status === row.status && !decisionChanged) {
            counts.unchanged++;
            continue;
          }
          const changes: FieldChanges = {};
          if (latest?.status !== row.status) {
            if (latest && (latest.validFrom >= row.from || (latest.validTo !== null && latest.validTo >= row.from))) {
              refuse(
                "BAD_USER_INPUT",
                "from",
                `The status ${row.status} must start after the current ${latest.status} (since ${isoDay(latest.validFrom)})`,
              );
              continue;
            }
            if (latest && latest.validTo === null)
              await tx.implementationStatusPeriod.update({
                where: { id: latest.id },
                data: { validTo: new Date(row.from.getTime() - DAY_MS) },
              });
            await tx.implementationStatusPeriod.create({
              data: { implementationId: current.id, status: row.status, validFrom: row.from, reason: row.reason },
            });
            changes.status = [latest?.status ?? null, { status: row.status, from: isoDay(row.from) }];
          }
          if (decisionChanged)
            changes.decisionDate = [current.decisionDate ? isoDay(current.decisionDate) : null, isoDay(decisionDate)];
          const after = await tx.implementation.update({
            where: { id: current.id },
            data: { version: { increment: 1 }, ...(decisionChanged ? { decisionDate } : {}) },
          });
          log.record({
            entity: "IMPLEMENTATION",
            entityId: current.id,
            action: "UPDATED",
            version: after.version,
            changes,
          });
          counts.updated++;
        }
        counts.failed = failedRows.size;
        failures.sort((a, b) => a.index - b.index);
        const result = { applied: !input.dryRun && failures.length === 0, counts, failures };
        if (failures.length > 0 && !input.dryRun) throw new SheetRefused(result);
        return result;
      },
      { dryRun: input.dryRun },
    );
  } catch (error) {
    if (error instanceof SheetRefused) return error.result;
    throw error;
  }
}
