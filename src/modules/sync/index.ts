import type { ModuleDescriptor } from "../../graphql/module";
import { SyncResolver } from "./sync.resolver";
import { SyncService } from "./sync.service";
import { SyncRuns } from "./sync-runs";

/** Synchronisation of memberships from a source system (HR, a directory), synchronous or in the background. */
export const syncModule: ModuleDescriptor = {
  name: "sync",
  resolvers: [SyncResolver],
  mutations: [
    { name: "syncMemberships", scopes: ["write", "write:region"] },
    { name: "startMembershipSync", scopes: ["write", "write:region"] },
  ],
  tables: [{ name: "sync_run", orderBy: "sequence" }],
  background: ({ prisma, logger }) =>
    new SyncRuns(prisma, logger, (actor, input, runId, runs) =>
      new SyncService(prisma).run(actor, input, runId, runs, true),
    ),
};
