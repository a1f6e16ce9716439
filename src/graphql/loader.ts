import DataLoader from "dataloader";
import { currentSqlStatementCounter } from "../db/sql-statement-counter";

export interface LoaderOptions {
  /**
   * When false, every load runs its own query and nothing is cached: the naive one-query-
   * per-field resolvers. Only the benchmark turns batching off, to show what loaders save.
   */
  batching: boolean;
  /** Told the number of keys of every batch (for metrics). */
  onBatch?: (size: number) => void;
  /** Runs each batch in a span (with tracing on), told the loader's name and the number of keys. */
  traceBatch?: <T>(loaderName: string | null, size: number, work: () => Promise<T>) => Promise<T>;
}

export type LoaderFactory = <Key, Value, CacheKey = Key>(
  batch: DataLoader.BatchLoadFn<Key, Value>,
  options?: DataLoader.Options<Key, Value, CacheKey>,
) => DataLoader<Key, Value, CacheKey>;

export function loaderFactory({ batching, onBatch, traceBatch }: LoaderOptions): LoaderFactory {
  return (batch, options) => {
    const observed: typeof batch = (keys) => {
      // A read past its execution deadline starts no more batches (see executionTimeoutPlugin).
      const late = currentSqlStatementCounter()?.deadlineError();
      if (late) return Promise.reject(late);
      onBatch?.(keys.length);
      return traceBatch ? traceBatch(loader.name, keys.length, async () => batch(keys)) : batch(keys);
    };
    const loader = new DataLoader(observed, batching ? options : { ...options, batch: false, cache: false });
    return loader;
  };
}

/**
 * Gives a module's loaders the names they have in `Loaders` (for traces), the loaders a
 * `loadersByArguments` function makes included; a loader named by its module keeps its name.
 */
export function nameLoader<Loader>(loader: Loader, name: string): Loader {
  if (loader instanceof DataLoader) {
    loader.name ??= name;
    return loader;
  }
  if (typeof loader === "function") {
    const create = loader as (...args: unknown[]) => unknown;
    return ((...args: unknown[]) => nameLoader(create(...args), name)) as Loader;
  }
  return loader;
}

/**
 * Loaders for a connection or list with arguments: one loader per distinct set of
 * arguments, each batching over parents. `members(role: CHAIR)` on 25 groups is one query.
 */
export function loadersByArguments<Args extends object, Key, Value>(
  create: (args: Args) => DataLoader<Key, Value>,
): (args: Args) => DataLoader<Key, Value> {
  const loaders = new Map<string, DataLoader<Key, Value>>();
  return (args) => {
    const key = JSON.stringify(args, Object.keys(args).sort());
    let loader = loaders.get(key);
    if (!loader) loaders.set(key, (loader = create(args)));
    return loader;
  };
}
