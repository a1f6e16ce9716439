import { Args, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context";
import { type ConnectionOf, toConnection } from "../../graphql/pagination";
import { InputArgs } from "../../graphql/validation";
import { SyncMembershipsInput } from "./sync.inputs";
import { SyncService } from "./sync.service";
import { SyncRunArgs, SyncRunConnection, SyncRunsArgs, SyncRunView } from "./sync-run.types";
import { SyncRunReader } from "./sync-run.reader";
import { SyncResult } from "./sync.types";

const SyncMembershipsArgs = InputArgs(SyncMembershipsInput);

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
