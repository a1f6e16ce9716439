import type { Database } from "../db/prisma";
import type { ReplicaStatus } from "../db/read-replicas";
import { migrationNames } from "../db/migrations";
import { execute, queryRows, row, text } from "../db/sql";
import { Prisma } from "../generated/prisma/client";

export interface Readiness {
  ready: boolean;
  checks: {
    database: "ok" | "unreachable";
    migrations: "current" | "pending" | "unknown";
    /** Read replicas, when configured: their state does not make the process unready, reads then go to the primary. */
    replicas?: readonly ReplicaStatus[];
  };
}

const CHECK_TIMEOUT_MS = 2_000;

/**
 * Ready: the database answers, and every migration of this build has been applied. With read
 * replicas, their state is reported beside (`replicas()`).
 */
export function createReadinessCheck(
  prisma: Database,
  replicas?: () => readonly ReplicaStatus[],
): () => Promise<Readiness> {
  const primary = primaryReadiness(prisma);
  return async () => {
    const readiness = await primary();
    return replicas ? { ...readiness, checks: { ...readiness.checks, replicas: replicas() } } : readiness;
  };
}

function primaryReadiness(prisma: Database): () => Promise<Readiness> {
  const expected = migrationNames();
  return async () => {
    try {
      await withTimeout(execute(prisma, Prisma.sql`SELECT 1`));
    } catch {
      return { ready: false, checks: { database: "unreachable", migrations: "unknown" } };
    }
    try {
      const applied = await withTimeout(
        queryRows(
          prisma,
          Prisma.sql`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
          row({ migration_name: text() }),
        ),
      );
      const names = new Set(applied.map((row) => row.migration_name));
      const current = expected.every((name) => names.has(name));
      return { ready: current, checks: { database: "ok", migrations: current ? "current" : "pending" } };
    } catch {
      // No migration table: nothing has been applied.
      return { ready: false, checks: { database: "ok", migrations: "pending" } };
    }
  };
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("readiness check timed out")), CHECK_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
