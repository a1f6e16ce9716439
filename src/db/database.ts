import type { Config } from "../config";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { adminQuery, urlForDatabase } from "./postgres-admin";
import { connectionProblem } from "./startup-problem";

export interface DatabaseServer {
  url: string;
  embedded: boolean;
  /** The database did not exist and was created now. */
  created: boolean;
  stop(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * The configured PostgreSQL: the external one from DATABASE_URL, or an embedded one started here.
 * `log` receives the embedded server's own messages. An external one is connected to once first, so that a wrong address, user or password is told
 * in one line (StartupProblem) rather than by the tools that run next; a database that does not
 * exist yet is created when the user may.
 */
export async function openDatabaseServer(config: Config, log: (message: string) => void): Promise<DatabaseServer> {
  if (config.databaseUrl) {
    const created = await connectOrCreate(config.databaseUrl);
    return { url: config.databaseUrl, embedded: false, created, stop: async () => {} };
  }
  const { dataDir, port, databaseName } = config.embeddedDatabase;
  const server = await startEmbeddedPostgres({ dataDir, port, log, databaseName });
  const created = await server.createDatabaseIfMissing(databaseName);
  return { url: server.url(databaseName), embedded: true, created, stop: () => server.stop() };
}

async function connectOrCreate(url: string): Promise<boolean> {
  try {
    await adminQuery(url, "SELECT 1", CONNECT_TIMEOUT_MS);
    return false;
  } catch (error) {
    if ((error as { code?: string }).code !== "3D000") throw connectionProblem(error, url) ?? error;
    const name = decodeURIComponent(new URL(url).pathname.slice(1));
    try {
      await adminQuery(
        urlForDatabase(url, "postgres"),
        `CREATE DATABASE "${name.replaceAll('"', '""')}"`,
        CONNECT_TIMEOUT_MS,
      );
    } catch {
      throw connectionProblem(error, url) ?? error;
    }
    return true;
  }
}
