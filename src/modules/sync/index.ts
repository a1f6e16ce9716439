import type { ModuleDescriptor } from "../../graphql/module";
import { SyncResolver } from "./sync.resolver";

/** Synchronisation of memberships from a source system (HR, a directory). */
export const syncModule: ModuleDescriptor = {
  name: "sync",
  resolvers: [SyncResolver],
  mutations: [{ name: "syncMemberships", scopes: ["write", "write:region"] }],
};
