import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { SyncMode } from "./sync.inputs";

export enum SyncItemStatus {
  CREATED = "CREATED",
  UPDATED = "UPDATED",
  UNCHANGED = "UNCHANGED",
  FAILED = "FAILED",
}

registerEnumType(SyncItemStatus, {
  name: "SyncItemStatus",
  description: "What a sync does with one row. When the run is not applied (dry run, or rejected), it is what the run would have done.",
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
}

@ObjectType({ description: "The outcome for one row of the list." })
export class SyncItemResult {
  @Field(() => Int, { description: "Position of the row in `memberships`, from 0." })
  index!: number;

  @Field({ description: "The row's externalId." })
  externalId!: string;

  @Field(() => SyncItemStatus, { description: "What the run does (or would do) with the row." })
  status!: SyncItemStatus;

  @Field(() => ID, { nullable: true, description: "Global ID of the membership, when the run was applied and the row did not fail." })
  membershipId!: string | null;

  @Field(() => [SyncItemError], { description: "Why the row failed; empty when it did not." })
  errors!: SyncItemError[];
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
}

@ObjectType({ description: "The result of `syncMemberships`." })
export class SyncResult {
  @Field(() => ID, { description: "Id of this run; the audit events it wrote carry it (`auditEvents(syncRun:)`)." })
  runId!: string;

  @Field(() => SyncMode, { description: "The mode the run used." })
  mode!: SyncMode;

  @Field({ description: "True when it was a dry run." })
  dryRun!: boolean;

  @Field({ description: "True when the changes were committed. False for a dry run, or when the run was rejected because a row failed in REPLACE mode or with `atomic: true`: then nothing was written and the counts say what would have happened." })
  applied!: boolean;

  @Field(() => SyncCounts, { description: "How many rows had each outcome, and how many memberships were ended." })
  counts!: SyncCounts;

  @Field(() => [SyncItemResult], { description: "One result per row, in the order of the list." })
  items!: SyncItemResult[];

  @Field(() => [SyncItemResult], { description: "Only the rows that failed, for scripts that print problems." })
  failures!: SyncItemResult[];

  @Field(() => [ID], { description: "Global IDs of the memberships ended because the list no longer has them (REPLACE)." })
  endedMembershipIds!: string[];
}
