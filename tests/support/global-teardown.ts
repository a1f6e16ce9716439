import { rm } from "node:fs/promises";
import pg from "pg";

export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env.KG_TEST_ADMIN_URL;
  const runId = process.env.KG_TEST_RUN_ID;
  if (adminUrl && runId) {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [
      `kg_test_${runId}_%`,
    ]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await client.end();
  }
  // The cached cluster (dir undefined) keeps its data for the next run; a temporary one goes.
  const embedded = (globalThis as { __KG_EMBEDDED__?: { server: { stop(): Promise<void> }; dir: string | undefined } })
    .__KG_EMBEDDED__;
  if (embedded) {
    await embedded.server.stop();
    if (embedded.dir) await rm(embedded.dir, { recursive: true, force: true });
  }
}
