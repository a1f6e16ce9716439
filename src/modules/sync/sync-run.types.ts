import { ArgsType, Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { SyncRunStatus } from "../../generated/prisma/enums";
import { Connection, ForwardPageArgs } from "../../graphql/pagination";
import { GraphQLDateTime } from "../../graphql/scalars";
import { BoundedMatches, Id, SOURCE_SYSTEM } from "../../graphql/validation";
import { SyncMode } from "./sync.inputs";
import { SyncCounts } from "./sync.types";

export { SyncRunStatus };

registerEnumType(SyncRunStatus, {
  name: "SyncRunStatus",
  description: "Where a sync run stands.",
  valuesConfig: {
    STAGING: {
      description:
        "Opened with `openMembershipSync`, taking chunks of rows (`addMembershipSyncRows`) until `startOpenedMembershipSync`.",
    },
    QUEUED: {
      description:
        "Started with `startMembershipSync` or `startOpenedMembershipSync`, waiting for the runs before it in this server.",
    },
    RUNNING: { description: "Checking and writing; `rowsDone` of `rowsTotal` rows checked." },
    SUCCEEDED: {
      description:
        "Finished: `applied` says whether its changes were committed (a dry run, or a run rejected for bad rows, applies nothing).",
    },
    FAILED: {
      description:
        "Refused or interrupted (`errorCode`, `error`): nothing was applied, since a run's changes commit in one transaction with its SUCCEEDED status.",
    },
  },
});

@ObjectType("SyncRun", {
  description:
    "One membership sync, asynchronous (`startMembershipSync`) or not (`syncMemberships`): who started it, when, how far it got and how it ended.",
})
export class SyncRunView {
  @Field(() => ID, {
    description: "The run id: `SyncResult.runId`, and what its audit events carry (`auditEvents(syncRun:)`).",
  })
  id!: string;

  @Field({ description: "The source system synced." })
  sourceSystem!: string;

  @Field({ description: "Name of the API key that started it." })
  startedBy!: string;

  @Field(() => SyncMode, { description: "MERGE or REPLACE." })
  mode!: SyncMode;

  @Field({ description: "True for a dry run, which never applies anything." })
  dryRun!: boolean;

  @Field({ description: "True when started with `startMembershipSync`." })
  asynchronous!: boolean;

  @Field(() => SyncRunStatus, { description: "Queued, running, succeeded or failed." })
  status!: SyncRunStatus;

  @Field(() => Int, { description: "Rows in the list (while STAGING: the rows sent so far)." })
  rowsTotal!: number;

  @Field(() => Int, { description: "Rows checked so far (updated every 5 000 rows); `rowsTotal` once it succeeded." })
  rowsDone!: number;

  @Field(() => Boolean, { nullable: true, description: "Whether its changes were committed; null until it finished." })
  applied!: boolean | null;

  @Field(() => SyncCounts, { nullable: true, description: "The result's counts, once it succeeded." })
  counts!: SyncCounts | null;

  @Field(() => String, {
    nullable: true,
    description: "Why it failed, as an error code (BAD_USER_INPUT, SERVICE_UNAVAILABLE…).",
  })
  errorCode!: string | null;

  @Field(() => String, { nullable: true, description: "Why it failed, in words." })
  error!: string | null;

  @Field(() => GraphQLDateTime, { description: "When it was started (queued)." })
  createdAt!: Date;

  @Field(() => GraphQLDateTime, { nullable: true, description: "When it began to run; null while queued." })
  startedAt!: Date | null;

  @Field(() => GraphQLDateTime, { nullable: true, description: "When it succeeded or failed; null until then." })
  finishedAt!: Date | null;
}

@ObjectType("SyncRunConnection", { description: "Sync runs of a source system, newest first." })
export class SyncRunConnection extends Connection(SyncRunView, "SyncRun") {}

@ArgsType()
export class SyncRunsArgs extends ForwardPageArgs {
  @Field({ description: "The source system whose runs to list." })
  @BoundedMatches(SOURCE_SYSTEM, 100, "sourceSystem must be letters, digits and . _ : -")
  sourceSystem!: string;
}

@ArgsType()
export class SyncRunArgs {
  @Field(() => ID, { description: "The run's id (`SyncResult.runId`)." })
  @Id()
  id!: string;
}
