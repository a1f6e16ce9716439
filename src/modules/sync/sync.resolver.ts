import { Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context";
import { type ConnectionOf, toConnection } from "../../graphql/pagination";
import { InputArgs } from "../../graphql/validation";
import { AddSyncRowsInput, SyncMembershipsInput } from "./sync.inputs";
import { SyncService } from "./sync.service";
import { SyncRunArgs, SyncRunConnection, SyncRunsArgs, SyncRunView } from "./sync-run.types";
import { SyncRunReader } from "./sync-run.reader";
import { SyncResult } from "./sync.types";

const SyncMembershipsArgs = InputArgs(SyncMembershipsInput);
const AddSyncRowsArgs = InputArgs(AddSyncRowsInput);

@Resolver()
export class SyncResolver {
  @Mutation(() => SyncResult, {
    description:
      "Makes the memberships of one source system in a scope match a list, in one transaction. Rows are keyed by the source system's membership ids, so running the same list again changes nothing. People are matched by external id or HSA-id and created when missing. Each row gets a result; a bad row fails alone in MERGE mode unless `atomic`, and rejects the whole run in REPLACE mode. The run is recorded (`syncRun(id: runId)`).",
  })
  syncMemberships(
    @Args(() => SyncMembershipsArgs) { input }: { input: SyncMembershipsInput },
    @Ctx() context: Context,
  ): Promise<SyncResult> {
    return new SyncService(context.prisma).syncMemberships(context, input);
  }

  @Mutation(() => SyncRunView, {
    description:
      "Starts the same sync as `syncMemberships` in the background and answers at once with the run (QUEUED), after checking the key's access and the scope. Follow it with `syncRun(id)`: its status, progress, and, once SUCCEEDED, its whole result. Runs started on one server run one after another; a run interrupted by a restart is FAILED, having applied nothing.",
  })
  startMembershipSync(
    @Args(() => SyncMembershipsArgs) { input }: { input: SyncMembershipsInput },
    @Ctx() context: Context,
  ): Promise<SyncRunView> {
    return new SyncService(context.prisma).startMembershipSync(context, input).then(SyncRunReader.view);
  }

  @Mutation(() => SyncRunView, {
    description:
      "Opens a run for a list too long for one request (more than 10 000 rows): takes the same input as `startMembershipSync`, with the list's first chunk (or none) in `memberships`, checks the key's access and the scope, and answers with the run (STAGING). Send the other chunks with `addMembershipSyncRows`, then start it with `startOpenedMembershipSync`; it then runs like `startMembershipSync`. Rows are kept in the database, so chunks may reach any server process. A run not started within 24 hours is FAILED and its rows dropped.",
  })
  openMembershipSync(
    @Args(() => SyncMembershipsArgs) { input }: { input: SyncMembershipsInput },
    @Ctx() context: Context,
  ): Promise<SyncRunView> {
    return new SyncService(context.prisma).openMembershipSync(context, input).then(SyncRunReader.view);
  }

  @Mutation(() => SyncRunView, {
    description:
      "Appends a chunk of rows to a run opened with `openMembershipSync` by the same API key; `rowsTotal` counts the rows so far. Idempotent: the same chunk sent again at its offset changes nothing, a different one there is CONFLICT, and a chunk at another offset than `rowsTotal` is BAD_USER_INPUT (`extensions.expectedOffset`).",
  })
  addMembershipSyncRows(
    @Args(() => AddSyncRowsArgs) { input }: { input: AddSyncRowsInput },
    @Ctx() context: Context,
  ): Promise<SyncRunView> {
    return new SyncService(context.prisma).addRows(context, input).then(SyncRunReader.view);
  }

  @Mutation(() => SyncRunView, {
    description:
      "Starts a run opened with `openMembershipSync` by the same API key: QUEUED, then RUNNING and SUCCEEDED or FAILED as with `startMembershipSync`; follow it with `syncRun(id)`. A run already started is CONFLICT.",
  })
  startOpenedMembershipSync(@Args() { id }: SyncRunArgs, @Ctx() context: Context): Promise<SyncRunView> {
    return new SyncService(context.prisma).startOpened(context, id).then(SyncRunReader.view);
  }

  @Query(() => SyncRunView, {
    nullable: true,
    description:
      "A sync run by id (`SyncResult.runId`, `SyncRun.id`); null when there is none. Needs the admin scope, or a write scope covering the run's scope (`write`, or `write:region:<länskod>` of every group in it).",
  })
  syncRun(@Args() { id }: SyncRunArgs, @Ctx() context: Context): Promise<SyncRunView | null> {
    return new SyncRunReader(context.prisma).run(context.caller, id);
  }

  @Query(() => SyncRunConnection, {
    description:
      "The runs of a source system, newest first, asynchronous or not: who started them, when, mode, dry run, counts and outcome. Needs the admin scope or a write scope; a region's key sees the runs whose scope its region owns.",
  })
  async syncRuns(@Args() args: SyncRunsArgs, @Ctx() context: Context): Promise<ConnectionOf<SyncRunView>> {
    return toConnection(await new SyncRunReader(context.prisma).runs(context.caller, args));
  }
}

@Resolver(() => SyncRunView)
export class SyncRunFieldsResolver {
  @FieldResolver(() => SyncResult, {
    nullable: true,
    description:
      "The whole result of an asynchronous run, once it succeeded (a synchronous run's caller got it in the answer: null). Read only when asked for: a run of tens of thousands of rows has a result of tens of megabytes, so a script following a run asks for `status` and `counts` until it finished, then for the parts of the result it needs (`failures`, say).",
  })
  result(@Root() run: SyncRunView, @Ctx() context: Context): Promise<SyncResult | null> | null {
    return run.status === "SUCCEEDED" && run.asynchronous ? new SyncRunReader(context.prisma).result(run.id) : null;
  }
}
