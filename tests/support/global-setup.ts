import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../src/db/free-port";
import { applyMigrations } from "../../src/db/migrate";
import { createPrismaClient } from "../../src/db/prisma";
import { startEmbeddedPostgres } from "../../src/db/embedded-postgres";
import { seedReferenceData } from "../../src/seed/seed";
import { adminQuery, urlForDatabase } from "../../src/db/postgres-admin";

/**
 * Prepares one migrated, seeded template database per test run, on the server given by
 * DATABASE_URL or else on an embedded PostgreSQL started for the run. Each test file then
 * copies it (CREATE DATABASE … TEMPLATE …), which takes a fraction of a second. Templates
 * holding a generated data set are made on first use (see test-database.ts).
 */
export default async function globalSetup(): Promise<void> {
  const runId = `${process.pid}_${Date.now().toString(36)}`;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dir = await mkdtemp(path.join(os.tmpdir(), "kunskapsgraf-test-"));
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), port: await freePort() });
    adminUrl = embedded.url("postgres");
    Object.assign(globalThis, { __KG_EMBEDDED__: { server: embedded, dir } });
  }
  const template = `kg_test_${runId}_template`;
  await adminQuery(adminUrl, `CREATE DATABASE "${template}"`);
  const templateUrl = urlForDatabase(adminUrl, template);
  await applyMigrations(templateUrl);
  const prisma = createPrismaClient({ url: templateUrl, poolSize: 2 });
  await seedReferenceData(prisma);
  await prisma.$disconnect();
  // The generated data sets (1× and 10×) are built by the first test file that asks for one.

  process.env.KG_TEST_ADMIN_URL = adminUrl;
  process.env.KG_TEST_TEMPLATE = template;
  process.env.KG_TEST_RUN_ID = runId;
}
