/**
 * Authors a new migration without `prisma migrate dev` (which needs a native engine):
 * the SQL is the diff between the schema snapshot kept beside the last migration and the
 * current prisma/schema.prisma. Usage: npm run db:migration -- <name>
 */
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "../config";
import { openDatabaseServer } from "../db/database";
import { latestMigrationSnapshot, MIGRATIONS_DIR, SCHEMA_FILE, schemaDiffScript } from "../db/migrations";

async function main(): Promise<void> {
  const name = process.argv[2]
    ?.toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");
  if (!name) throw new Error("Usage: npm run db:migration -- <name>");
  const database = await openDatabaseServer(loadConfig(), () => {});
  try {
    const snapshot = latestMigrationSnapshot();
    const sql = await schemaDiffScript(snapshot, SCHEMA_FILE, database.url);
    if (!/^[ \t]*(?:CREATE|ALTER|DROP|COMMENT)/m.test(sql)) {
      console.log("The schema has not changed since the last migration; nothing to write.");
      return;
    }
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, "migration.sql"), sql);
    await copyFile(SCHEMA_FILE, path.join(dir, "schema.prisma"));
    console.log(`Wrote ${path.relative(process.cwd(), dir)}/migration.sql (and the schema snapshot beside it).`);
    console.log(
      "Add constraints Prisma cannot express (CHECK, partial or exclusion indexes, named kg_*) to it by hand.",
    );
  } finally {
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
