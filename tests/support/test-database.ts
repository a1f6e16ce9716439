import { randomBytes } from "node:crypto";
import { adminQuery, urlForDatabase } from "./postgres-admin";

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through jest so the global setup prepares the database`);
  return value;
}

/** A fresh copy of the migrated, seeded template database, for one test file. */
export function createTestDatabase(): Promise<TestDatabase> {
  return createDatabase(`TEMPLATE "${env("KG_TEST_TEMPLATE")}"`);
}

/** An empty database (no migrations), for tests that build a schema themselves. */
export function createEmptyDatabase(): Promise<TestDatabase> {
  return createDatabase("");
}

async function createDatabase(options: string): Promise<TestDatabase> {
  const adminUrl = env("KG_TEST_ADMIN_URL");
  const name = `kg_test_${env("KG_TEST_RUN_ID")}_${randomBytes(4).toString("hex")}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}" ${options}`);
  return {
    url: urlForDatabase(adminUrl, name),
    name,
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
