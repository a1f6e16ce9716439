/**
 * Loads an export into the configured database after applying the migrations:
 * npm run import -- <file> [--replace]. Refuses a database that holds data unless --replace.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { loadConfig } from "../config";
import { openDatabaseServer } from "../db/database";
import { applyMigrations } from "../db/migrate";
import { importDatabase } from "../app/transfer";

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { replace: { type: "boolean", default: false } },
  });
  const file = positionals[0];
  if (!file) throw new Error("Usage: npm run import -- <file> [--replace]");
  const text = await readFile(file, "utf8");
  const database = await openDatabaseServer(loadConfig(), () => {});
  try {
    await applyMigrations(database.url);
    const counts = await importDatabase(database.url, text, { replace: values.replace });
    for (const [table, rows] of Object.entries(counts)) console.error(`${table.padEnd(26)} ${rows}`);
  } finally {
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
