import { AsyncLocalStorage, AsyncResource } from "node:async_hooks";
import pg from "pg";

/** Counts the SQL statements sent to PostgreSQL on behalf of one unit of work (a request). */
export class SqlStatementCounter {
  count = 0;
}

const currentCounter = new AsyncLocalStorage<SqlStatementCounter>();

/** Runs `work` with every statement it sends counted in `counter`. */
export function countSqlStatements<T>(counter: SqlStatementCounter, work: () => T): T {
  return currentCounter.run(counter, work);
}

/**
 * A pg client that counts each statement against the counter of the calling async context.
 * Counting at the driver (not at Prisma calls) means the figure is what PostgreSQL really receives.
 */
export class CountingClient extends pg.Client {
  // pg's query() has many overloads; the counter only observes the call.
  override query(...args: unknown[]): never {
    const counter = currentCounter.getStore();
    if (counter) counter.count += 1;
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}

/**
 * A pool that hands out clients in the async context of the caller. pg-pool queues waiting
 * callers when all connections are busy and calls them back from whichever query released a
 * connection; without this a queued query would be counted against that other request.
 */
export class ContextPreservingPool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<pg.PoolClient> | void {
    return callback ? super.connect(AsyncResource.bind(callback)) : super.connect();
  }
}
