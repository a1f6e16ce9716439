import pg from "pg";

/**
 * The session advisory lock (`pg_advisory_lock(bigint)`) that start-up holds while it applies
 * migrations and the reference seed, so that of several API processes started at once on one
 * database exactly one does that work; the others wait, then find nothing left to do. No other
 * lock uses this key ("KGST").
 */
export const STARTUP_LOCK = 0x4b47_5354;

/**
 * Runs `work` holding the start-up lock on a connection of its own. A process that dies while
 * holding it loses its session, and with it the lock, so the next one carries on. `onWait` is
 * called once when another process holds the lock.
 */
export async function withStartupLock<T>(databaseUrl: string, work: () => Promise<T>, onWait?: () => void): Promise<T> {
  const client = new pg.Client({
    connectionString: databaseUrl,
    application_name: "kunskapsgraf-startup",
    keepAlive: true,
  });
  // A server closing the connection must not crash the process; the work's own connections report it.
  client.on("error", () => {});
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS locked", [
      STARTUP_LOCK,
    ]);
    if (!rows[0]?.locked) {
      onWait?.();
      await client.query("SELECT pg_advisory_lock($1::bigint)", [STARTUP_LOCK]);
    }
    try {
      return await work();
    } finally {
      await client.query("SELECT pg_advisory_unlock($1::bigint)", [STARTUP_LOCK]).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
}
