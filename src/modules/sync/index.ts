import type { ModuleDescriptor } from "../../graphql/module";
import { SyncResolver, SyncRunFieldsResolver } from "./sync.resolver";
import { SyncService } from "./sync.service";
import { SyncRuns } from "./sync-runs";

/** Synchronisation of memberships from a source system (HR, a directory), synchronous or in the background. */
export const syncModule: ModuleDescriptor = {
  name: "sync",
  resolvers: [SyncResolver, SyncRunFieldsResolver],
  mutations: [
    { name: "syncMemberships", scopes: ["write", "write:region"] },
    { name: "startMembershipSync", scopes: ["write", "write:region"] },
    { name: "openMembershipSync", scopes: ["write", "write:region"] },
    { name: "addMembershipSyncRows", scopes: ["write", "write:region"] },
    { name: "startOpenedMembershipSync", scopes: ["write", "write:region"] },
  ],
  tables: [
    { name: "sync_run", orderBy: "sequence" },
    { name: "sync_run_chunk", orderBy: `"run_id", "offset"`, dependsOn: ["sync_run"] },
    { name: "sync_run_result_part", orderBy: `"run_id", "position"`, dependsOn: ["sync_run"] },
  ],
  background: ({ prisma, logger }) =>
    new SyncRuns(prisma, logger, (actor, input, runId, runs) =>
      new SyncService(prisma).run(actor, input, runId, runs, true),
    ),
};
