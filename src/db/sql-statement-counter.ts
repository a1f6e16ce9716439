import { AsyncLocalStorage, AsyncResource } from "node:async_hooks";
import { performance } from "node:perf_hooks";
import pg from "pg";

/** A point after which a request starts no more database work, and the error it then gets. */
export interface Deadline {
  /** `performance.now()` after which no statement or batch starts. */
  readonly at: number;
  /** The error for work refused after the deadline, told the request's total wait on the database so far and the time. */
  refuse(waitedOnDatabaseMs: number, now: number): Error;
}

/**
 * What one unit of work (a request) does at the database: the SQL statements it sends, the time
 * it spends waiting on the database (for a pool connection or for statements to return), and
 * the deadline after which it may start no more of them.
 */
export class SqlStatementCounter {
  count = 0;
  /** Set for reads once they execute; mutations have none. */
  deadline: Deadline | undefined;
  #waiting = 0;
  #waitingSince = 0;
  #waitedMs = 0;

  /** Time during which at least one wait on the database was under way (overlapping waits count once). */
  get waitedOnDatabaseMs(): number {
    return this.#waitedMs + (this.#waiting > 0 ? performance.now() - this.#waitingSince : 0);
  }

  /** The error to refuse new database work with, when the deadline has passed. */
  deadlineError(): Error | undefined {
    const now = performance.now();
    return this.deadline && now > this.deadline.at ? this.deadline.refuse(this.waitedOnDatabaseMs, now) : undefined;
  }

  /** Marks the start of a wait on the database; the returned function marks its end (once). */
  startWaiting(): () => void {
    if (this.#waiting++ === 0) this.#waitingSince = performance.now();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (--this.#waiting === 0) this.#waitedMs += performance.now() - this.#waitingSince;
    };
  }
}

const currentCounter = new AsyncLocalStorage<SqlStatementCounter>();

/** Runs `work` with every statement it sends counted in `counter`. */
export function countSqlStatements<T>(counter: SqlStatementCounter, work: () => T): T {
  return currentCounter.run(counter, work);
}

/** The per-request state of the calling async context, if any. */
export function currentSqlStatementCounter(): SqlStatementCounter | undefined {
  return currentCounter.getStore();
}

type Callback = (...args: unknown[]) => void;

/**
 * Calls `query` with the wait it causes recorded on the counter. pg's methods take a callback
 * as their last argument or return a promise; both are followed.
 */
function timed(
  counter: SqlStatementCounter | undefined,
  args: unknown[],
  query: (args: unknown[]) => unknown,
): unknown {
  if (!counter) return query(args);
  const end = counter.startWaiting();
  const last = args.length - 1;
  if (typeof args[last] === "function") {
    const callback = args[last] as Callback;
    return query([...args.slice(0, last), (...results: unknown[]) => (end(), callback(...results))]);
  }
  const result = query(args);
  if (result instanceof Promise) return result.finally(end);
  end();
  return result;
}

/** A refusal in whichever form pg's caller expects: through its callback, or as a rejected promise. */
function refuse(error: Error, args: unknown[]): Promise<never> | undefined {
  const callback = args[args.length - 1];
  if (typeof callback === "function") {
    process.nextTick(() => (callback as Callback)(error));
    return undefined;
  }
  return Promise.reject(error);
}

const ENDS_TRANSACTION = /^(?:COMMIT|ROLLBACK);?$/i;

/**
 * A pg client that counts each statement against the counter of the calling async context.
 * Counting at the driver (not at Prisma calls) means the figure is what PostgreSQL really receives.
 */
export class CountingClient extends pg.Client {
  // pg's query() has many overloads; the counter only observes the call.
  override query(...args: unknown[]): never {
    const counter = currentCounter.getStore();
    if (counter) counter.count += 1;
    const send = (callArgs: unknown[]) => (super.query as (...a: unknown[]) => unknown).apply(this, callArgs);
    const result = timed(counter, args, send);
    // Prisma (6.19, client engine) releases a transaction's connection only after COMMIT or
    // ROLLBACK succeeds; when either fails (the connection was lost in a restart, say) the
    // connection would stay checked out for good and the pool would shrink with every fault.
    // The pool gets it back here, marked broken so that it is closed, not reused.
    if (result instanceof Promise && ENDS_TRANSACTION.test(statementText(args[0]).trim())) {
      return result.catch((error: unknown) => {
        (this as unknown as Partial<pg.PoolClient>).release?.(
          error instanceof Error ? error : new Error(String(error)),
        );
        throw error;
      }) as never;
    }
    return result as never;
  }
}

function statementText(query: unknown): string {
  if (typeof query === "string") return query;
  return typeof query === "object" && query !== null && typeof (query as { text?: unknown }).text === "string"
    ? (query as { text: string }).text
    : "";
}

/**
 * A pool that hands out clients in the async context of the caller. pg-pool queues waiting
 * callers when all connections are busy and calls them back from whichever query released a
 * connection; without this a queued query would be counted against that other request.
 * It also refuses new work of a request past its deadline, and records the time spent waiting
 * for a connection.
 */
export class ContextPreservingPool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(
    callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): void;
  override connect(
    callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): Promise<pg.PoolClient> | void {
    const counter = currentCounter.getStore();
    const args: unknown[] = callback ? [AsyncResource.bind(callback)] : [];
    const late = counter?.deadlineError();
    if (late) return refuse(late, args) as Promise<pg.PoolClient> | void;
    return timed(counter, args, (callArgs) =>
      (super.connect as (...a: unknown[]) => unknown).apply(this, callArgs),
    ) as Promise<pg.PoolClient> | void;
  }

  /**
   * Set on a replica's pool: where a statement goes when this pool's server cannot answer it
   * (see `ReadFallback`). Only statements sent through `query` fall back; a connection taken with
   * `connect` (a transaction, a replica's probe) is bound to this pool's server.
   */
  readFallback: ReadFallback | undefined;

  // Statements outside transactions pass here: the read path's and Prisma's alike. Refused past
  // the deadline before a connection is taken.
  override query(...args: unknown[]): never {
    const late = currentCounter.getStore()?.deadlineError();
    if (late) return refuse(late, args) as never;
    const result = (super.query as (...a: unknown[]) => unknown).apply(this, args);
    const fallback = this.readFallback;
    if (!fallback || !(result instanceof Promise)) return result as never;
    return result.catch((error: unknown) => {
      if (!fallback.mayRetry(error)) throw error;
      // The replica answers no more: this statement and the next reads go to the primary.
      fallback.unavailable(error);
      return (fallback.pool.query as (...a: unknown[]) => unknown).apply(fallback.pool, args);
    }) as never;
  }
}

/**
 * Where a replica's statements go when the replica cannot answer: the primary's pool, which
 * failures qualify, and whom to tell (src/db/read-replicas.ts marks the replica down).
 */
export interface ReadFallback {
  pool: pg.Pool;
  mayRetry(error: unknown): boolean;
  unavailable(error: unknown): void;
}
