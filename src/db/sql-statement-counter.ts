import { AsyncLocalStorage } from "node:async_hooks";
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
