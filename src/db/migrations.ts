import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT, runPrismaCli } from "./migrate";

export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, "prisma", "migrations");
export const SCHEMA_FILE = path.join(PROJECT_ROOT, "prisma", "schema.prisma");

/** The migrations of this build, by folder name in the order they apply. */
export function migrationNames(): string[] {
  if (!existsSync(MIGRATIONS_DIR)) return [];
  return readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** The newest migration's folder name, e.g. `20261123124500_search_index`. */
export function latestMigrationName(): string | undefined {
  return migrationNames().at(-1);
}

/** The schema snapshot kept beside the newest migration, or undefined when there is none. */
export function latestMigrationSnapshot(): string | undefined {
  const latest = latestMigrationName();
  return latest ? path.join(MIGRATIONS_DIR, latest, "schema.prisma") : undefined;
}

/** SQL that turns a database shaped by `from` (or an empty one) into one shaped by `to`. */
export async function schemaDiffScript(from: string | undefined, to: string, databaseUrl: string): Promise<string> {
  const source = from ? ["--from-schema-datamodel", from] : ["--from-empty"];
  return runPrismaCli(["migrate", "diff", ...source, "--to-schema-datamodel", to, "--script"], databaseUrl);
}
