import path from "node:path";
import { migrationNames, MIGRATIONS_DIR, PROJECT_ROOT, runPrismaCli } from "./migrate";

export { migrationNames, MIGRATIONS_DIR };
export const SCHEMA_FILE = path.join(PROJECT_ROOT, "prisma", "schema.prisma");

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
