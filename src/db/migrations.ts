import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT, runPrismaCli } from "./migrate";

export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, "prisma", "migrations");
export const SCHEMA_FILE = path.join(PROJECT_ROOT, "prisma", "schema.prisma");

/** The newest migration's folder name, e.g. `20261123124500_search_index`. */
export function latestMigrationName(): string | undefined {
  const snapshot = latestMigrationSnapshot();
  return snapshot ? path.basename(path.dirname(snapshot)) : undefined;
}

/** The schema snapshot kept beside the newest migration, or undefined when there is none. */
export function latestMigrationSnapshot(): string | undefined {
  if (!existsSync(MIGRATIONS_DIR)) return undefined;
  const folders = readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const latest = folders.at(-1);
  return latest ? path.join(MIGRATIONS_DIR, latest, "schema.prisma") : undefined;
}

/** SQL that turns a database shaped by `from` (or an empty one) into one shaped by `to`. */
export async function schemaDiffScript(from: string | undefined, to: string, databaseUrl: string): Promise<string> {
  const source = from ? ["--from-schema-datamodel", from] : ["--from-empty"];
  return runPrismaCli(["migrate", "diff", ...source, "--to-schema-datamodel", to, "--script"], databaseUrl);
}
