import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { urlForDatabase } from "../../src/db/postgres-admin";

const ROOT = path.join(__dirname, "..", "..");

/** What the seeded and generated template databases are made from: any change makes new ones. */
const INPUTS = [
  "prisma/migrations",
  "prisma/schema.prisma",
  "prisma/seed",
  "src/seed",
  "src/dataset",
  "package-lock.json",
];

function filesUnder(relative: string): string[] {
  const full = path.join(ROOT, relative);
  if (!statSync(full).isDirectory()) return [relative];
  return readdirSync(full)
    .sort()
    .flatMap((name) => filesUnder(path.join(relative, name)));
}

/** A short hash of every input file's path and content. */
export function fixtureFingerprint(): string {
  const hash = createHash("sha256");
  for (const file of INPUTS.flatMap(filesUnder))
    hash
      .update(file)
      .update("\0")
      .update(readFileSync(path.join(ROOT, file)))
      .update("\0");
  return hash.digest("hex").slice(0, 12);
}

/** Prefix of the cached template databases; they outlive a run and are reused while the fingerprint holds. */
export const CACHE_PREFIX = "kg_cache_";

/**
 * Runs `build` unless `database` exists, with a lock so that parallel test files and parallel
 * runs build it once. It is built under a temporary name and renamed when complete, so a
 * half-built template is never used. Returns whether it was built now.
 */
export async function ensureTemplate(
  adminUrl: string,
  database: string,
  from: string | undefined,
  build: (url: string) => Promise<void>,
): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock(hashtext($1))", [database]);
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (rowCount) return false;
    const building = `${database}_building`;
    await client.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${building}"${from ? ` TEMPLATE "${from}"` : ""}`);
    await build(urlForDatabase(adminUrl, building));
    await client.query(`ALTER DATABASE "${building}" RENAME TO "${database}"`);
    return true;
  } finally {
    await client.end();
  }
}

/** Drops cached templates made from other inputs than the current ones. */
export async function dropStaleTemplates(adminUrl: string, fingerprint: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE $1 AND datname NOT LIKE $2",
      [`${CACHE_PREFIX}%`, `${CACHE_PREFIX}${fingerprint}%`],
    );
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
