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
}

export type LoaderFactory = <Key, Value, CacheKey = Key>(
  batch: DataLoader.BatchLoadFn<Key, Value>,
  options?: DataLoader.Options<Key, Value, CacheKey>,
) => DataLoader<Key, Value, CacheKey>;

export function loaderFactory({ batching, onBatch }: LoaderOptions): LoaderFactory {
  return (batch, options) => {
    const observed: typeof batch = (keys) => {
      // A read past its execution deadline starts no more batches (see executionTimeoutPlugin).
      const late = currentSqlStatementCounter()?.deadlineError();
      if (late) return Promise.reject(late);
      onBatch?.(keys.length);
      return batch(keys);
    };
    return new DataLoader(observed, batching ? options : { ...options, batch: false, cache: false });
  };
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
