import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import type { ChildProcess } from "node:child_process";
import pg from "pg";
import { INTRANET_OPERATIONS } from "../bench/queries";
import { createApiKey } from "../src/access/api-keys";
import { createPrismaClient } from "../src/db/prisma";
import { startChildServer } from "./support/child-server";
import { createTestDatabase, type TestDatabase } from "./support/test-database";
import { gql } from "./support/test-server";

/** A span as OTLP/HTTP JSON carries it, with its attributes made a plain object. */
interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  status: { code?: number; message?: string };
  attributes: Record<string, unknown>;
  service: unknown;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
  arrayValue?: { values?: OtlpValue[] };
}
type OtlpAttributes = { key: string; value: OtlpValue }[] | undefined;

function valueOf(value: OtlpValue): unknown {
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(valueOf);
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.boolValue ?? value.doubleValue;
}

function attributesOf(attributes: OtlpAttributes): Record<string, unknown> {
  return Object.fromEntries((attributes ?? []).map(({ key, value }) => [key, valueOf(value)]));
}

/** A local OTLP/HTTP receiver: the spans posted to /v1/traces, as they arrive. */
async function startReceiver(): Promise<{ endpoint: string; spans: ReceivedSpan[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      let body = Buffer.concat(chunks);
      if (req.headers["content-encoding"] === "gzip") body = gunzipSync(body);
      if (req.method !== "POST" || req.url !== "/v1/traces" || !req.headers["content-type"]?.includes("json")) {
        res.writeHead(415).end();
        return;
      }
      const payload = JSON.parse(body.toString("utf8")) as {
        resourceSpans?: {
          resource?: { attributes?: OtlpAttributes };
          scopeSpans?: {
            spans?: {
              traceId: string;
              spanId: string;
              parentSpanId?: string;
              name: string;
              kind: number;
              status?: { code?: number; message?: string };
              attributes?: OtlpAttributes;
            }[];
          }[];
        }[];
      };
      for (const resourceSpans of payload.resourceSpans ?? []) {
        const service = attributesOf(resourceSpans.resource?.attributes)["service.name"];
        for (const scope of resourceSpans.scopeSpans ?? [])
          for (const span of scope.spans ?? [])
            spans.push({
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId || undefined,
              name: span.name,
              kind: span.kind,
              status: span.status ?? {},
              attributes: attributesOf(span.attributes),
              service,
            });
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Stops a child server as an orchestrator does (SIGTERM) and waits for it to exit. */
async function terminate(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  return exited;
}

/** The JSON log lines a child writes from now on. */
function collectLogs(child: ChildProcess): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  let pending = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    pending += chunk.toString();
    const complete = pending.split("\n");
    pending = complete.pop() ?? "";
    for (const line of complete) if (line.startsWith("{")) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  return lines;
}

/** The number of DataLoader batches so far, from the server's metrics. */
async function batchCount(url: string): Promise<number> {
  const text = await (await fetch(url.replace(/\/graphql$/, "/metrics"))).text();
  const match = /^kg_dataloader_batch_size_count(?:\{[^}]*\})? (\d+)$/m.exec(text);
  return Number(match?.[1] ?? 0);
}

/**
 * What a child server has of OpenTelemetry, asked through the probe: the files it loaded of the
 * SDK, the exporter and the instrumentations (the API itself is loaded by Prisma's client either
 * way, and does nothing alone), and what is registered with the API.
 */
async function tracingLoaded(child: ChildProcess): Promise<{ files: string[]; registered: string[] }> {
  const answer = new Promise<{ loaded: string[]; registered: string[] }>((resolve) =>
    child.once("message", (message) => resolve(message as { loaded: string[]; registered: string[] })),
  );
  child.send("loaded modules?");
  const { loaded, registered } = await answer;
  const files = loaded.filter(
    (file) => /[\\/]@opentelemetry[\\/]/.test(file) && !/[\\/]@opentelemetry[\\/]api[\\/]/.test(file),
  );
  return {
    files: [...files, ...loaded.filter((file) => /[\\/]@prisma[\\/]instrumentation[\\/]/.test(file))],
    registered,
  };
}

const PROBE = path.join(__dirname, "support", "report-loaded-modules.cjs");
const CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN = "00f067aa0ba902b7";
const CHAIN = INTRANET_OPERATIONS.find((operation) => operation.name === "chain")!;

describe("tracing (OpenTelemetry over OTLP/HTTP)", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ dataset: 1 });
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("exports the span tree of a deep query: HTTP → operation → phases → batches → one span per SQL statement", async () => {
    const receiver = await startReceiver();
    // Spans are exported only on shutdown (the schedule is a minute), which shows that stopping flushes them.
    const { child, url } = await startChildServer(database.url, {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_SERVICE_NAME: "kunskapsgraf-test",
        OTEL_BSP_SCHEDULE_DELAY: "60000",
        EXPOSE_SQL_STATEMENT_COUNT: "true",
        RESPONSE_CACHE: "off",
      },
      nodeArgs: ["--require", PROBE],
      ipc: true,
    });
    let exitCode: number | null = null;
    try {
      // The probe works: with an endpoint, the SDK is loaded.
      const loaded = await tracingLoaded(child);
      expect(loaded.files).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/@opentelemetry[\\/]sdk-trace-base/),
          expect.stringMatching(/@opentelemetry[\\/]instrumentation-pg/),
          expect.stringMatching(/@prisma[\\/]instrumentation/),
        ]),
      );
      expect(loaded.registered).toEqual(expect.arrayContaining(["trace", "context", "propagation"]));
      const batchesBefore = await batchCount(url);
      const response = await gql<Record<string, unknown>>(url, CHAIN.query, undefined, {
        "x-request-id": "deep-query-1",
      });
      expect(response.errors).toBeUndefined();
      const statements = response.extensions!.sqlStatements!;
      expect(statements).toBeGreaterThan(10);
      const batches = (await batchCount(url)) - batchesBefore;
      expect(batches).toBeGreaterThan(10);
      // A GET carries the operation and its variables in the URL; the span keeps neither.
      const get = new URL(url);
      get.searchParams.set("query", "query Regions($hsaId: String) { regions { countyCode } }");
      get.searchParams.set("variables", JSON.stringify({ hsaId: "SE2321000180-SECRET" }));
      get.searchParams.set("operationName", "Regions");
      const got = await fetch(get, { headers: { "apollo-require-preflight": "true", "x-request-id": "get-1" } });
      expect(got.status).toBe(200);
      expect(receiver.spans).toEqual([]);
      exitCode = await terminate(child);

      const getOperation = receiver.spans.find((span) => span.attributes["kunskapsgraf.request_id"] === "get-1")!;
      const getRoot = receiver.spans.find((span) => span.spanId === getOperation.parentSpanId)!;
      expect(getRoot.name).toBe("GET /graphql");
      expect(getRoot.attributes["url.query"]).toMatch(/^query=REDACTED&variables=REDACTED&operationName=Regions$/);

      expect(exitCode).toBe(0);
      const operation = receiver.spans.find((span) => span.attributes["kunskapsgraf.request_id"] === "deep-query-1");
      expect(operation).toMatchObject({
        name: "query Chain",
        service: "kunskapsgraf-test",
        attributes: { "graphql.operation.type": "query", "graphql.operation.name": "Chain" },
      });
      const spans = receiver.spans.filter((span) => span.traceId === operation!.traceId);
      const byId = new Map(spans.map((span) => [span.spanId, span]));
      const parentOf = (span: ReceivedSpan) => (span.parentSpanId ? byId.get(span.parentSpanId) : undefined);
      const named = (pattern: RegExp) => spans.filter((span) => pattern.test(span.name));

      // The HTTP server span is the root; the operation its only child.
      const [root, ...otherRoots] = spans.filter((span) => span.parentSpanId === undefined);
      expect(otherRoots).toEqual([]);
      expect(root).toMatchObject({
        name: "POST /graphql",
        kind: 2 /* SERVER */,
        attributes: { "http.request.method": "POST", "http.route": "/graphql" },
      });
      expect(parentOf(operation!)).toBe(root);

      // Parse, validate and execute under the operation.
      for (const phase of ["graphql.parse", "graphql.validate", "graphql.execute"]) {
        const [span, ...more] = named(new RegExp(`^${phase.replace(".", "\\.")}$`));
        expect(more).toEqual([]);
        expect(parentOf(span!)).toBe(operation);
      }
      const execute = named(/^graphql\.execute$/)[0]!;

      // One span per DataLoader batch, under execute, named after its loader.
      const batchSpans = named(/^dataloader\.batch/);
      expect(batchSpans).toHaveLength(batches);
      for (const span of batchSpans) {
        expect(parentOf(span)).toBe(execute);
        expect(span.name).toMatch(/^dataloader\.batch [a-z][A-Za-z]+$/);
        expect(span.attributes["dataloader.batch.size"]).toBeGreaterThan(0);
      }
      expect(batchSpans.map((span) => span.name)).toEqual(
        expect.arrayContaining(["dataloader.batch groupBySlug", "dataloader.batch regionByCountyCode"]),
      );

      // One span per SQL statement the server counted, each inside the batch that sent it.
      const sqlSpans = named(/^pg\.query/);
      expect(sqlSpans).toHaveLength(statements);
      for (const span of sqlSpans) {
        expect(batchSpans).toContain(parentOf(span));
        expect(span.kind).toBe(3 /* CLIENT */);
        expect(span.attributes["db.query.text"] ?? span.attributes["db.statement"]).toMatch(/^\s*(?:SELECT|WITH)\b/i);
      }
      // Named prepared statements name their spans, e.g. pg.query:group_by_slug_0.
      expect(sqlSpans.map((span) => span.name)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^pg\.query:group_by_slug_\d+\b/)]),
      );

      // Nothing else: no span per field or resolver.
      expect(spans).toHaveLength(1 + 1 + 3 + batchSpans.length + sqlSpans.length);
    } finally {
      if (exitCode === null) await terminate(child);
      await receiver.close();
    }
  });

  it("puts the trace id in SERVICE_UNAVAILABLE extensions beside the request id, and in the log lines", async () => {
    const receiver = await startReceiver();
    const { child, url } = await startChildServer(database.url, {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_BSP_SCHEDULE_DELAY: "60000",
        RESPONSE_CACHE: "off",
        DATABASE_STATEMENT_TIMEOUT_MS: "500",
      },
    });
    const logs = collectLogs(child);
    // A statement waiting on a lock past its timeout is cancelled: the database is unavailable.
    const blocker = new pg.Client({ connectionString: database.url });
    await blocker.connect();
    let exitCode: number | null = null;
    try {
      await blocker.query("BEGIN");
      await blocker.query("LOCK TABLE region IN ACCESS EXCLUSIVE MODE");
      const response = await gql(url, "query Regions { regions { countyCode } }", undefined, {
        "x-request-id": "unavailable-1",
      });
      await blocker.query("ROLLBACK");
      const error = response.errors?.[0];
      expect(error?.extensions).toMatchObject({ code: "SERVICE_UNAVAILABLE", requestId: "unavailable-1" });
      const traceId = error?.extensions?.traceId;
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(traceId).not.toBe("0".repeat(32));

      const requestLine = logs.find((line) => line.requestId === "unavailable-1" && line.msg === "graphql request");
      expect(requestLine).toMatchObject({ trace_id: traceId, errorCodes: ["SERVICE_UNAVAILABLE"] });
      expect(requestLine?.span_id).toMatch(/^[0-9a-f]{16}$/);

      // Refused while the API key is looked up, before any GraphQL hook runs: the same ids.
      await blocker.query("BEGIN");
      await blocker.query("LOCK TABLE api_key IN ACCESS EXCLUSIVE MODE");
      const refused = await gql(url, "query Regions { regions { countyCode } }", undefined, {
        "x-request-id": "unavailable-2",
        authorization: `Bearer kg_abcdefgh_${"A".repeat(43)}`,
      });
      await blocker.query("ROLLBACK");
      const refusal = refused.errors?.[0]?.extensions;
      expect(refusal).toMatchObject({ code: "SERVICE_UNAVAILABLE", requestId: "unavailable-2" });
      expect(refusal?.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(refusal?.traceId).not.toBe(traceId);
      expect(logs.find((line) => line.requestId === "unavailable-2")).toMatchObject({
        msg: "graphql request refused",
        trace_id: refusal?.traceId,
      });

      exitCode = await terminate(child);
      expect(exitCode).toBe(0);
      // Lines outside any request carry none.
      const shutdownLine = logs.find((line) => String(line.msg).startsWith("SIGTERM received"));
      expect(shutdownLine).toBeDefined();
      expect(shutdownLine).not.toHaveProperty("trace_id");
      const spans = receiver.spans.filter((span) => span.traceId === traceId);
      const operation = spans.find((span) => span.name === "query Regions");
      expect(operation).toMatchObject({
        status: { code: 2 /* ERROR */ },
        attributes: { "kunskapsgraf.error_codes": ["SERVICE_UNAVAILABLE"] },
      });
      expect(requestLine?.span_id).toBe(operation?.spanId);
      // The cancelled statement is there too, failed.
      expect(spans.filter((span) => span.name.startsWith("pg.query") && span.status.code === 2)).toHaveLength(1);
      expect(
        receiver.spans.find((span) => span.attributes["kunskapsgraf.request_id"] === "unavailable-2"),
      ).toMatchObject({
        traceId: refusal?.traceId,
        status: { code: 2 },
        attributes: { "kunskapsgraf.error_codes": ["SERVICE_UNAVAILABLE"] },
      });
    } finally {
      await blocker.end();
      if (exitCode === null) await terminate(child);
      await receiver.close();
    }
  });

  it("traces a write: Prisma's operation spans, one span per SQL statement", async () => {
    const prisma = createPrismaClient({ url: database.url, poolSize: 1 });
    const { key } = await createApiKey(prisma, { name: "tracing-writer", scopes: ["write"] }).finally(() =>
      prisma.$disconnect(),
    );
    const receiver = await startReceiver();
    const { child, url } = await startChildServer(database.url, {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_BSP_SCHEDULE_DELAY: "60000",
        EXPOSE_SQL_STATEMENT_COUNT: "true",
      },
    });
    let exitCode: number | null = null;
    try {
      const response = await gql<{ createPerson: { id: string } }>(
        url,
        `mutation CreatePerson($input: CreatePersonInput!) { createPerson(input: $input) { id name } }`,
        { input: { givenName: "Spårad", familyName: "Person", hsaId: "SE2321000180-T900001" } },
        // The caller's trace continues (W3C trace context).
        {
          authorization: `Bearer ${key}`,
          "x-request-id": "write-1",
          traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`,
        },
      );
      expect(response.errors).toBeUndefined();
      const statements = response.extensions!.sqlStatements!;
      exitCode = await terminate(child);
      const operation = receiver.spans.find((span) => span.attributes["kunskapsgraf.request_id"] === "write-1")!;
      expect(operation.traceId).toBe(CALLER_TRACE);
      const spans = receiver.spans.filter((span) => span.traceId === operation.traceId);
      const byId = new Map(spans.map((span) => [span.spanId, span]));
      const ancestors = (span: ReceivedSpan): string[] => {
        const parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
        return parent ? [parent.name, ...ancestors(parent)] : [];
      };
      expect(operation.name).toBe("mutation CreatePerson");
      expect(spans.filter((span) => span.name === "POST /graphql")).toMatchObject([{ parentSpanId: CALLER_SPAN }]);
      // The write's transaction under the operation, as Prisma reports it.
      expect(spans.filter((span) => span.name === "prisma:client:transaction").map(ancestors)).toEqual([
        ["mutation CreatePerson", "POST /graphql"],
      ]);
      // One span per SQL statement (the API key's look-up included), each inside a Prisma span; no
      // span of Prisma's own per statement.
      const sqlSpans = spans.filter((span) => span.name.startsWith("pg.query"));
      expect(sqlSpans).toHaveLength(statements);
      expect(sqlSpans.map((span) => span.name.split(" ")[0])).toEqual(
        expect.arrayContaining(["pg.query:BEGIN", "pg.query:INSERT", "pg.query:COMMIT"]),
      );
      for (const span of sqlSpans) {
        expect(ancestors(span)[0]).toMatch(/^prisma:client:(?:operation|start_transaction|commit_transaction)$/);
        expect(ancestors(span)).toContain("mutation CreatePerson");
      }
      expect(spans.filter((span) => span.name.includes("db_query"))).toEqual([]);
      for (const span of spans)
        expect(span.name).toMatch(
          /^(?:POST \/graphql|mutation CreatePerson|graphql\.\w+|prisma:client:\w+|pg\.query:\w+ \w+)$/,
        );
    } finally {
      if (exitCode === null) await terminate(child);
      await receiver.close();
    }
  });

  it("stops cleanly when the collector cannot be reached, warning that spans were lost", async () => {
    const closed = await startReceiver();
    await closed.close();
    const { child, url } = await startChildServer(database.url, {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: closed.endpoint, OTEL_EXPORTER_OTLP_TIMEOUT: "1000" },
    });
    const logs = collectLogs(child);
    const response = await gql(url, "query Regions { regions { countyCode } }");
    expect(response.errors).toBeUndefined();
    // Again, from the response cache (on by default), answered before Express: the same answer.
    expect(await gql(url, "query Regions { regions { countyCode } }")).toEqual(response);
    expect(await terminate(child)).toBe(0);
    expect(logs.filter((line) => line.level === 50)).toEqual([]);
    expect(logs.map((line) => line.msg)).toContain("Spans could not be exported on shutdown");
  });

  it("loads nothing of OpenTelemetry without an endpoint, nor with OTEL_SDK_DISABLED=true", async () => {
    const settings: Record<string, string>[] = [
      { OTEL_EXPORTER_OTLP_ENDPOINT: "" },
      { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9", OTEL_SDK_DISABLED: "true" },
    ];
    for (const env of settings) {
      const { child, url } = await startChildServer(database.url, {
        env: { ...env, EXPOSE_SQL_STATEMENT_COUNT: "true" },
        nodeArgs: ["--require", PROBE],
        ipc: true,
      });
      const logs = collectLogs(child);
      try {
        const response = await gql(url, "query Regions { regions { countyCode } }", undefined, {
          "x-request-id": "untraced-1",
        });
        expect(response.errors).toBeUndefined();
        expect(await tracingLoaded(child)).toEqual({ files: [], registered: [] });
        const line = logs.find((entry) => entry.requestId === "untraced-1");
        expect(line).toBeDefined();
        expect(line).not.toHaveProperty("trace_id");
      } finally {
        expect(await terminate(child)).toBe(0);
      }
    }
  });
});
