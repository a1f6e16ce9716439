import type { Config } from "../config";
import { startEmbeddedPostgres } from "./embedded-postgres";

export interface DatabaseServer {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** The configured PostgreSQL: the external one from DATABASE_URL, or an embedded one started here. */
export async function openDatabaseServer(config: Config, log: (message: string) => void): Promise<DatabaseServer> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: false, stop: async () => {} };
  const { dataDir, port, databaseName } = config.embeddedDatabase;
  const server = await startEmbeddedPostgres({ dataDir, port, log });
  await server.createDatabaseIfMissing(databaseName);
  return { url: server.url(databaseName), embedded: true, stop: () => server.stop() };
}
