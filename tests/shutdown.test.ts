import pg from "pg";
import pino from "pino";
import { createPrismaClient, type Database } from "../src/db/prisma";
import { startServer, type RunningServer } from "../src/server";
import { gql } from "./support/test-server";
import { createTestDatabase, type TestDatabase } from "./support/test-database";

/** Holds an exclusive lock on `region`, so any query reading it waits until `release`. */
async function lockRegions(url: string): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("BEGIN");
  await client.query("LOCK TABLE region IN ACCESS EXCLUSIVE MODE");
  return {
    async release() {
      await client.query("COMMIT");
      await client.end();
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("graceful shutdown", () => {
  let database: TestDatabase;
  let prisma: Database;
  beforeEach(async () => {
    database = await createTestDatabase();
    prisma = createPrismaClient({ url: database.url, poolSize: 2 });
  });
  afterEach(async () => {
    await prisma.$disconnect();
    await database.drop();
  });

  const start = (shutdownGraceMs: number): Promise<RunningServer> =>
    startServer({
      config: { port: 0, host: "127.0.0.1", introspection: true, exposeSqlStatementCount: false, shutdownGraceMs },
      prisma,
      logger: pino({ level: "silent" }),
    });

  it("lets an in-flight request finish, and refuses new connections meanwhile", async () => {
    const server = await start(10_000);
    const lock = await lockRegions(database.url);
    const inFlight = gql<{ regions: unknown[] }>(server.url, "{ regions { countyCode } }");
    await sleep(300);
    const stopped = server.stop();
    await sleep(300);
    await expect(fetch(server.url.replace(/graphql$/, "healthz"))).rejects.toThrow();
    await lock.release();
    const result = await inFlight;
    expect(result.data!.regions).toHaveLength(21);
    await stopped;
  });

  it("closes what is still running when the grace period ends", async () => {
    const server = await start(500);
    const lock = await lockRegions(database.url);
    const inFlight = gql(server.url, "{ regions { countyCode } }").then(
      () => "answered",
      () => "cut off",
    );
    await sleep(300);
    // stop() returns while the request is still blocked: the grace period bounds it.
    await server.stop();
    expect(await inFlight).toBe("cut off");
    await lock.release();
  });
});
