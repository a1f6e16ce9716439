import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { adminQuery } from "../src/db/postgres-admin";
import { EXPORT_FORMAT_VERSION, NOT_TRANSFERRED } from "../src/transfer/transfer";
import { exportDatabase, importDatabase, TABLES } from "../src/app/transfer";
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from "./support/test-database";

const databases: TestDatabase[] = [];
async function track(database: Promise<TestDatabase>): Promise<TestDatabase> {
  databases.push(await database);
  return databases.at(-1)!;
}
afterAll(() => Promise.all(databases.map((database) => database.drop())));

/** A migrated database without rows (a copy of the template, emptied: faster than migrating anew). */
async function emptyMigrated(): Promise<TestDatabase> {
  const database = await track(createTestDatabase());
  await adminQuery(database.url, `TRUNCATE ${TABLES.map(({ name }) => `"${name}"`).join(", ")}`);
  return database;
}

describe("export and import", () => {
  let source: TestDatabase;
  let exported: string;
  beforeAll(async () => {
    source = await track(createTestDatabase({ dataset: 1 }));
    // An API key and audit events, so that they round-trip too.
    await adminQuery(
      source.url,
      `INSERT INTO api_key (name, prefix, secret_hash, scopes) VALUES ('backup-test', 'abcd1234', repeat('0', 64), '{write}')`,
    );
    await adminQuery(
      source.url,
      `INSERT INTO audit_event (actor, entity, entity_id, action, version, changes) SELECT 'backup-test', 'PERSON', id, 'UPDATED', 2, '{"title": [null, "x"]}' FROM person ORDER BY id LIMIT 3`,
    );
    exported = await exportDatabase(source.url);
  });

  it("covers every table of the schema", async () => {
    const document = JSON.parse(exported) as { formatVersion: number; tables: Record<string, unknown[]> };
    expect(document.formatVersion).toBe(EXPORT_FORMAT_VERSION);
    const pg = await import("pg");
    const client = new pg.default.Client({ connectionString: source.url });
    await client.connect();
    const { rows } = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> ALL($1)",
      [Object.keys(NOT_TRANSFERRED)],
    );
    await client.end();
    expect(TABLES.map((table) => table.name).sort()).toEqual(rows.map((row) => row.table_name).sort());
    expect(document.tables.membership!.length).toBeGreaterThan(18_000);
  });

  it("round-trips: export, import into an empty database, export again gives the same bytes", async () => {
    const target = await emptyMigrated();
    const counts = await importDatabase(target.url, exported);
    expect(counts.membership).toBeGreaterThan(18_000);
    expect(await exportDatabase(target.url)).toBe(exported);
  });

  it("leaves the audit trail out when asked, and the change feed continues after an import", async () => {
    const withoutAudit = await exportDatabase(source.url, { audit: false });
    expect(Object.keys((JSON.parse(withoutAudit) as { tables: object }).tables)).not.toContain("audit_event");
    const target = await emptyMigrated();
    expect((await importDatabase(target.url, withoutAudit)).audit_event).toBe(0);
    const restored = await emptyMigrated();
    await importDatabase(restored.url, exported);
    await adminQuery(
      restored.url,
      `INSERT INTO audit_event (actor, entity, entity_id, action, version, changes) SELECT 'after-import', 'PERSON', id, 'UPDATED', 3, '{}' FROM person LIMIT 1`,
    );
    const pg = await import("pg");
    const client = new pg.default.Client({ connectionString: restored.url });
    await client.connect();
    const { rows } = await client.query<{ actor: string }>("SELECT actor FROM audit_event ORDER BY id DESC LIMIT 1");
    await client.end();
    expect(rows[0]?.actor).toBe("after-import");
  });

  it("refuses a database that holds data, unless asked to replace it, and then replaces it exactly", async () => {
    const target = await track(createTestDatabase());
    await expect(importDatabase(target.url, exported)).rejects.toThrow(/already holds data/);
    await importDatabase(target.url, exported, { replace: true });
    expect(await exportDatabase(target.url)).toBe(exported);
  });

  it("writes nothing when a row is rejected half way", async () => {
    const target = await emptyMigrated();
    const document = JSON.parse(exported) as { tables: Record<string, Record<string, unknown>[]> };
    document.tables.membership!.at(-1)!.valid_to = "1900-01-01";
    await expect(importDatabase(target.url, JSON.stringify(document))).rejects.toThrow(/kg_membership_period/);
    const { rows } = await import("pg").then(async ({ default: pg }) => {
      const client = new pg.Client({ connectionString: target.url });
      await client.connect();
      const result = await client.query<{ count: string }>("SELECT count(*) FROM region");
      await client.end();
      return result;
    });
    expect(rows[0]!.count).toBe("0");
  });

  it("refuses files that are not exports of this version", async () => {
    const target = await emptyMigrated();
    await expect(importDatabase(target.url, "not json")).rejects.toThrow(/not JSON/);
    await expect(importDatabase(target.url, JSON.stringify({ format: "other" }))).rejects.toThrow(
      /not a kunskapsgraf-export file/,
    );
    const future = exported.replace(`"formatVersion":${EXPORT_FORMAT_VERSION}`, `"formatVersion":99`);
    await expect(importDatabase(target.url, future)).rejects.toThrow(/format version 99/);
    const older = exported.replace(/"migration":"[^"]+"/, `"migration":"20200101000000_init"`);
    await expect(importDatabase(target.url, older)).rejects.toThrow(/schema 20200101000000_init/);
  });

  it("refuses a database whose migrations are not applied", async () => {
    const unmigrated = await track(createEmptyDatabase());
    await adminQuery(
      unmigrated.url,
      `CREATE TABLE _prisma_migrations (migration_name text, finished_at timestamptz, rolled_back_at timestamptz)`,
    );
    await expect(exportDatabase(unmigrated.url)).rejects.toThrow(/no migrations applied/);
  });

  it("npm run export writes a file only its owner can read, also over an existing readable file", async () => {
    const cli = path.join(__dirname, "..", "dist", "cli", "export.js");
    if (!existsSync(cli)) throw new Error("dist/cli/export.js is missing: `npm test` builds it first (pretest)");
    const dir = await mkdtemp(path.join(os.tmpdir(), "kg-export-"));
    try {
      const fresh = path.join(dir, "fresh.json");
      const existing = path.join(dir, "existing.json");
      await writeFile(existing, "old", { mode: 0o644 });
      const env = { ...process.env, DATABASE_URL: source.url, NODE_ENV: "test" };
      for (const file of [fresh, existing]) {
        await promisify(execFile)(process.execPath, [cli, file, "--no-audit"], { env });
        expect((await stat(file)).mode & 0o777).toBe(0o600);
        expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({ formatVersion: EXPORT_FORMAT_VERSION });
      }
      // No temporary file is left beside the export.
      expect((await readdir(dir)).sort()).toEqual(["existing.json", "fresh.json"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
