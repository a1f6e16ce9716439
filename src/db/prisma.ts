import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { PrismaClient, type Prisma } from "../generated/prisma/client";
import { ContextPreservingPool, CountingClient } from "./sql-statement-counter";

export type Database = PrismaClient;

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
}

const pools = new WeakMap<Database, pg.Pool>();

export function createPrismaClient({ url, poolSize = 10 }: DatabaseOptions): Database {
  const pool = new ContextPreservingPool({ connectionString: url, max: poolSize, Client: CountingClient });
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  // adapter-pg 7.x with client 6.19: the factory interfaces differ only in version brands.
  const prisma = new PrismaClient({ adapter: adapter as unknown as NonNullable<Prisma.PrismaClientOptions["adapter"]> });
  pools.set(prisma, pool);
  return prisma;
}

/** The connection pool under a client, for pool metrics. */
export function poolOf(prisma: Database): pg.Pool | undefined {
  return pools.get(prisma);
}
