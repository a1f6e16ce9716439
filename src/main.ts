import "reflect-metadata";
import "dotenv/config";
import { existsSync, readFileSync } from "node:fs";
import { ConfigError, loadConfig } from "./config";
import { openDatabaseServer } from "./db/database";
import { applyMigrations } from "./db/migrate";
import { latestMigrationSnapshot, SCHEMA_FILE, schemaDiffScript } from "./db/migrations";
import { createPrismaClient } from "./db/prisma";
import { seedReferenceData } from "./seed/seed";
import { createLogger } from "./observability/logger";
import { startServer, type RunningServer } from "./server";

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.environment, config.logLevel);
  const database = await openDatabaseServer(config, () => {});
  logger.info(database.embedded ? `Embedded PostgreSQL running in ${config.embeddedDatabase.dataDir}` : "Using the PostgreSQL server from DATABASE_URL");
  const prisma = createPrismaClient({
    url: database.url,
    poolSize: config.databasePoolSize,
    connectTimeoutMs: config.databaseConnectTimeoutMs,
    statementTimeoutMs: config.databaseStatementTimeoutMs,
  });
  let stopping = false;
  const running: { server?: RunningServer } = {};
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received, shutting down`);
    try {
      await running.server?.stop();
      await prisma.$disconnect();
      await database.stop();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, "Shutdown failed");
      process.exit(1);
    }
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  if (config.environment === "development") await assertSchemaMigrated(database.url);
  if (config.migrateOnStart) await applyMigrations(database.url);
  if (config.seedOnStart) {
    const report = await seedReferenceData(prisma);
    const written = Object.values(report).reduce((sum, counts) => sum + counts.created + counts.updated, 0);
    logger.info(written === 0 ? "Reference data is up to date" : `Reference data loaded (${written} rows written)`);
  }
  running.server = await startServer({ config, prisma, logger });
  logger.info({ url: running.server.url }, `Kunskapsgraf GraphQL API ready at ${running.server.url}`);
}

/** In development: stop with a clear message when prisma/schema.prisma has changes no migration holds yet. */
async function assertSchemaMigrated(databaseUrl: string): Promise<void> {
  const snapshot = latestMigrationSnapshot();
  // The snapshot is a copy of the schema the migration was made from: unchanged text needs no diff.
  if (snapshot && existsSync(snapshot) && readFileSync(snapshot, "utf8") === readFileSync(SCHEMA_FILE, "utf8")) return;
  const diff = await schemaDiffScript(snapshot, SCHEMA_FILE, databaseUrl);
  if (/^\s*(CREATE|ALTER|DROP)/m.test(diff)) {
    throw new SchemaChangedError(
      "prisma/schema.prisma has changes that no migration holds yet. Write one with `npm run db:migration -- <name>`, " +
        "add any kg_* constraints by hand, then start again.",
    );
  }
}

class SchemaChangedError extends Error {}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof SchemaChangedError) console.error(error.message);
  else console.error("Kunskapsgraf failed to start:", error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
