/**
 * `npm run dev`: the API from its TypeScript sources, restarted by `node --watch` on every change,
 * with `tsc --watch` beside it reporting type errors. The embedded PostgreSQL (when DATABASE_URL
 * is not set) is started here once and kept across restarts, and migrations and the reference seed
 * are applied here once, so a restart only loads the code: about a second. Restart `npm run dev`
 * after changing a migration or the seed files.
 */
import "dotenv/config";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { ConfigError, loadConfig } from "../config";
import { openDatabaseServer } from "../db/database";
import { applyMigrations, PROJECT_ROOT } from "../db/migrate";
import { createPrismaClient } from "../db/prisma";
import { seedReferenceDataIfChanged } from "../seed/seed";
import { demoDataMessage, loadDemoDataIfEmpty } from "../dataset/demo";
import { today } from "../graphql/period";

async function main(): Promise<void> {
  const config = loadConfig(process.argv.includes("--demo") ? { ...process.env, DEMO_DATA: "generated" } : process.env);
  const database = await openDatabaseServer(config, () => {});
  if (database.embedded)
    console.error(`Embedded PostgreSQL running in ${config.embeddedDatabase.dataDir} (kept across restarts)`);
  if (config.migrateOnStart) await applyMigrations(database.url);
  if (config.seedOnStart || config.demoData === "generated") {
    const prisma = createPrismaClient({ url: database.url, poolSize: 2 });
    try {
      if (config.seedOnStart) await seedReferenceDataIfChanged(prisma);
      // Here once, like the seed: the restarted server is given the database's URL, not the embedded settings.
      if (config.demoData === "generated") console.error(demoDataMessage(await loadDemoDataIfEmpty(prisma, today())));
    } finally {
      await prisma.$disconnect();
    }
  }
  const children: ChildProcess[] = [
    spawn(
      process.execPath,
      [
        path.join(PROJECT_ROOT, "node_modules", "typescript", "bin", "tsc"),
        "-p",
        "tsconfig.json",
        "--noEmit",
        "--watch",
        "--preserveWatchOutput",
      ],
      {
        cwd: PROJECT_ROOT,
        stdio: "inherit",
      },
    ),
    spawn(
      process.execPath,
      ["--watch-path=src", "--watch-preserve-output", "-r", "./scripts/swc-register.cjs", "src/main.ts"],
      {
        cwd: PROJECT_ROOT,
        stdio: "inherit",
        env: {
          ...process.env,
          DATABASE_URL: database.url,
          MIGRATE_ON_START: "false",
          SEED_ON_START: "false",
          DEMO_DATA: "none",
        },
      },
    ),
  ];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(
      children.map(
        (child) =>
          new Promise((resolve) =>
            child.exitCode !== null || child.signalCode !== null
              ? resolve(null)
              : (child.once("exit", resolve), child.kill("SIGTERM")),
          ),
      ),
    );
    await database.stop();
    process.exit(code);
  };
  for (const child of children) child.once("exit", (code) => void stop(code ?? 1));
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
}

main().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError || !(error instanceof Error)
      ? String(error instanceof Error ? error.message : error)
      : error.message,
  );
  process.exit(1);
});
