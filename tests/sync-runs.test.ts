import pg from "pg";
import { createApiKey } from "../src/access/api-keys";
import { CHANGE_FEED_LOCK } from "../src/db/audit-log";
import { createPrismaClient } from "../src/db/prisma";
import { startChildServer } from "./support/child-server";
import { waitForRun } from "./support/sync-run";
import { createTestDatabase } from "./support/test-database";
import { gql, lpoSlugs, startTestServer, type TestServer } from "./support/test-server";

/**
 * Sync runs: `startMembershipSync` answers at once and runs the sync in the background; every run,
 * asynchronous or not, is recorded and can be read back (`syncRun`, `syncRuns`) by those who may
 * run it; a run whose server process dies is marked FAILED by the next start, having applied nothing.
 */
const START = `mutation($input: SyncMembershipsInput!) {
  startMembershipSync(input: $input) { id status rowsTotal rowsDone startedBy mode dryRun asynchronous createdAt finishedAt }
}`;
const SYNC = `mutation($input: SyncMembershipsInput!) { syncMemberships(input: $input) { runId applied counts { created } } }`;
const RUN = `query($id: ID!) {
  syncRun(id: $id) {
    id status rowsTotal rowsDone startedBy mode dryRun asynchronous applied errorCode error createdAt startedAt finishedAt
    counts { created updated unchanged failed ended peopleCreated }
    result { runId applied counts { created } created { externalId validFrom personName } failures { index } }
  }
}`;
const RUNS = `query($source: String!, $first: Int, $after: String) {
  syncRuns(sourceSystem: $source, first: $first, after: $after) {
    totalCount nodes { id status asynchronous startedBy counts { created } } pageInfo { hasNextPage endCursor }
  }
}`;

interface Run {
  id: string;
  status: string;
  rowsTotal: number;
  rowsDone: number;
  startedBy: string;
  asynchronous: boolean;
  applied: boolean | null;
  errorCode: string | null;
  error: string | null;
  finishedAt: string | null;
  counts: { created: number } | null;
  result: {
    runId: string;
    applied: boolean;
    counts: { created: number };
    created: { externalId: string; validFrom: string; personName: string }[];
    failures: { index: number }[];
  } | null;
}

let server: TestServer;
let writer22: Record<string, string>;
let writer01: Record<string, string>;
let admin: Record<string, string>;
let reader: Record<string, string>;
let lpos22: string[];

beforeAll(async () => {
  server = await startTestServer();
  writer22 = await server.keyHeaders(["write:region:22"], "runs-hr-22");
  writer01 = await server.keyHeaders(["write:region:01"], "runs-hr-01");
  admin = await server.keyHeaders(["admin"], "runs-admin");
  reader = await server.keyHeaders(["read"], "runs-reader");
  lpos22 = await lpoSlugs(server.prisma, "22");
});

afterAll(() => server.stop());

function rows(count: number, prefix: string, groups = lpos22) {
  return Array.from({ length: count }, (_, i) => ({
    externalId: `${prefix}-m${i}`,
    person: { externalId: `${prefix}-p${i}`, givenName: "Asynkron", familyName: `Person ${prefix} ${i}` },
    group: groups[i % groups.length]!,
    role: "MEMBER",
    representing: "region-vasternorrland",
    validFrom: "2024-01-01",
  }));
}

const waitFor = (url: string, id: string, headers: Record<string, string>, done?: string[]) =>
  waitForRun<Run>(url, RUN, id, headers, done, 600);

describe("startMembershipSync", () => {
  it("answers at once with a QUEUED run, then runs it in the background to SUCCEEDED with the whole result", async () => {
    const input = { sourceSystem: "runs-async", scope: { countyCode: "22" }, memberships: rows(300, "as") };
    const started = await gql<{ startMembershipSync: Run }>(server.url, START, { input }, writer22);
    expect(started.errors).toBeUndefined();
    const run = started.data!.startMembershipSync;
    expect(run).toMatchObject({
      status: "QUEUED",
      rowsTotal: 300,
      rowsDone: 0,
      startedBy: "runs-hr-22",
      asynchronous: true,
      finishedAt: null,
    });
    const finished = await waitFor(server.url, run.id, writer22);
    expect(finished).toMatchObject({
      status: "SUCCEEDED",
      applied: true,
      rowsDone: 300,
      errorCode: null,
      counts: { created: 300 },
    });
    expect(finished.result).toMatchObject({ runId: run.id, applied: true, counts: { created: 300 }, failures: [] });
    expect(finished.result!.created[0]).toEqual({
      externalId: "as-m0",
      validFrom: "2024-01-01",
      personName: "Asynkron Person as 0",
    });
    expect(await server.prisma.membership.count({ where: { sourceSystem: "runs-async" } })).toBe(300);
    // The audit events carry the run id.
    expect(await server.prisma.auditEvent.count({ where: { syncRunId: run.id } })).toBe(600);
  });

  it("refuses a key without access, and a scope that does not exist, before recording anything", async () => {
    const before = await server.prisma.syncRun.count();
    const input = { sourceSystem: "runs-refused", scope: { countyCode: "22" }, memberships: rows(1, "rf") };
    const forbidden = await gql(server.url, START, { input }, writer01);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const missing = await gql(
      server.url,
      START,
      { input: { ...input, scope: { groups: ["no-such-group"] } } },
      writer22,
    );
    expect(missing.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(await server.prisma.syncRun.count()).toBe(before);
  });

  it("records a run the sync refuses as FAILED, with its error code and message, having applied nothing", async () => {
    const input = {
      sourceSystem: "runs-refused-replace",
      scope: { countyCode: "22" },
      mode: "REPLACE",
      memberships: [],
    };
    const started = await gql<{ startMembershipSync: Run }>(server.url, START, { input }, writer22);
    const finished = await waitFor(server.url, started.data!.startMembershipSync.id, writer22);
    expect(finished).toMatchObject({ status: "FAILED", errorCode: "BAD_USER_INPUT", applied: null, result: null });
    expect(finished.error).toContain("allowEmpty");
  });

  it("keeps the result of a run whose bad rows hold NUL and lone surrogates, which PostgreSQL cannot store, as U+FFFD", async () => {
    const bad = rows(3, "nul");
    bad[1] = { ...bad[1]!, externalId: "nul-\u0000-m1" };
    bad[2] = { ...bad[2]!, externalId: "nul-\ud800-m2" };
    const input = { sourceSystem: "runs-nul", scope: { countyCode: "22" }, memberships: bad };
    const started = await gql<{ startMembershipSync: Run }>(server.url, START, { input }, writer22);
    const finished = await waitFor(server.url, started.data!.startMembershipSync.id, writer22);
    expect(finished).toMatchObject({ status: "SUCCEEDED", applied: true, counts: { created: 1, failed: 2 } });
    expect(finished.result!.failures).toEqual([{ index: 1 }, { index: 2 }]);
    const stored = await gql<{ syncRun: { result: { failures: { externalId: string }[] } } }>(
      server.url,
      `query($id: ID!) { syncRun(id: $id) { result { failures { externalId } } } }`,
      { id: finished.id },
      writer22,
    );
    expect(stored.data!.syncRun.result.failures.map((failure) => failure.externalId)).toEqual([
      "nul-\uFFFD-m1",
      "nul-\uFFFD-m2",
    ]);
  });

  it("records a dry run as SUCCEEDED and not applied", async () => {
    const input = { sourceSystem: "runs-dry", scope: { countyCode: "22" }, dryRun: true, memberships: rows(5, "dr") };
    const started = await gql<{ startMembershipSync: Run }>(server.url, START, { input }, writer22);
    const finished = await waitFor(server.url, started.data!.startMembershipSync.id, writer22);
    expect(finished).toMatchObject({ status: "SUCCEEDED", applied: false, counts: { created: 5 } });
    expect(await server.prisma.membership.count({ where: { sourceSystem: "runs-dry" } })).toBe(0);
  });
});

describe("syncRuns and syncRun", () => {
  it("lists a source's runs newest first, synchronous ones too, page by page", async () => {
    const source = "runs-listed";
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const input = { sourceSystem: source, scope: { countyCode: "22" }, memberships: rows(2, `ls${i}`) };
      if (i === 1) {
        const sync = await gql<{ syncMemberships: { runId: string } }>(server.url, SYNC, { input }, writer22);
        ids.push(sync.data!.syncMemberships.runId);
      } else {
        const started = await gql<{ startMembershipSync: Run }>(server.url, START, { input }, writer22);
        ids.push(started.data!.startMembershipSync.id);
        await waitFor(server.url, ids.at(-1)!, writer22);
      }
    }
    const first = await gql<{
      syncRuns: { totalCount: number; nodes: Run[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
    }>(server.url, RUNS, { source, first: 2 }, writer22);
    expect(first.errors).toBeUndefined();
    expect(first.data!.syncRuns.totalCount).toBe(3);
    expect(first.data!.syncRuns.nodes.map((run) => run.id)).toEqual([ids[2], ids[1]]);
    expect(first.data!.syncRuns.nodes[1]).toMatchObject({
      status: "SUCCEEDED",
      asynchronous: false,
      startedBy: "runs-hr-22",
      counts: { created: 2 },
    });
    expect(first.data!.syncRuns.pageInfo.hasNextPage).toBe(true);
    const second = await gql<{ syncRuns: { nodes: Run[]; pageInfo: { hasNextPage: boolean } } }>(
      server.url,
      RUNS,
      { source, first: 2, after: first.data!.syncRuns.pageInfo.endCursor },
      writer22,
    );
    expect(second.data!.syncRuns.nodes.map((run) => run.id)).toEqual([ids[0]]);
    expect(second.data!.syncRuns.pageInfo.hasNextPage).toBe(false);
    // A synchronous run keeps no result: its caller had it in the answer.
    const synchronous = await gql<{ syncRun: Run }>(server.url, RUN, { id: ids[1] }, writer22);
    expect(synchronous.data!.syncRun).toMatchObject({ asynchronous: false, result: null, counts: { created: 2 } });
  });

  it("is read by admin and by keys that may run the sync; other regions' keys and readers are refused or see none", async () => {
    const input = { sourceSystem: "runs-access", scope: { countyCode: "22" }, memberships: rows(1, "acc") };
    const sync = await gql<{ syncMemberships: { runId: string } }>(server.url, SYNC, { input }, writer22);
    const id = sync.data!.syncMemberships.runId;
    const byAdmin = await gql<{ syncRun: Run }>(server.url, RUN, { id }, admin);
    expect(byAdmin.data!.syncRun.id).toBe(id);
    const byOtherRegion = await gql(server.url, RUN, { id }, writer01);
    expect(byOtherRegion.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const byReader = await gql(server.url, RUN, { id }, reader);
    expect(byReader.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const anonymous = await gql(server.url, RUN, { id }, {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const listedForOtherRegion = await gql<{ syncRuns: { totalCount: number } }>(
      server.url,
      RUNS,
      { source: "runs-access" },
      writer01,
    );
    expect(listedForOtherRegion.data!.syncRuns.totalCount).toBe(0);
    const listedForAdmin = await gql<{ syncRuns: { totalCount: number } }>(
      server.url,
      RUNS,
      { source: "runs-access" },
      admin,
    );
    expect(listedForAdmin.data!.syncRuns.totalCount).toBe(1);
    const unknown = await gql<{ syncRun: Run | null }>(
      server.url,
      RUN,
      { id: "00000000-0000-4000-8000-000000000000" },
      admin,
    );
    expect(unknown.data!.syncRun).toBeNull();
  });
});

describe("a server restart", () => {
  it("marks a run whose server was killed (SIGKILL) mid-run FAILED at the next start; nothing of it was applied", async () => {
    const database = await createTestDatabase();
    const prisma = createPrismaClient({ url: database.url, poolSize: 2 });
    const { key } = await createApiKey(prisma, { name: "restart-hr", scopes: ["write"] });
    const headers = { authorization: `Bearer ${key}` };
    const input = { sourceSystem: "runs-restart", scope: { countyCode: "22" }, memberships: rows(2_000, "rs") };
    const blocker = new pg.Client({ connectionString: database.url });
    await blocker.connect();
    try {
      const snapshot = async () => ({
        memberships: await prisma.membership.count(),
        people: await prisma.person.count(),
      });
      const before = await snapshot();
      const killed = await startChildServer(database.url);
      // The change-feed lock is taken after a sync's writes, before its commit: the run is caught with everything written and nothing committed.
      await blocker.query("SELECT pg_advisory_lock($1)", [CHANGE_FEED_LOCK]);
      const started = await gql<{ startMembershipSync: Run }>(killed.url, START, { input }, headers);
      expect(started.errors).toBeUndefined();
      const id = started.data!.startMembershipSync.id;
      let waiting = false;
      for (let attempt = 0; attempt < 600 && !waiting; attempt++) {
        const { rows: found } = await blocker.query(
          "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory' AND pid <> pg_backend_pid()",
        );
        waiting = found.length > 0;
        if (!waiting) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(waiting).toBe(true);
      expect((await prisma.syncRun.findUniqueOrThrow({ where: { id } })).status).toBe("RUNNING");
      const exited = new Promise((resolve) => killed.child.once("exit", resolve));
      killed.child.kill("SIGKILL");
      await exited;
      await blocker.query("SELECT pg_advisory_unlock($1)", [CHANGE_FEED_LOCK]);

      const restarted = await startChildServer(database.url);
      try {
        const run = await waitFor(restarted.url, id, headers, ["FAILED"]);
        expect(run).toMatchObject({
          status: "FAILED",
          errorCode: "SERVICE_UNAVAILABLE",
          error: "interrupted by a server restart; nothing was applied",
          applied: null,
        });
        expect(await snapshot()).toEqual(before);
        // The same list then goes through on the restarted server.
        const again = await gql<{ startMembershipSync: Run }>(restarted.url, START, { input }, headers);
        const succeeded = await waitFor(restarted.url, again.data!.startMembershipSync.id, headers);
        expect(succeeded).toMatchObject({ status: "SUCCEEDED", counts: { created: 2_000 } });
      } finally {
        const stopped = new Promise((resolve) => restarted.child.once("exit", resolve));
        restarted.child.kill("SIGTERM");
        await stopped;
      }
    } finally {
      await blocker.end();
      await prisma.$disconnect();
      await database.drop();
    }
  });
});
