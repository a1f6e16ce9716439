import { Args, Ctx, Mutation, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context";
import { InputArgs } from "../../graphql/validation";
import { SyncMembershipsInput } from "./sync.inputs";
import { SyncService } from "./sync.service";
import { SyncResult } from "./sync.types";

const SyncMembershipsArgs = InputArgs(SyncMembershipsInput);

@Resolver()
export class SyncResolver {
  @Mutation(() => SyncResult, {
    description:
      "Makes the memberships of one source system in a scope match a list, in one transaction. Rows are keyed by the source system's membership ids, so running the same list again changes nothing. People are matched by external id or HSA-id and created when missing. Each row gets a result; a bad row fails alone in MERGE mode unless `atomic`, and rejects the whole run in REPLACE mode.",
  })
  syncMemberships(
    @Args(() => SyncMembershipsArgs) { input }: { input: SyncMembershipsInput },
    @Ctx() context: Context,
  ): Promise<SyncResult> {
    return new SyncService(context.prisma).syncMemberships(context, input);
  }
}
