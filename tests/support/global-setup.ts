import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../src/db/free-port";
import { applyMigrations } from "../../src/db/migrate";
import { createPrismaClient } from "../../src/db/prisma";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../src/db/embedded-postgres";
import { StartupProblem } from "../../src/db/startup-problem";
import { seedReferenceData } from "../../src/seed/seed";
import { CACHE_PREFIX, dropStaleTemplates, ensureTemplate, fixtureFingerprint } from "./fixture-cache";

/** Where the embedded PostgreSQL of the tests keeps its data between runs. */
const CACHED_CLUSTER = path.join(__dirname, "..", "..", "node_modules", ".cache", "kunskapsgraf-test", "pg");

/**
 * Prepares the migrated, seeded template database on the server given by DATABASE_URL or else
 * on an embedded PostgreSQL kept in node_modules/.cache between runs. Each test file copies it
 * (CREATE DATABASE … TEMPLATE …), which takes a fraction of a second. Templates are named by a
 * fingerprint of what they are made from (migrations, seed, generator), kept between runs and
 * rebuilt when that changes; those holding a generated data set are made on first use (see
 * test-database.ts).
 */
export default async function globalSetup(): Promise<void> {
  const runId = `${process.pid}_${Date.now().toString(36)}`;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const { server, dir } = await startTestCluster();
    adminUrl = server.url("postgres");
    Object.assign(globalThis, { __KG_EMBEDDED__: { server, dir } });
  }
  const fingerprint = fixtureFingerprint();
  const template = `${CACHE_PREFIX}${fingerprint}`;
  await dropStaleTemplates(adminUrl, fingerprint);
  await ensureTemplate(adminUrl, template, undefined, async (url) => {
    await applyMigrations(url);
    const prisma = createPrismaClient({ url, poolSize: 2 });
    await seedReferenceData(prisma).finally(() => prisma.$disconnect());
  });

  process.env.KG_TEST_ADMIN_URL = adminUrl;
  process.env.KG_TEST_TEMPLATE = template;
  process.env.KG_TEST_RUN_ID = runId;
}

/** The cached cluster, or a new one in a temporary directory (removed after the run) while another run holds it. */
async function startTestCluster(): Promise<{ server: EmbeddedPostgres; dir: string | undefined }> {
  try {
    return { server: await startEmbeddedPostgres({ dataDir: CACHED_CLUSTER, port: await freePort() }), dir: undefined };
  } catch (error) {
    if (!(error instanceof StartupProblem)) throw error;
    const dir = await mkdtemp(path.join(os.tmpdir(), "kunskapsgraf-test-"));
    return { server: await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), port: await freePort() }), dir };
  }
}
