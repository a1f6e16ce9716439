import { randomBytes } from "node:crypto";
import pino from "pino";
import pg from "pg";
import { createApiKey } from "../src/access/api-keys";
import { applyMigrations } from "../src/db/migrate";
import { createPrismaClient, type Database } from "../src/db/prisma";
import { seedReferenceData } from "../src/seed/seed";
import { startServer, type RunningServer } from "../src/server";
import { startChildServer, stopChildServer, type ChildServer } from "./support/child-server";
import { postgresBinaries, startReplicatedPostgres, type ReplicatedPostgres } from "./support/replicated-postgres";

/**
 * Read replicas on a real PostgreSQL primary and streaming replica (initdb, pg_basebackup -R),
 * with two API processes reading from the replica: reads land on the replica, a caller reads its
 * own writes while replay is paused, others may read the old state until it resumes, the change
 * feed's cursor never goes back, a lagging replica and a stopped one send reads to the primary.
 */

const bin = postgresBinaries();
if (!bin)
  console.warn(
    "tests/replication.test.ts skipped: no PostgreSQL binaries with initdb, pg_ctl and pg_basebackup " +
      "(set KG_PG_BIN, or install the PostgreSQL server package: /usr/lib/postgresql/<version>/bin)",
  );
const describeWithPostgres = bin ? describe : describe.skip;

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const GROUP = `query { group(slug: "psykisk-halsa") { id name version } }`;
/** The same read with another text: not answered from the cache entries of GROUP. */
const OTHER = `query Other { group(slug: "psykisk-halsa") { name } }`;
const RENAME = `mutation($input: UpdateGroupInput!) { updateGroup(input: $input) { name version } }`;
const FEED = `query($since: String) { changes(since: $since, first: 100) { cursor changes { sequence } } }`;
const HEADER = "x-kg-min-lsn";

interface Answer<Data> {
  status: number;
  data?: Data;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  position: string | null;
  cache: string | null;
}

async function ask<Data = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Answer<Data>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<Answer<Data>, "status" | "position">;
  return {
    ...body,
    status: response.status,
    position: response.headers.get(HEADER),
    cache: response.headers.get("x-cache"),
  };
}

const nameOf = (answer: Answer<{ group: { name: string } }>) => answer.data?.group.name;

async function metric(url: string, line: RegExp): Promise<number> {
  const text = await (await fetch(url.replace(/\/graphql$/, "/metrics"))).text();
  const match = text.split("\n").find((candidate) => line.test(candidate));
  return match ? Number(match.split(" ").at(-1)) : 0;
}

async function readiness(url: string): Promise<{ status: string; checks: { replicas?: { state: string }[] } }> {
  return (await fetch(url.replace(/\/graphql$/, "/readyz"))).json() as Promise<{
    status: string;
    checks: { replicas?: { state: string }[] };
  }>;
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeWithPostgres("read replicas on a streaming replica", () => {
  let cluster: ReplicatedPostgres;
  let prisma: Database;
  let first: ChildServer;
  let second: ChildServer;
  let writer: Record<string, string>;
  let reader: Record<string, string>;
  let auditor: Record<string, string>;
  let groupId: string;

  beforeAll(async () => {
    cluster = await startReplicatedPostgres(bin!);
    const admin = new pg.Client({ connectionString: cluster.primaryUrl("postgres") });
    await admin.connect();
    await admin.query("CREATE DATABASE kunskapsgraf");
    await admin.end();
    const primaryUrl = cluster.primaryUrl("kunskapsgraf");
    await applyMigrations(primaryUrl);
    prisma = createPrismaClient({ url: primaryUrl, poolSize: 2 });
    await seedReferenceData(prisma);
    writer = { authorization: `Bearer ${(await createApiKey(prisma, { name: "writer", scopes: ["write"] })).key}` };
    reader = { authorization: `Bearer ${(await createApiKey(prisma, { name: "reader", scopes: ["read"] })).key}` };
    auditor = { authorization: `Bearer ${(await createApiKey(prisma, { name: "admin", scopes: ["admin"] })).key}` };
    groupId = (await prisma.group.findUniqueOrThrow({ where: { slug: "psykisk-halsa" } })).id;
    await cluster.caughtUp();
    const env = {
      DATABASE_READ_URL: cluster.replicaUrl("kunskapsgraf"),
      READ_REPLICA_MAX_LAG_MS: "60000",
      READ_REPLICA_PROBE_INTERVAL_MS: "200",
      REDIS_URL,
      RATE_LIMIT_REDIS_PREFIX: `kg-test-replication-${randomBytes(6).toString("hex")}`,
    };
    [first, second] = await Promise.all([startChildServer(primaryUrl, { env }), startChildServer(primaryUrl, { env })]);
  });

  afterAll(async () => {
    await Promise.all([first && stopChildServer(first), second && stopChildServer(second)]);
    await prisma?.$disconnect();
    await cluster?.stop();
  });

  it("answers queries from the replica", async () => {
    const before = await cluster.replicaLog();
    const answer = await ask<{ group: { id: string; name: string } }>(first.url, GROUP);
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.group.name).toBe("Psykisk hälsa");
    expect(answer.position).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    // The statement and its parameter appear in the replica's statement log.
    const logged = (await cluster.replicaLog()).slice(before.length);
    expect(logged).toContain("governance_group");
    expect(logged).toContain("psykisk-halsa");
    expect(await metric(first.url, /^kg_read_routing_total\{target="replica",reason="replica"\}/)).toBeGreaterThan(0);
    const ready = await readiness(first.url);
    expect(ready.status).toBe("ready");
    expect(ready.checks.replicas).toEqual([expect.objectContaining({ name: "replica-1", state: "ok" })]);
  });

  it("lets a caller read its own write while replay is paused; others see the old state until it resumes", async () => {
    const start = await ask<{ changes: { cursor: string } }>(first.url, FEED, {}, reader);
    const cursor = start.data!.changes.cursor;
    // Both processes' caches hold the old answer before the write.
    for (const server of [first, second])
      for (const query of [GROUP, OTHER]) expect(nameOf(await ask(server.url, query))).toBe("Psykisk hälsa");
    const { id } = (await ask<{ group: { id: string } }>(first.url, GROUP)).data!.group;

    await cluster.onReplica("SELECT pg_wal_replay_pause()");
    try {
      const renamed = await ask<{ updateGroup: { name: string } }>(
        first.url,
        RENAME,
        { input: { id, expectedVersion: 1, name: "Psykisk hälsa (ny)" } },
        writer,
      );
      expect(renamed.errors).toBeUndefined();
      expect(renamed.position).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);

      // The writer: on the process it wrote through (its key's last write is remembered), on the
      // other one (through Redis), and with the position it was given, without its key.
      expect(nameOf(await ask(first.url, GROUP, {}, writer))).toBe("Psykisk hälsa (ny)");
      expect(nameOf(await ask(second.url, GROUP, {}, writer))).toBe("Psykisk hälsa (ny)");
      expect(nameOf(await ask(second.url, GROUP, {}, { [HEADER]: renamed.position! }))).toBe("Psykisk hälsa (ny)");
      expect(
        await metric(first.url, /^kg_read_routing_total\{target="primary",reason="caller_position"\}/),
      ).toBeGreaterThan(0);

      // Another caller is answered by the replica, which has not replayed the write, on both processes;
      // and the old answer is not kept in the cache under the new data version.
      for (const server of [first, second]) {
        expect(nameOf(await ask(server.url, OTHER, {}, reader))).toBe("Psykisk hälsa");
        expect(nameOf(await ask(server.url, OTHER))).toBe("Psykisk hälsa");
      }
      // The feed read on the replica has nothing new: its cursor stays where it was, never goes back.
      const lagging = await ask<{ changes: { cursor: string; changes: unknown[] } }>(
        first.url,
        FEED,
        { since: cursor },
        reader,
      );
      expect(lagging.errors).toBeUndefined();
      expect(lagging.data?.changes).toEqual({ cursor, changes: [] });
      // The writer's own feed read has its change.
      const own = await ask<{ changes: { changes: unknown[] } }>(first.url, FEED, { since: cursor }, writer);
      expect(own.data?.changes.changes).toHaveLength(1);
    } finally {
      await cluster.onReplica("SELECT pg_wal_replay_resume()");
    }

    for (const server of [first, second])
      await eventually(
        async () => nameOf(await ask(server.url, OTHER)) === "Psykisk hälsa (ny)",
        "the other caller sees the write once replay has resumed",
      );
    const resumed = await ask<{ changes: { cursor: string; changes: { sequence: string }[] } }>(
      second.url,
      FEED,
      { since: cursor },
      reader,
    );
    expect(resumed.data?.changes.changes).toHaveLength(1);
    expect(BigInt(resumed.data!.changes.changes[0]!.sequence)).toBeGreaterThan(0n);
    expect(resumed.data?.changes.cursor).not.toBe(cursor);
    // Read on the replica again, and kept: the next answer is a cache hit with the new name.
    expect(nameOf(await ask(second.url, OTHER))).toBe("Psykisk hälsa (ny)");
  });

  it("answers from the response cache only a caller whose last write the cached answer reflects", async () => {
    const query = `query Cached { group(slug: "psykisk-halsa") { id version } }`;
    // An answer kept once a probe has marked the current data version with the primary's position
    // reflects that position: a caller that must see an earlier one is answered from the cache.
    await eventually(async () => (await ask(first.url, query, {}, { [HEADER]: "0/0" })).cache === "hit", "a hit");
    // One that must see a later position (a write through another process whose notification has
    // not arrived yet, say) is executed, on a server that has that position.
    const later = "FFFFFFFF/FFFFFFFF";
    const fresh = await ask(first.url, query, {}, { [HEADER]: later });
    expect(fresh.cache).toBe("miss");
    expect(fresh.errors).toBeUndefined();
    // Without the header the same answer is still served from the cache.
    expect((await ask(first.url, query)).cache).toBe("hit");
  });

  it("refuses a position that is not one", async () => {
    const answer = await ask(first.url, GROUP, {}, { [HEADER]: "yesterday" });
    expect(answer.status).toBe(400);
    expect(answer.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(answer.errors?.[0]?.message).toContain(HEADER);
  });

  it("sends reads to the primary while the replica lags beyond the bound", async () => {
    const lagBound: RunningServer = await startServer({
      config: {
        port: 0,
        databaseReadUrls: [cluster.replicaUrl("kunskapsgraf")],
        readReplicas: { maxLagMs: 500, probeIntervalMs: 100, poolSize: 2 },
        responseCache: { enabled: false, maxBytes: 1 << 20 },
      },
      prisma,
      logger: pino({ level: "silent" }),
    });
    try {
      expect(nameOf(await ask(lagBound.url, GROUP))).toBe("Psykisk hälsa (ny)");
      await cluster.onReplica("SELECT pg_wal_replay_pause()");
      try {
        await prisma.group.update({ where: { id: groupId }, data: { name: "Psykisk hälsa (lag)" } });
        await eventually(
          async () => (await readiness(lagBound.url)).checks.replicas?.[0]?.state === "lagging",
          "the replica is reported lagging",
        );
        const ready = await readiness(lagBound.url);
        expect(ready.status).toBe("ready");
        expect(nameOf(await ask(lagBound.url, GROUP))).toBe("Psykisk hälsa (lag)");
        expect(
          await metric(lagBound.url, /^kg_read_routing_total\{target="primary",reason="no_replica"\}/),
        ).toBeGreaterThan(0);
        expect(await metric(lagBound.url, /^kg_read_replica_up\{replica="replica-1"\}/)).toBe(0);
      } finally {
        await cluster.onReplica("SELECT pg_wal_replay_resume()");
      }
      await eventually(
        async () => (await readiness(lagBound.url)).checks.replicas?.[0]?.state === "ok",
        "the replica is ok again once it has caught up",
      );
    } finally {
      await lagBound.stop();
    }
  });

  it("sends reads to the primary without errors once the replica has stopped", async () => {
    // A process that has not noticed the stop: it probes once at start, and its probe connection
    // has been closed as idle (pg-pool's 10 s) before the replica stops, so no idle connection
    // reports the stop either. Its next query is routed to the replica and fails there mid-read.
    const unprobed = await startServer({
      config: {
        port: 0,
        databaseReadUrls: [cluster.replicaUrl("kunskapsgraf")],
        readReplicas: { maxLagMs: 60_000, probeIntervalMs: 600_000, poolSize: 2 },
        responseCache: { enabled: false, maxBytes: 1 << 20 },
      },
      prisma,
      logger: pino({ level: "silent" }),
    });
    const idleClosed = new Promise((resolve) => setTimeout(resolve, 11_000));
    const before = await ask<{ group: { id: string; version: number } }>(first.url, GROUP, {}, writer);
    const entity = before.data!.group.id;
    const renamed = await ask<{ updateGroup: { name: string } }>(
      first.url,
      RENAME,
      { input: { id: entity, expectedVersion: before.data!.group.version, name: "Psykisk hälsa (sist)" } },
      writer,
    );
    expect(renamed.errors).toBeUndefined();
    const name = "Psykisk hälsa (sist)";
    const audited = await prisma.auditEvent.count({ where: { entityId: groupId } });
    expect(audited).toBeGreaterThan(0);
    await cluster.caughtUp();
    const routedToReplica = /^kg_read_routing_total\{target="replica",reason="replica"\}/;
    try {
      await idleClosed;
      expect((await readiness(unprobed.url)).checks.replicas?.[0]?.state).toBe("ok");
      const routedBefore = await metric(unprobed.url, routedToReplica);
      await cluster.stopReplica();
      // A read the replica cannot answer is run on the primary, whether it goes through the read
      // path's SQL (group) or through Prisma (the audit trail, the counts).
      for (const [index, server] of [unprobed, first, second, unprobed].entries()) {
        const answer = await ask<{
          group: { name: string };
          structureCounts: { kind: string }[];
          auditEvents: { nodes: { entityId: string }[] };
        }>(
          server.url,
          `query Stopped${index}($entity: ID) {
             group(slug: "psykisk-halsa") { name }
             structureCounts { kind expected recorded }
             auditEvents(entity: $entity, first: 100) { nodes { entityId } }
           }`,
          { entity },
          auditor,
        );
        expect(answer.errors).toBeUndefined();
        expect(answer.data?.group.name).toBe(name);
        expect(answer.data?.structureCounts.length).toBeGreaterThan(0);
        expect(answer.data?.auditEvents.nodes).toHaveLength(audited);
        if (index === 0) expect(await metric(unprobed.url, routedToReplica)).toBe(routedBefore + 1);
      }
      // The failed reads marked the replica down: no probe has run since the first.
      expect((await readiness(unprobed.url)).checks.replicas?.[0]?.state).toBe("down");
    } finally {
      await unprobed.stop();
    }
    for (const server of [first, second]) {
      await eventually(
        async () => (await readiness(server.url)).checks.replicas?.[0]?.state === "down",
        "the stopped replica is reported down",
      );
      const ready = await readiness(server.url);
      expect(ready.status).toBe("ready");
      for (const query of [GROUP, FEED]) {
        const answer = await ask(server.url, query, {}, reader);
        expect(answer.errors).toBeUndefined();
      }
      expect(
        await metric(server.url, /^kg_read_routing_total\{target="primary",reason="no_replica"\}/),
      ).toBeGreaterThan(0);
    }
  });
});
