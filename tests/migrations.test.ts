import pg from "pg";
import { migrationsApplied, runPrismaCli } from "../src/db/migrate";
import { latestMigrationSnapshot, SCHEMA_FILE, schemaDiffScript } from "../src/db/migrations";
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from "./support/test-database";

// Objects Prisma cannot express are written by hand into migrations and named kg_*.
const STRUCTURE_QUERIES = {
  columns: `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
  indexes: `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE 'kg\\_%' AND tablename <> '_prisma_migrations'`,
  constraints: `SELECT conrelid::regclass::text AS table_name, conname, pg_get_constraintdef(oid) AS definition
                FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conname NOT LIKE 'kg\\_%' AND conrelid::regclass::text <> '_prisma_migrations'`,
  // The labels' order, not their sort keys: a value added BEFORE another gets a fractional key.
  enums: `SELECT t.typname, e.enumlabel, rank() OVER (PARTITION BY t.oid ORDER BY e.enumsortorder)::int AS "position" FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid`,
  extensions: `SELECT extname FROM pg_extension`,
};

async function structureOf(url: string): Promise<Record<string, string[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result: Record<string, string[]> = {};
    for (const [name, sql] of Object.entries(STRUCTURE_QUERIES)) {
      const { rows } = await client.query(sql);
      result[name] = rows.map((row) => JSON.stringify(row)).sort();
    }
    return result;
  } finally {
    await client.end();
  }
}

describe("migrations", () => {
  let migrated: TestDatabase;
  let fromSchema: TestDatabase;
  beforeAll(async () => {
    migrated = await createTestDatabase();
    fromSchema = await createEmptyDatabase();
  });
  afterAll(async () => {
    await migrated.drop();
    await fromSchema.drop();
  });

  it("the newest migration was made from the current prisma/schema.prisma", async () => {
    const snapshot = latestMigrationSnapshot();
    expect(snapshot).toBeDefined();
    const diff = await schemaDiffScript(snapshot, SCHEMA_FILE, migrated.url);
    expect(diff).not.toMatch(/^[ \t]*(?:CREATE|ALTER|DROP)/m);
  });

  it("build the same tables, columns, indexes and keys as the schema itself", async () => {
    const script = await schemaDiffScript(undefined, SCHEMA_FILE, fromSchema.url);
    const client = new pg.Client({ connectionString: fromSchema.url });
    await client.connect();
    await client.query(script);
    await client.end();
    expect(await structureOf(migrated.url)).toEqual(await structureOf(fromSchema.url));
  });

  it("are all applied", async () => {
    const status = await runPrismaCli(["migrate", "status"], migrated.url);
    expect(status).toMatch(/Database schema is up to date/);
  });

  it("contain no semicolon inside a statement (the migration runner splits scripts at each one)", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const path = await import("node:path");
    const dir = path.join(path.dirname(SCHEMA_FILE), "migrations");
    for (const folder of readdirSync(dir).filter((name) => !name.includes("."))) {
      const sql = readFileSync(path.join(dir, folder, "migration.sql"), "utf8");
      expect(sql).not.toMatch(/\$\$/);
      for (const line of sql.split("\n").filter((l) => l.trimStart().startsWith("--"))) expect(line).not.toContain(";");
    }
  });

  it("are recognised as applied without the Prisma CLI only while every one is recorded, finished and unchanged", async () => {
    const copy = await createTestDatabase();
    const client = new pg.Client({ connectionString: copy.url });
    await client.connect();
    try {
      expect(await migrationsApplied(copy.url)).toBe(true);
      // A failed migration (started, neither finished nor rolled back) is for Prisma to report.
      await client.query(
        `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count) VALUES ('failed', '', '29990101000000_failed', now(), 0)`,
      );
      expect(await migrationsApplied(copy.url)).toBe(false);
      await client.query(`DELETE FROM _prisma_migrations WHERE id = 'failed'`);
      expect(await migrationsApplied(copy.url)).toBe(true);
      const latest = `(SELECT max(migration_name) FROM _prisma_migrations)`;
      const { rows } = await client.query<{ checksum: string }>(
        `SELECT checksum FROM _prisma_migrations WHERE migration_name = ${latest}`,
      );
      await client.query(`UPDATE _prisma_migrations SET checksum = repeat('0', 64) WHERE migration_name = ${latest}`);
      expect(await migrationsApplied(copy.url)).toBe(false);
      await client.query(`UPDATE _prisma_migrations SET checksum = $1 WHERE migration_name = ${latest}`, [
        rows[0]!.checksum,
      ]);
      expect(await migrationsApplied(copy.url)).toBe(true);
      await client.query(`DELETE FROM _prisma_migrations WHERE migration_name = ${latest}`);
      expect(await migrationsApplied(copy.url)).toBe(false);
    } finally {
      await client.end();
      await copy.drop();
    }
    const empty = await createEmptyDatabase();
    try {
      expect(await migrationsApplied(empty.url)).toBe(false);
    } finally {
      await empty.drop();
    }
  });
});
