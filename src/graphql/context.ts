import type { Database } from "../db/prisma";
import type { Actor } from "../db/audit-log";
import { anonymousCaller, type Caller } from "../access/caller";
import type { RateLimitState } from "../access/rate-limit";
import { loaderFactory, nameLoader, type LoaderOptions } from "./loader";
import type { Loaders, ModuleRegistry } from "./module";

export type { Loaders } from "./module";

/** Per-request state. Loaders live for one request only, so no data leaks between callers. */
export interface Context extends Actor {
  prisma: Database;
  loaders: Loaders;
  /** What the modules declare: node types, audit entities, search sources. */
  registry: ModuleRegistry;
  /** Who is asking: an API key, or anonymous. Rights are decided from it in src/access. */
  caller: Caller;
  requestId: string | null;
  /** The caller's cost budget after this request's cost was spent, before execution (absent outside the server). */
  rateLimit?: RateLimitState;
  /** Set by a resolver whose answer holds state of this one request (the rate limit): the response cache does not keep it. */
  uncacheable?: boolean;
}

export function createContext(
  prisma: Database,
  registry: ModuleRegistry,
  options: LoaderOptions = { batching: true },
  actor: Actor = { caller: anonymousCaller(["read"]), requestId: null },
): Context {
  const loaders = registry.createLoaders(prisma, loaderFactory(options));
  // Traced batches are named after their loader.
  if (options.traceBatch) {
    const named = loaders as unknown as Record<string, unknown>;
    for (const [name, loader] of Object.entries(named)) named[name] = nameLoader(loader, name);
  }
  return {
    prisma,
    loaders,
    registry,
    caller: actor.caller,
    requestId: actor.requestId,
  };
}
