import { SyncResolver } from "./sync.resolver";

export const SyncResolvers = [SyncResolver] as const;
