import { createPrismaClient } from "../src/db/prisma";
import { freePort } from "../src/db/free-port";
import { startServer } from "../src/server";
import pino from "pino";
import { gql, startTestServer, type TestServer } from "./support/test-server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const base = () => server.url.replace(/\/graphql$/, "");

describe("health and readiness", () => {
  it("answers liveness, and readiness once the database answers and every migration is applied", async () => {
    expect((await fetch(`${base()}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base()}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { database: "ok", migrations: "current" } });
  });

  it("is not ready while a migration of this build is missing", async () => {
    const copy = await startTestServer();
    try {
      await copy.prisma.$executeRaw`DELETE FROM _prisma_migrations WHERE migration_name = (SELECT max(migration_name) FROM _prisma_migrations)`;
      const response = await fetch(`${copy.url.replace(/\/graphql$/, "")}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: "not ready", checks: { database: "ok", migrations: "pending" } });
    } finally {
      await copy.stop();
    }
  });

  it("is not ready when the database cannot be reached, and stays alive", async () => {
    const prisma = createPrismaClient({ url: `postgresql://postgres@127.0.0.1:${await freePort()}/none`, poolSize: 1 });
    const unreachable = await startServer({
      config: { port: 0, host: "127.0.0.1", introspection: true, exposeSqlStatementCount: false },
      prisma,
      logger: pino({ level: "silent" }),
    });
    try {
      const root = unreachable.url.replace(/\/graphql$/, "");
      const response = await fetch(`${root}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ checks: { database: "unreachable" } });
      expect((await fetch(`${root}/healthz`)).status).toBe(200);
    } finally {
      await unreachable.stop();
      await prisma.$disconnect();
    }
  });
});

describe("metrics", () => {
  it("exposes request counts and durations by operation, errors by code, SQL statements, batch sizes and pool use", async () => {
    await gql(server.url, `query RegionsForMetrics { regions { countyCode localProgramAreas { slug } } }`);
    await gql(server.url, `query BadForMetrics { region(countyCode: "x") { name } }`);
    const response = await fetch(`${base()}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/kg_graphql_requests_total\{operation="RegionsForMetrics",outcome="ok"\} 1/);
    expect(text).toMatch(/kg_graphql_requests_total\{operation="BadForMetrics",outcome="error"\} 1/);
    expect(text).toMatch(/kg_graphql_errors_total\{code="BAD_USER_INPUT"\} [1-9]/);
    expect(text).toMatch(/kg_graphql_request_duration_seconds_count\{operation="RegionsForMetrics"\} 1/);
    expect(text).toMatch(/kg_sql_statements_per_request_sum\{operation="RegionsForMetrics"\} 2/);
    expect(text).toMatch(/kg_dataloader_batch_size_count [1-9]/);
    expect(text).toMatch(/kg_db_pool_connections\{state="total"\} \d+/);
    expect(text).toMatch(/kg_process_resident_memory_bytes/);
  });

  it("keeps operation-name labels bounded", async () => {
    await gql(server.url, `query ${"X".repeat(70)} { regions { countyCode } }`);
    await gql(server.url, `{ regions { countyCode } }`);
    const text = await (await fetch(`${base()}/metrics`)).text();
    expect(text).toMatch(/kg_graphql_requests_total\{operation="invalid",outcome="ok"\} 1/);
    expect(text).toMatch(/kg_graphql_requests_total\{operation="anonymous",outcome="ok"\} [1-9]/);
  });
});

describe("logs", () => {
  it("logs one structured line per request with the caller's request id, and never the variables", async () => {
    const secret = "personnummer-19121212-1212";
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "intranet-42" },
      body: JSON.stringify({ query: `query Find($q: String!) { search(query: $q) { totalCount } }`, variables: { q: secret } }),
    });
    expect(response.headers.get("x-request-id")).toBe("intranet-42");
    const line = server.logs.find((entry) => entry.requestId === "intranet-42");
    expect(line).toMatchObject({ msg: "graphql request", operationName: "Find", sqlStatements: 1, errorCodes: [] });
    expect(typeof line!.durationMs).toBe("number");
    expect(JSON.stringify(server.logs)).not.toContain(secret);
  });

  it("makes up a request id when none or a strange one is given", async () => {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "bad id\twith spaces" },
      body: JSON.stringify({ query: `{ regions { countyCode } }` }),
    });
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
