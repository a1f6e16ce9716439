import "reflect-metadata";
import "dotenv/config";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ConfigError, loadConfig, type Config } from "./config";
import { openDatabaseServer, type DatabaseServer } from "./db/database";
import { applyMigrations, PROJECT_ROOT } from "./db/migrate";
import { withStartupLock } from "./db/startup-lock";
import { latestMigrationSnapshot, SCHEMA_FILE, schemaDiffScript } from "./db/migrations";
import type { Database } from "./db/prisma";
import { assertPortFree, listenProblem, StartupProblem } from "./db/startup-problem";
import { createLogger, type Logger } from "./observability/logger";
import type { Tracing } from "./observability/tracing";
import type { RunningServer } from "./server";

const running: {
  tracing?: Tracing;
  database?: DatabaseServer;
  prisma?: Database;
  server?: RunningServer;
  stopping: boolean;
} = {
  stopping: false,
};

/** Stops whatever has started, in order, and exits. */
async function stopAndExit(code: number, logError: (error: unknown) => void): Promise<never> {
  try {
    await running.server?.stop();
    await running.prisma?.$disconnect();
    await running.database?.stop();
    // The spans of the last requests, and of the shutdown, are exported before the process ends.
    await running.tracing?.shutdown();
  } catch (error) {
    logError(error);
    code = 1;
  }
  process.exit(code);
}

async function main(): Promise<void> {
  // `npm start -- --demo` is DEMO_DATA=generated.
  const config = loadConfig(process.argv.includes("--demo") ? { ...process.env, DEMO_DATA: "generated" } : process.env);
  // With tracing on, a line written inside a request carries its trace and span ids.
  const logger = createLogger(
    config.environment,
    config.logLevel,
    config.tracing.endpoint === undefined ? undefined : () => running.tracing?.logFields() ?? {},
  );
  // Before the server's modules, so that the instrumented ones (http, pg) are patched before use.
  const tracing = (running.tracing = startTracing(config.tracing, logger));
  const logError = (error: unknown) => logger.error({ err: error }, "Shutdown failed");
  // Ctrl-C is honoured from the first moment: a start step under way (initdb, a migration, the
  // seed) finishes or fails, then whatever has started is stopped in order.
  const onSignal = (signal: string) => {
    if (running.stopping) return;
    running.stopping = true;
    if (running.server) {
      logger.info(`${signal} received, shutting down`);
      void stopAndExit(0, logError);
    } else {
      logger.info(`${signal} received during start: stopping when the current step is done`);
    }
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  const proceed = async () => {
    if (running.stopping) await stopAndExit(130, logError);
  };

  await assertPortFree(config.port, config.host, "PORT");
  // The server's modules (about half a second of loading) load while PostgreSQL starts in its own
  // process: from its first message, or once an external server has answered.
  let postgresSpoke: () => void = () => {};
  const postgresStarting = new Promise<void>((resolve) => (postgresSpoke = resolve));
  const opening = openDatabaseServer(config, () => postgresSpoke());
  await Promise.race([postgresStarting, opening.catch(() => {})]);
  const { startServer, seedReferenceDataIfChanged, createPrismaClient, loadDemoDataIfEmpty, demoDataMessage, today } =
    loadServerModules();
  running.database = await opening;
  await proceed();
  const database = running.database;
  logger.info(
    database.embedded
      ? `Embedded PostgreSQL running in ${config.embeddedDatabase.dataDir}`
      : "Using the PostgreSQL server from DATABASE_URL",
  );
  if (database.created) logger.info("The database did not exist and was created");
  const prisma = (running.prisma = createPrismaClient({
    url: database.url,
    poolSize: config.databasePoolSize,
    connectTimeoutMs: config.databaseConnectTimeoutMs,
    statementTimeoutMs: config.databaseStatementTimeoutMs,
  }));

  if (config.environment === "development") await assertSchemaMigrated(database.url);
  await proceed();
  if (config.migrateOnStart || config.seedOnStart) {
    // Of several processes started at once on one database, one migrates and seeds; the others
    // wait for it and then find the work done.
    await withStartupLock(
      database.url,
      async () => {
        if (config.migrateOnStart) {
          const applied = await applyMigrations(database.url);
          logger.info(applied ? "Migrations applied" : "Migrations are current");
        }
        await proceed();
        if (config.seedOnStart) {
          const report = await seedReferenceDataIfChanged(prisma);
          const written =
            report === "unchanged"
              ? 0
              : Object.values(report).reduce((sum, counts) => sum + counts.created + counts.updated, 0);
          logger.info(
            written === 0 ? "Reference data is up to date" : `Reference data loaded (${written} rows written)`,
          );
        }
      },
      () => logger.info("Another process is applying migrations or the seed; waiting for it"),
    );
  }
  await proceed();
  if (config.demoData === "generated") {
    if (!database.embedded) throw new StartupProblem("DEMO_DATA=generated is for the embedded database only");
    logger.warn(demoDataMessage(await loadDemoDataIfEmpty(prisma, today())));
  }
  await proceed();
  try {
    running.server = await startServer({ config, prisma, logger, tracing });
  } catch (error) {
    throw listenProblem(error as NodeJS.ErrnoException, config.port, config.host, "PORT");
  }
  logger.info(
    { url: running.server.url, metricsUrl: running.server.metricsUrl },
    `Kunskapsgraf GraphQL API ready at ${running.server.url}`,
  );
}

/**
 * Loaded with require rather than import(): import() of a CommonJS build is an ES module load,
 * which the swc hook of `npm run dev` does not see.
 */
function loadServerModules() {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return {
    ...(require("./server") as typeof import("./server")),
    ...(require("./seed/seed") as typeof import("./seed/seed")),
    ...(require("./db/prisma") as typeof import("./db/prisma")),
    ...(require("./dataset/demo") as typeof import("./dataset/demo")),
    ...(require("./graphql/period") as typeof import("./graphql/period")),
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** The OpenTelemetry SDK, loaded only when an OTLP endpoint is set: off, nothing of it is loaded. */
function startTracing(settings: Config["tracing"], logger: Logger): Tracing | undefined {
  const { endpoint } = settings;
  if (endpoint === undefined) return undefined;
  const { version } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { version?: string };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require("./observability/tracing-sdk") as typeof import("./observability/tracing-sdk");
  return sdk.startTracing({ ...settings, endpoint }, logger, version);
}

/** In development: stop with a clear message when prisma/schema.prisma has changes no migration holds yet. */
async function assertSchemaMigrated(databaseUrl: string): Promise<void> {
  const snapshot = latestMigrationSnapshot();
  // The snapshot is a copy of the schema the migration was made from: unchanged text needs no diff.
  if (snapshot && existsSync(snapshot) && readFileSync(snapshot, "utf8") === readFileSync(SCHEMA_FILE, "utf8")) return;
  const diff = await schemaDiffScript(snapshot, SCHEMA_FILE, databaseUrl);
  if (/^[ \t]*(?:CREATE|ALTER|DROP)/m.test(diff)) {
    throw new SchemaChangedError(
      "prisma/schema.prisma has changes that no migration holds yet. Write one with `npm run db:migration -- <name>`, " +
        "add any kg_* constraints by hand, then start again.",
    );
  }
}

class SchemaChangedError extends Error {}

main().catch(async (error: unknown) => {
  if (running.stopping)
    console.error("Start interrupted; stopped. The next start continues from where this one got to.");
  else if (error instanceof ConfigError || error instanceof SchemaChangedError || error instanceof StartupProblem)
    console.error(error.message);
  else console.error("Kunskapsgraf failed to start:", error instanceof Error ? (error.stack ?? error.message) : error);
  // What had started (the embedded database, say) is stopped, not left behind.
  await stopAndExit(running.stopping ? 130 : 1, () => {});
});
