import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);
/** The directory holding package.json and prisma/, found from wherever this file was compiled to. */
export const PROJECT_ROOT = projectRoot(__dirname);

function projectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, "..", "..");
  }
}

/** Runs the Prisma CLI (WASM engine, no native binaries) against `databaseUrl`. */
export async function runPrismaCli(args: string[], databaseUrl: string): Promise<string> {
  const cli = require.resolve("prisma/build/index.js");
  try {
    const { stdout } = await run(process.execPath, [cli, ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
      maxBuffer: 32 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`prisma ${args.join(" ")} failed:\n${stderr || stdout}`);
  }
}

export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, "prisma", "migrations");

/** The migrations of this build, by folder name in the order they apply. */
export function migrationNames(): string[] {
  if (!existsSync(MIGRATIONS_DIR)) return [];
  return readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/**
 * Applies pending migrations from prisma/migrations (`prisma migrate deploy`). The Prisma CLI
 * takes seconds to start even when there is nothing to do, so it runs only when the database
 * lacks a migration of this build or holds one whose SQL differs (Prisma's checksum), or when the
 * migration table cannot be read; it then decides and reports exactly as always. Says whether it
 * ran the CLI.
 */
export async function applyMigrations(databaseUrl: string): Promise<boolean> {
  if (await migrationsApplied(databaseUrl)) return false;
  await runPrismaCli(["migrate", "deploy"], databaseUrl);
  return true;
}

/** Whether every migration of this build is applied, unchanged, and none has failed. */
export async function migrationsApplied(databaseUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ name: string; checksum: string; finished: boolean; rolledBack: boolean }>(
      `SELECT migration_name AS name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS "rolledBack" FROM _prisma_migrations`,
    );
    if (rows.some((row) => !row.finished && !row.rolledBack)) return false;
    const applied = new Map(
      rows.filter((row) => row.finished && !row.rolledBack).map((row) => [row.name, row.checksum]),
    );
    return migrationNames().every(
      (name) =>
        applied.get(name) ===
        createHash("sha256")
          .update(readFileSync(path.join(MIGRATIONS_DIR, name, "migration.sql")))
          .digest("hex"),
    );
  } catch {
    // No migration table yet, or the database cannot be read: Prisma's CLI says what is wrong.
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
