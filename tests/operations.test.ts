import { createPrismaClient } from "../src/db/prisma";
import { freePort } from "../src/db/free-port";
import { startServer } from "../src/server";
import { loadConfig } from "../src/config";
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
      await copy.prisma
        .$executeRaw`DELETE FROM _prisma_migrations WHERE migration_name = (SELECT max(migration_name) FROM _prisma_migrations)`;
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
    const key = await server.keyHeaders(["read"]);
    await gql(
      server.url,
      `query RegionsForMetrics { regions { countyCode localProgramAreas { slug } } }`,
      undefined,
      key,
    );
    await gql(server.url, `query BadForMetrics { region(countyCode: "x") { name } }`, undefined, key);
    const response = await fetch(server.metricsUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/kg_graphql_requests_total\{operation="RegionsForMetrics",outcome="ok"\} 1/);
    expect(text).toMatch(/kg_graphql_requests_total\{operation="BadForMetrics",outcome="error"\} 1/);
    expect(text).toMatch(/kg_graphql_errors_total\{code="BAD_USER_INPUT"\} [1-9]/);
    expect(text).toMatch(/kg_graphql_request_duration_seconds_count\{operation="RegionsForMetrics"\} 1/);
    expect(text).toMatch(/kg_sql_statements_per_request_sum\{operation="RegionsForMetrics"\} [2-9]/);
    expect(text).toMatch(/kg_dataloader_batch_size_count [1-9]/);
    expect(text).toMatch(/kg_db_pool_connections\{state="total"\} \d+/);
    expect(text).toMatch(/kg_process_resident_memory_bytes/);
  });

  it("keeps operation-name labels bounded: anonymous callers cannot add labels, only configured names and names sent with a key get one", async () => {
    const configured = await startTestServer({
      config: { metrics: { operationNames: ["IntranetStructure"], port: undefined, host: "127.0.0.1" } },
    });
    try {
      const junk = Array.from({ length: 250 }, (_, i) => `Junk${i}`);
      for (const name of junk) await gql(configured.url, `query ${name} { regions { countyCode } }`);
      await gql(configured.url, `query IntranetStructure { regions { countyCode } }`);
      await gql(configured.url, `query ${"X".repeat(70)} { regions { countyCode } }`);
      await gql(configured.url, `{ regions { countyCode } }`);
      const key = await configured.keyHeaders(["read"]);
      await gql(configured.url, `query NightlySync { regions { countyCode } }`, undefined, key);
      const text = await (await fetch(configured.metricsUrl)).text();
      const labels = new Set(
        [...text.matchAll(/kg_graphql_requests_total\{operation="([^"]*)"/g)].map((match) => match[1]),
      );
      expect([...labels].sort()).toEqual(["IntranetStructure", "NightlySync", "anonymous", "invalid", "other"]);
      expect(text).toMatch(/kg_graphql_requests_total\{operation="other",outcome="ok"\} 250/);
    } finally {
      await configured.stop();
    }
  });

  it("serves /metrics only on METRICS_PORT when one is set", async () => {
    const separate = await startTestServer({ config: { metrics: { operationNames: [], port: 0, host: "127.0.0.1" } } });
    try {
      expect(separate.metricsUrl).not.toBe(separate.url.replace(/\/graphql$/, "/metrics"));
      expect((await fetch(separate.url.replace(/\/graphql$/, "/metrics"))).status).toBe(404);
      const response = await fetch(separate.metricsUrl);
      expect(response.status).toBe(200);
      expect(await response.text()).toMatch(/kg_process_resident_memory_bytes/);
    } finally {
      await separate.stop();
    }
  });

  it("reads METRICS_OPERATION_NAMES, METRICS_PORT and METRICS_HOST", () => {
    expect(
      loadConfig({
        METRICS_OPERATION_NAMES: "IntranetStructure, NightlySync",
        METRICS_PORT: "9464",
        METRICS_HOST: "0.0.0.0",
      }).metrics,
    ).toEqual({
      operationNames: ["IntranetStructure", "NightlySync"],
      port: 9464,
      host: "0.0.0.0",
    });
    expect(loadConfig({}).metrics).toEqual({ operationNames: [], port: undefined, host: "127.0.0.1" });
    expect(() => loadConfig({ METRICS_OPERATION_NAMES: "ok, not ok" })).toThrow(/METRICS_OPERATION_NAMES/);
  });
});

describe("logs", () => {
  it("logs one structured line per request with the caller's request id, and never the variables", async () => {
    const secret = "personnummer-19121212-1212";
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "intranet-42" },
      body: JSON.stringify({
        query: `query Find($q: String!) { search(query: $q) { totalCount } }`,
        variables: { q: secret },
      }),
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
