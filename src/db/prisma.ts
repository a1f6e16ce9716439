import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient, type Prisma } from "../generated/prisma/client";
import { ContextPreservingPool, CountingClient } from "./sql-statement-counter";

export type Database = PrismaClient;

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
  /**
   * How long to wait for a pool connection, connecting included; then the wait fails. None when
   * absent (command-line tools), the server passes DATABASE_CONNECT_TIMEOUT_MS.
   */
  connectTimeoutMs?: number;
  /**
   * PostgreSQL's `statement_timeout` on every connection; none when absent (command-line tools
   * that load data in long statements), the server passes DATABASE_STATEMENT_TIMEOUT_MS.
   */
  statementTimeoutMs?: number;
}

/**
 * A statement the server cannot cancel (the server is frozen, or the network silently drops
 * packets) is given up this long after its `statement_timeout`; normally PostgreSQL's own
 * timeout ends it first and the connection stays usable.
 */
export const CLIENT_TIMEOUT_GRACE_MS = 2_000;

const pools = new WeakMap<Database, pg.Pool>();

export function createPrismaClient({
  url,
  poolSize = 10,
  connectTimeoutMs,
  statementTimeoutMs,
}: DatabaseOptions): Database {
  const pool = new ContextPreservingPool({
    connectionString: url,
    max: poolSize,
    Client: CountingClient,
    ...(connectTimeoutMs === undefined ? {} : { connectionTimeoutMillis: connectTimeoutMs }),
    ...(statementTimeoutMs === undefined
      ? {}
      : { statement_timeout: statementTimeoutMs, query_timeout: statementTimeoutMs + CLIENT_TIMEOUT_GRACE_MS }),
    // A connection whose server went away is noticed by the operating system, not only on next use.
    keepAlive: true,
  });
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  // adapter-pg 7.x with client 6.19: the factory interfaces differ only in version brands.
  const prisma = new PrismaClient({
    adapter: adapter as unknown as NonNullable<Prisma.PrismaClientOptions["adapter"]>,
  });
  // Reads go to the pool directly (src/db/read-sql.ts), so Prisma may never open its adapter,
  // which is where the pool would get its idle-client error listener and its end on $disconnect.
  // Without a listener, a server closing an idle connection (a restart) would crash the process;
  // pg-pool has already dropped that client, so there is nothing more to do.
  pool.on("error", () => {});
  const disconnect = prisma.$disconnect.bind(prisma);
  prisma.$disconnect = async () => {
    await disconnect();
    if (!pool.ended) await pool.end();
  };
  pools.set(prisma, pool);
  return prisma;
}

/** The connection pool under a client, for pool metrics. */
export function poolOf(prisma: Database): pg.Pool | undefined {
  return pools.get(prisma);
}

/**
 * A connection of its own, outside the pool, to the database under a client: for session state
 * that must last as long as the process (an advisory lock, LISTEN), not one statement.
 */
export function dedicatedConnection(prisma: Database): pg.Client {
  const options = pools.get(prisma)?.options;
  if (!options?.connectionString)
    throw new Error("This database client has no connection string (use createPrismaClient)");
  return new pg.Client({ connectionString: options.connectionString, keepAlive: true });
}
