import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { createApiKey, revokeApiKey } from "../src/access/api-keys";
import { migrationNames } from "../src/db/migrate";
import { createPrismaClient, type Database } from "../src/db/prisma";
import { startChildServer, stopChildServer, type ChildServer } from "./support/child-server";
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from "./support/test-database";
import { gql } from "./support/test-server";

/**
 * Several API processes on one database behave as one service: start-up work done once, API keys
 * revoked everywhere at once, response caches invalidated by writes through any of them, rate
 * limits and persisted queries shared through Redis, and each stopping on its own.
 */

const MAIN = path.join(__dirname, "..", "dist", "main.js");
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const GROUP = `query { group(slug: "psykisk-halsa") { id name version } }`;
const RENAME = `mutation($input: UpdateGroupInput!) { updateGroup(input: $input) { name version } }`;

async function count(url: string, sql: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(sql);
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error("dist/main.js is missing: run `npm run build` first");
});

describe("three processes started at once on an empty database", () => {
  let database: TestDatabase;
  const servers: ChildServer[] = [];
  beforeAll(async () => {
    database = await createEmptyDatabase();
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => stopChildServer(server)));
    await database.drop();
  });

  it("all become ready; one applies the migrations and the seed, the others wait and find them done", async () => {
    const env = { MIGRATE_ON_START: "true", SEED_ON_START: "true" };
    servers.push(
      ...(await Promise.all([
        startChildServer(database.url, { env }),
        startChildServer(database.url, { env }),
        startChildServer(database.url, { env }),
      ])),
    );
    const outputs = servers.map((server) => server.output());
    expect(outputs.filter((output) => output.includes("Migrations applied"))).toHaveLength(1);
    expect(outputs.filter((output) => output.includes("Migrations are current"))).toHaveLength(2);
    expect(outputs.filter((output) => /Reference data loaded \(\d+ rows written\)/.test(output))).toHaveLength(1);
    expect(outputs.filter((output) => output.includes("Reference data is up to date"))).toHaveLength(2);
    expect(outputs.filter((output) => output.includes("waiting for it")).length).toBeGreaterThanOrEqual(1);

    // Each migration recorded once, finished; the seed ran once.
    expect(await count(database.url, "SELECT count(*)::int AS n FROM _prisma_migrations")).toBe(
      migrationNames().length,
    );
    expect(
      await count(
        database.url,
        "SELECT count(DISTINCT migration_name)::int AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL",
      ),
    ).toBe(migrationNames().length);
    expect(await count(database.url, "SELECT count(*)::int AS n FROM seed_state")).toBe(1);
    for (const server of servers) {
      const answer = await gql<{ healthcareRegions: unknown[] }>(server.url, "{ healthcareRegions { slug } }");
      expect(answer.data?.healthcareRegions).toHaveLength(6);
      const ready = await fetch(server.url.replace(/\/graphql$/, "/readyz"));
      expect(ready.status).toBe(200);
    }
  });
});

describe("two processes on one database", () => {
  let database: TestDatabase;
  let prisma: Database;
  let first: ChildServer;
  let second: ChildServer;
  const redisPrefix = `kg-test-replicas-${randomBytes(6).toString("hex")}`;
  beforeAll(async () => {
    database = await createTestDatabase();
    prisma = createPrismaClient({ url: database.url, poolSize: 2 });
    const env = {
      REDIS_URL,
      RATE_LIMIT_REDIS_PREFIX: redisPrefix,
      RATE_LIMIT_ANONYMOUS_REQUESTS: "1000",
      RATE_LIMIT_KEY_REQUESTS: "6",
    };
    [first, second] = await Promise.all([
      startChildServer(database.url, { env }),
      startChildServer(database.url, { env }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([stopChildServer(first), stopChildServer(second)]);
    await prisma.$disconnect();
    await database.drop();
  });

  it("refuses a revoked API key on every process from the next request", async () => {
    const { key } = await createApiKey(prisma, { name: "revoked-everywhere", scopes: ["read"] });
    const auth = { authorization: `Bearer ${key}` };
    for (const server of [first, second]) expect((await gql(server.url, GROUP, {}, auth)).errors).toBeUndefined();
    await revokeApiKey(prisma, "revoked-everywhere");
    for (const server of [first, second]) {
      const refused = await gql(server.url, GROUP, {}, auth);
      expect(refused.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      expect(refused.errors?.[0]?.message).toContain("revoked");
    }
  });

  it("shares the rate limit of a key between the processes through Redis", async () => {
    const { key } = await createApiKey(prisma, { name: "limited-everywhere", scopes: ["read"] });
    const auth = { authorization: `Bearer ${key}` };
    const codes: unknown[] = [];
    for (let i = 0; i < 4; i++)
      for (const server of [first, second])
        codes.push((await gql(server.url, GROUP, {}, auth)).errors?.[0]?.extensions?.code ?? "ok");
    // Six requests in the window, counted together, whichever process answered them.
    expect(codes).toEqual(["ok", "ok", "ok", "ok", "ok", "ok", "RATE_LIMITED", "RATE_LIMITED"]);
  });

  it("invalidates the other process's cached answers when one of them writes", async () => {
    const { key } = await createApiKey(prisma, { name: "writer-everywhere", scopes: ["write"] });
    const before = await gql<{ group: { id: string; name: string; version: number } }>(second.url, GROUP);
    // Asked twice: the second answer comes from the second process's cache.
    expect(await gql(second.url, GROUP)).toEqual(before);
    const renamed = await gql<{ updateGroup: { name: string } }>(
      first.url,
      RENAME,
      {
        input: {
          id: before.data!.group.id,
          expectedVersion: before.data!.group.version,
          name: "Psykisk hälsa (omdöpt)",
        },
      },
      { authorization: `Bearer ${key}` },
    );
    expect(renamed.errors).toBeUndefined();
    // The write's notification reaches the other process within its probe interval.
    let after = await gql<{ group: { name: string } }>(second.url, GROUP);
    for (let i = 0; i < 20 && after.data?.group.name !== "Psykisk hälsa (omdöpt)"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await gql<{ group: { name: string } }>(second.url, GROUP);
    }
    expect(after.data?.group.name).toBe("Psykisk hälsa (omdöpt)");
  });

  it("shares automatic persisted queries: a query registered on one process is known to the other", async () => {
    const query = `query Shared { healthcareRegions { slug } }`;
    const { createHash } = await import("node:crypto");
    const sha256Hash = createHash("sha256").update(query).digest("hex");
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const post = (url: string, body: Record<string, unknown>) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(body),
      }).then(
        (response) => response.json() as Promise<{ data?: unknown; errors?: { extensions?: { code?: string } }[] }>,
      );
    const unknown = await post(second.url, { extensions });
    expect(unknown.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    const registered = await post(first.url, { query, extensions });
    expect(registered.errors).toBeUndefined();
    const byHash = await post(second.url, { extensions });
    expect(byHash.errors).toBeUndefined();
    expect(byHash.data).toEqual(registered.data);
  });

  it("stops one process gracefully while the other keeps answering", async () => {
    expect(await stopChildServer(first)).toBe(0);
    const answer = await gql<{ healthcareRegions: unknown[] }>(second.url, "{ healthcareRegions { slug } }");
    expect(answer.data?.healthcareRegions).toHaveLength(6);
  });
});
