import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { MembershipRole } from "../../generated/prisma/enums";
import { GraphQLDate } from "../../graphql/scalars";
import { SyncMode } from "./sync.inputs";

export enum SyncItemStatus {
  CREATED = "CREATED",
  UPDATED = "UPDATED",
  UNCHANGED = "UNCHANGED",
  FAILED = "FAILED",
}

registerEnumType(SyncItemStatus, {
  name: "SyncItemStatus",
  description:
    "What a sync does with one row. When the run is not applied (dry run, or rejected), it is what the run would have done.",
  valuesConfig: {
    CREATED: { description: "A new membership." },
    UPDATED: { description: "An existing membership (same source system and externalId) changed." },
    UNCHANGED: { description: "Already as the row says: nothing written." },
    FAILED: { description: "The row is invalid or conflicts; see `errors`." },
  },
});

@ObjectType({ description: "Why a row failed." })
export class SyncItemError {
  @Field({ description: "BAD_USER_INPUT, NOT_FOUND or CONFLICT." })
  code!: string;

  @Field({ description: "The field of the row at fault, e.g. `person.hsaId`, `group`, `validTo`." })
  field!: string;

  @Field({ description: "What is wrong, in words." })
  message!: string;

  @Field(() => SyncChange, {
    nullable: true,
    description:
      "For an overlap or a taken key (CONFLICT): the membership the row conflicts with, named by its source system and external id (or its row in this list), person, group, role and period.",
  })
  conflictsWith?: SyncChange | null;
}

@ObjectType({ description: "A field where a row's person differs from the stored person." })
export class PersonFieldDrift {
  @Field({ description: "`givenName`, `familyName`, `title` or `hsaId`." })
  field!: string;

  @Field(() => String, { nullable: true, description: "The stored value." })
  stored!: string | null;

  @Field(() => String, { nullable: true, description: "The row's value." })
  received!: string | null;

  @Field({
    description:
      "Whether the run updates (or, when not applied, would update) the stored person to the row's value: only with `updatePeople`, for a person of this source, and an HSA-id only when none is stored.",
  })
  updated!: boolean;
}

@ObjectType({ description: "The outcome for one row of the list." })
export class SyncItemResult {
  @Field(() => Int, { description: "Position of the row in `memberships`, from 0." })
  index!: number;

  @Field(() => String, { nullable: true, description: "The row's externalId as sent; null when the row has none." })
  externalId!: string | null;

  @Field(() => SyncItemStatus, { description: "What the run does (or would do) with the row." })
  status!: SyncItemStatus;

  @Field(() => ID, {
    nullable: true,
    description: "Global ID of the membership, when the run was applied and the row did not fail.",
  })
  membershipId!: string | null;

  @Field(() => [SyncItemError], { description: "Why the row failed; empty when it did not." })
  errors!: SyncItemError[];

  @Field(() => [PersonFieldDrift], {
    description:
      "Where the row's person (names, title, HSA-id) differs from the stored person; empty when it does not, or when the person is new. A row without a title or HSA-id does not drift on it.",
  })
  personDrift!: PersonFieldDrift[];
}

@ObjectType({
  description:
    "A membership a sync creates, updates or ends (or would, when the run is not applied), in the source system's own terms.",
})
export class SyncChange {
  @Field(() => ID, {
    nullable: true,
    description: "Global ID of the membership; null for one a run that is not applied would create.",
  })
  membershipId!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The source system the membership comes from; null for one entered through the API (a conflicting membership).",
  })
  sourceSystem!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The membership's id in its source system; null when it has none.",
  })
  externalId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The person's id in the source system, when the person has one there.",
  })
  personExternalId!: string | null;

  @Field({ description: "The person's given and family name." })
  personName!: string;

  @Field({ description: "Slug of the group." })
  group!: string;

  @Field(() => MembershipRole, { description: "The role." })
  role!: MembershipRole;

  @Field(() => GraphQLDate, { description: "First day." })
  validFrom!: Date;

  @Field(() => GraphQLDate, {
    nullable: true,
    description: "Last day (for an ended membership, the day it ends on); null while it runs.",
  })
  validTo!: Date | null;

  @Field(() => Int, {
    nullable: true,
    description: "Position of the row in `memberships` that asks for it; null for a membership the list no longer has.",
  })
  index!: number | null;
}

@ObjectType({ description: "How many rows and memberships each outcome had." })
export class SyncCounts {
  @Field(() => Int, { description: "Rows that create a membership." })
  created!: number;

  @Field(() => Int, { description: "Rows that change a membership." })
  updated!: number;

  @Field(() => Int, { description: "Memberships ended because the list no longer has them (REPLACE)." })
  ended!: number;

  @Field(() => Int, { description: "Rows already as they should be." })
  unchanged!: number;

  @Field(() => Int, { description: "Rows that failed." })
  failed!: number;

  @Field(() => Int, { description: "People created for rows whose person matched no one." })
  peopleCreated!: number;

  @Field(() => Int, { description: "Stored people updated to their rows' values (`updatePeople`)." })
  peopleUpdated!: number;
}

@ObjectType({ description: "The result of `syncMemberships`." })
export class SyncResult {
  @Field(() => ID, { description: "Id of this run; the audit events it wrote carry it (`auditEvents(syncRun:)`)." })
  runId!: string;

  @Field(() => SyncMode, { description: "The mode the run used." })
  mode!: SyncMode;

  @Field({ description: "True when it was a dry run." })
  dryRun!: boolean;

  @Field({
    description:
      "True when the changes were committed. False for a dry run, or when the run was rejected because a row failed in REPLACE mode or with `atomic: true`: then nothing was written and the counts say what would have happened.",
  })
  applied!: boolean;

  @Field(() => SyncCounts, { description: "How many rows had each outcome, and how many memberships were ended." })
  counts!: SyncCounts;

  @Field(() => [SyncItemResult], { description: "One result per row, in the order of the list." })
  items!: SyncItemResult[];

  @Field(() => [SyncItemResult], { description: "Only the rows that failed, for scripts that print problems." })
  failures!: SyncItemResult[];

  @Field(() => [SyncChange], { description: "The memberships the run creates (or would create), in list order." })
  created!: SyncChange[];

  @Field(() => [SyncChange], {
    description: "The memberships the run changes (or would change), as they are after the change, in list order.",
  })
  updated!: SyncChange[];

  @Field(() => [SyncChange], {
    description:
      "The memberships the run ends (or would end) because the list no longer has them (REPLACE), with their new last day. Listed in dry runs and rejected runs too.",
  })
  ended!: SyncChange[];

  @Field(() => [ID], {
    description:
      "Global IDs of the memberships ended because the list no longer has them (REPLACE), only when the run was applied.",
    deprecationReason: "Use `ended`, which names each membership by the source's ids and is listed in dry runs too.",
  })
  endedMembershipIds!: string[];
}
