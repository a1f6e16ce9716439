import { randomBytes } from "node:crypto";
import { adminQuery, urlForDatabase } from "../../src/db/postgres-admin";

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

/** Scales of the generated data set prepared by the global setup (≈ 20 000 memberships at 1). */
export const DATASET_SCALES = [1, 10] as const;
export type DatasetScale = (typeof DATASET_SCALES)[number];

/**
 * A fresh copy of the migrated, seeded template database, for one test file; with `dataset`,
 * also holding the generated people and memberships at that scale.
 */
export function createTestDatabase(options: { dataset?: DatasetScale } = {}): Promise<TestDatabase> {
  const template = env("KG_TEST_TEMPLATE");
  return createDatabase(`TEMPLATE "${options.dataset ? `${template}_x${options.dataset}` : template}"`);
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
