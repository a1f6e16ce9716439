import pg from "pg";
import pino from "pino";
import type { Config } from "../src/config";
import { createPrismaClient, type Database, type DatabaseOptions } from "../src/db/prisma";
import { createApiKey } from "../src/access/api-keys";
import { startServer } from "../src/server";
import { createTestDatabase, type TestDatabase } from "./support/test-database";
import { TEST_SERVER_CONFIG } from "./support/test-server";

interface Server {
  url: string;
  prisma: Database;
  database: TestDatabase;
  stop(): Promise<void>;
}

/** The real server over a fresh copy of the seeded database, with these settings and pool options. */
async function start(config: Partial<Config>, pool: Omit<DatabaseOptions, "url"> = {}): Promise<Server> {
  const database = await createTestDatabase();
  const prisma = createPrismaClient({ url: database.url, poolSize: 4, ...pool });
  const server = await startServer({
    config: { ...TEST_SERVER_CONFIG, ...config },
    prisma,
    logger: pino({ level: "silent" }),
  });
  return {
    url: server.url,
    prisma,
    database,
    async stop() {
      await server.stop();
      await prisma.$disconnect();
      await database.drop();
    },
  };
}

interface Answer {
  status: number;
  retryAfter: string | null;
  requestId: string | null;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[];
    extensions?: { sqlStatements?: number };
  };
}

async function post(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    requestId: response.headers.get("x-request-id"),
    body: (await response.json()) as Answer["body"],
  };
}

/** Holds an exclusive lock on `table`, so any statement reading it waits until `release`. */
async function lockTable(url: string, table: string): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("BEGIN");
  await client.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  return {
    async release() {
      await client.query("COMMIT");
      await client.end();
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The answer, or "hung" when none came within `ms` (a generous bound: the database bounds below are far shorter). */
async function within<T>(ms: number, promise: Promise<T>): Promise<T | "hung"> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<"hung">((resolve) => (timer = setTimeout(() => resolve("hung"), ms)));
  try {
    return await Promise.race([promise, hung]);
  } finally {
    clearTimeout(timer);
  }
}

const codes = (answer: Answer) => [...new Set((answer.body.errors ?? []).map((error) => error.extensions?.code))];

function expectServiceUnavailable(answer: Answer): void {
  expect(codes(answer)).toEqual(["SERVICE_UNAVAILABLE"]);
  expect(answer.status).toBe(503);
  expect(Number(answer.retryAfter)).toBeGreaterThan(0);
  for (const error of answer.body.errors ?? []) expect(error.extensions?.requestId).toBe(answer.requestId);
}

describe("the execution deadline", () => {
  it("does not stop a mutation that runs past it: the answer has the data, and the change is committed", async () => {
    const server = await start({ executionTimeoutMs: 1 });
    try {
      const { key } = await createApiKey(server.prisma, { name: "slow-writer", scopes: ["write"] });
      const answer = await post(
        server.url,
        // Result fields in memory (id, names) and from the database (memberships: a loader batch after the commit).
        `mutation($input: CreatePersonInput!) { createPerson(input: $input) { id givenName familyName version memberships(activeOn: null) { totalCount nodes { role } } } }`,
        { input: { givenName: "Långsam", familyName: "Skrivning" } },
        { authorization: `Bearer ${key}` },
      );
      expect(answer.body.errors).toBeUndefined();
      expect(answer.status).toBe(200);
      expect(answer.body.data?.createPerson).toMatchObject({
        givenName: "Långsam",
        familyName: "Skrivning",
        version: 1,
        memberships: { totalCount: 0, nodes: [] },
      });
      expect(await server.prisma.person.count({ where: { familyName: "Skrivning" } })).toBe(1);
    } finally {
      await server.stop();
    }
  });

  it("stops a read that spends its time on its own work with QUERY_TOO_COMPLEX, before its next SQL statement", async () => {
    // Should the regions' statement start in time, 21 regions × 3 000 aliased fields are resolved in
    // memory before the next batch: far more time than the statement took.
    const fields = Array.from({ length: 3_000 }, (_, i) => `f${i}: name`).join(" ");
    const server = await start({
      executionTimeoutMs: 1,
      queryLimits: { maxDepth: 15, maxAliases: 10_000, maxDirectives: 20, maxTokens: 100_000, maxCost: 1_000_000 },
    });
    try {
      const answer = await post(
        server.url,
        `{ regions { countyCode ...Many healthcareRegions { slug } } } fragment Many on Region { ${fields} }`,
      );
      expect(codes(answer)).toEqual(["QUERY_TOO_COMPLEX"]);
      expect(answer.body.errors?.[0]?.extensions).toMatchObject({
        code: "QUERY_TOO_COMPLEX",
        limit: "executionTime",
        max: 1,
      });
      // Stopped before the regions' statement or, if that was still in time, before the healthcare regions' batch.
      expect(answer.body.extensions?.sqlStatements).toBeLessThan(2);
      expect(answer.status).toBe(400);
    } finally {
      await server.stop();
    }
  });

  it("answers SERVICE_UNAVAILABLE, not QUERY_TOO_COMPLEX, when the time went to waiting on the database", async () => {
    const server = await start({ executionTimeoutMs: 300 }, { statementTimeoutMs: 10_000, connectTimeoutMs: 10_000 });
    const lock = await lockTable(server.database.url, "region");
    try {
      const answer = post(server.url, `{ regions { countyCode healthcareRegions { slug } } }`);
      await sleep(1_000);
      await lock.release();
      const answered = await answer;
      expectServiceUnavailable(answered);
      expect(answered.body.errors?.[0]?.path).toEqual(["regions", 0, "healthcareRegions"]);
      expect(answered.body.extensions?.sqlStatements).toBe(1);
    } finally {
      await lock.release().catch(() => {});
      await server.stop();
    }
  });
});

describe("a hung database", () => {
  it("ends a statement that does not return within DATABASE_STATEMENT_TIMEOUT_MS with SERVICE_UNAVAILABLE", async () => {
    const server = await start({}, { statementTimeoutMs: 500, connectTimeoutMs: 5_000 });
    const lock = await lockTable(server.database.url, "region");
    try {
      const { key } = await createApiKey(server.prisma, { name: "stuck-reader", scopes: ["read"] });
      for (const headers of [{}, { authorization: `Bearer ${key}` }] as Record<string, string>[]) {
        const answer = await within(10_000, post(server.url, `{ regions { countyCode } }`, undefined, headers));
        expect(answer).not.toBe("hung");
        expectServiceUnavailable(answer as Answer);
      }
    } finally {
      await lock.release();
      await server.stop();
    }
  });

  it("ends a wait for a pool connection after DATABASE_CONNECT_TIMEOUT_MS with SERVICE_UNAVAILABLE, and the stuck request finishes later", async () => {
    const server = await start({}, { poolSize: 1, statementTimeoutMs: 20_000, connectTimeoutMs: 300 });
    const lock = await lockTable(server.database.url, "region");
    try {
      const holding = post(server.url, `{ regions { countyCode } }`);
      await sleep(300);
      const waiting = await within(10_000, post(server.url, `{ agencies { slug } }`));
      expect(waiting).not.toBe("hung");
      expectServiceUnavailable(waiting as Answer);
      await lock.release();
      const held = await holding;
      expect(held.status).toBe(200);
      expect(held.body.data?.regions).toHaveLength(21);
    } finally {
      await lock.release().catch(() => {});
      await server.stop();
    }
  });

  it("answers SERVICE_UNAVAILABLE when its connection is terminated mid-statement", async () => {
    const server = await start({}, { statementTimeoutMs: 20_000, connectTimeoutMs: 5_000 });
    const lock = await lockTable(server.database.url, "region");
    try {
      const answer = post(server.url, `{ regions { countyCode } }`);
      await sleep(500);
      const admin = new pg.Client({ connectionString: server.database.url });
      await admin.connect();
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
      );
      await admin.end();
      expectServiceUnavailable(await answer);
    } finally {
      await lock.release();
      await server.stop();
    }
  });
});
