import pg from "pg";
import { createApiKey } from "../src/access/api-keys";
import { CHANGE_FEED_LOCK } from "../src/db/audit-log";
import { createPrismaClient } from "../src/db/prisma";
import { MAX_SYNC_ROWS } from "../src/modules/sync/sync.inputs";
import { startChildServer } from "./support/child-server";
import { waitForRun } from "./support/sync-run";
import { createTestDatabase } from "./support/test-database";
import { gql, lpoSlugs, startTestServer, type GraphQLResponse, type TestServer } from "./support/test-server";

/**
 * Lists longer than one request takes: a run is opened (`openMembershipSync`), takes its rows in
 * chunks (`addMembershipSyncRows`) kept in the database, and runs in the background once started
 * (`startOpenedMembershipSync`) exactly as `startMembershipSync` would run the whole list.
 */
const OPEN = `mutation($input: SyncMembershipsInput!) { openMembershipSync(input: $input) { id status rowsTotal asynchronous startedBy } }`;
const ADD = `mutation($input: AddSyncRowsInput!) { addMembershipSyncRows(input: $input) { id status rowsTotal } }`;
const START_OPENED = `mutation($id: ID!) { startOpenedMembershipSync(id: $id) { id status rowsTotal } }`;
const START = `mutation($input: SyncMembershipsInput!) { startMembershipSync(input: $input) { id } }`;
const SYNC = `mutation($input: SyncMembershipsInput!) { syncMemberships(input: $input) { applied } }`;
const RUN = `query($id: ID!) {
  syncRun(id: $id) {
    id status rowsTotal rowsDone applied errorCode error
    result {
      counts { created updated unchanged failed ended peopleCreated }
      items { index externalId status errors { field code } }
      created { externalId personExternalId group }
    }
  }
}`;

interface Run {
  id: string;
  status: string;
  rowsTotal: number;
  rowsDone: number;
  applied: boolean | null;
  errorCode: string | null;
  error: string | null;
  result: {
    counts: Record<string, number>;
    items: { index: number; externalId: string | null; status: string; errors: { field: string; code: string }[] }[];
    created: { externalId: string; personExternalId: string; group: string }[];
  } | null;
}

let server: TestServer;
let writer22: Record<string, string>;
let otherWriter22: Record<string, string>;
let writer01: Record<string, string>;
let writer: Record<string, string>;
let lpos22: string[];

beforeAll(async () => {
  server = await startTestServer();
  writer22 = await server.keyHeaders(["write:region:22"], "staged-hr-22");
  otherWriter22 = await server.keyHeaders(["write:region:22"], "staged-other-22");
  writer01 = await server.keyHeaders(["write:region:01"], "staged-hr-01");
  writer = await server.keyHeaders(["write"], "staged-national");
  lpos22 = await lpoSlugs(server.prisma, "22");
});

afterAll(() => server.stop());

function rows(count: number, prefix: string, from = 0) {
  return Array.from({ length: count }, (_, n) => {
    const i = from + n;
    return {
      externalId: `${prefix}-m${i}`,
      person: { externalId: `${prefix}-p${i}`, givenName: "Stegvis", familyName: `Person ${prefix} ${i}` },
      group: lpos22[i % lpos22.length]!,
      role: "MEMBER",
      representing: "region-vasternorrland",
      validFrom: "2024-01-01",
    };
  });
}

const codeOf = (response: GraphQLResponse) => response.errors?.[0]?.extensions?.code;

async function open(input: Record<string, unknown>, headers = writer22) {
  const opened = await gql<{ openMembershipSync: { id: string; status: string; rowsTotal: number } }>(
    server.url,
    OPEN,
    { input: { scope: { countyCode: "22" }, ...input } },
    headers,
  );
  expect(opened.errors).toBeUndefined();
  return opened.data!.openMembershipSync;
}

function add(runId: string, offset: number, memberships: unknown[], headers = writer22) {
  return gql<{ addMembershipSyncRows: { id: string; status: string; rowsTotal: number } }>(
    server.url,
    ADD,
    { input: { runId, offset, memberships } },
    headers,
  );
}

function startOpened(id: string, headers = writer22) {
  return gql<{ startOpenedMembershipSync: { id: string; status: string; rowsTotal: number } }>(
    server.url,
    START_OPENED,
    { id },
    headers,
  );
}

const waitFor = (url: string, id: string, headers: Record<string, string>, done?: string[]) =>
  waitForRun<Run>(url, RUN, id, headers, done);

const keptChunks = (runId: string) => server.prisma.syncRunChunk.count({ where: { runId } });

describe("one request", () => {
  it(`takes at most ${MAX_SYNC_ROWS} rows, and says how to send more`, async () => {
    for (const query of [SYNC, START, OPEN]) {
      const response = await gql(
        server.url,
        query,
        {
          input: {
            sourceSystem: "staged-too-many",
            scope: { countyCode: "22" },
            memberships: rows(MAX_SYNC_ROWS + 1, "tm"),
          },
        },
        writer22,
      );
      expect(codeOf(response)).toBe("BAD_USER_INPUT");
      expect(response.errors?.[0]?.message).toContain("addMembershipSyncRows");
    }
    const opened = await open({ sourceSystem: "staged-too-many", memberships: [] });
    expect(codeOf(await add(opened.id, 0, rows(MAX_SYNC_ROWS + 1, "tm")))).toBe("BAD_USER_INPUT");
    expect(codeOf(await add(opened.id, 0, []))).toBe("BAD_USER_INPUT");
    expect(await server.prisma.syncRun.findUniqueOrThrow({ where: { id: opened.id } })).toMatchObject({ rowsTotal: 0 });
  });
});

describe("an opened run", () => {
  it("takes more rows than one request in chunks and runs them as one list, like startMembershipSync", async () => {
    const total = MAX_SYNC_ROWS + 2_500;
    const opened = await open({ sourceSystem: "staged-big", memberships: rows(5_000, "sb") });
    expect(opened).toMatchObject({ status: "STAGING", rowsTotal: 5_000 });
    expect((await add(opened.id, 5_000, rows(5_000, "sb", 5_000))).data?.addMembershipSyncRows.rowsTotal).toBe(10_000);
    const last = await add(opened.id, 10_000, rows(total - 10_000, "sb", 10_000));
    expect(last.data?.addMembershipSyncRows).toMatchObject({ status: "STAGING", rowsTotal: total });
    // Nothing runs before the start.
    expect(await server.prisma.membership.count({ where: { sourceSystem: "staged-big" } })).toBe(0);

    const started = await startOpened(opened.id);
    expect(started.errors).toBeUndefined();
    expect(started.data!.startOpenedMembershipSync).toMatchObject({ status: "QUEUED", rowsTotal: total });
    const run = await waitFor(server.url, opened.id, writer22);
    expect(run).toMatchObject({ status: "SUCCEEDED", applied: true, rowsDone: total, errorCode: null });
    expect(run.result!.counts).toMatchObject({ created: total, failed: 0, peopleCreated: total });
    // One list in the order of its chunks.
    expect(run.result!.items.map((item) => item.index)).toEqual([...Array(total).keys()]);
    expect(run.result!.items.map((item) => item.externalId)).toEqual(rows(total, "sb").map((row) => row.externalId));
    expect(run.result!.created[7_500]).toEqual({
      externalId: "sb-m7500",
      personExternalId: "sb-p7500",
      group: lpos22[7_500 % lpos22.length],
    });
    expect(await server.prisma.membership.count({ where: { sourceSystem: "staged-big" } })).toBe(total);
    expect(await server.prisma.auditEvent.count({ where: { syncRunId: opened.id } })).toBe(2 * total);
    // The rows are not kept once the run finished.
    expect(await keptChunks(opened.id)).toBe(0);

    // The same list again, in other chunks: every row unchanged.
    const again = await open({ sourceSystem: "staged-big", memberships: [] });
    for (let offset = 0; offset < total; offset += 4_000)
      expect((await add(again.id, offset, rows(Math.min(4_000, total - offset), "sb", offset))).errors).toBeUndefined();
    await startOpened(again.id);
    const rerun = await waitFor(server.url, again.id, writer22);
    expect(rerun.result!.counts).toMatchObject({ created: 0, updated: 0, unchanged: total, failed: 0 });
  });

  it("takes a chunk sent again at its offset as already sent, and refuses another chunk there or at a gap", async () => {
    const opened = await open({ sourceSystem: "staged-retry", memberships: rows(3, "sr") });
    const second = rows(3, "sr", 3);
    expect((await add(opened.id, 3, second)).data?.addMembershipSyncRows.rowsTotal).toBe(6);
    // The answer was lost; the client sends the chunk again.
    expect((await add(opened.id, 3, second)).data?.addMembershipSyncRows.rowsTotal).toBe(6);
    // The first chunk, sent with the input that opened the run, is recognised too.
    expect((await add(opened.id, 0, rows(3, "sr"))).data?.addMembershipSyncRows.rowsTotal).toBe(6);

    const different = await add(opened.id, 3, rows(3, "other", 3));
    expect(codeOf(different)).toBe("CONFLICT");
    expect(different.errors?.[0]?.extensions?.expectedOffset).toBe(6);
    for (const offset of [1, 4, 7, 100]) {
      const gap = await add(opened.id, offset, rows(1, "gap"));
      expect(codeOf(gap)).toBe("BAD_USER_INPUT");
      expect(gap.errors?.[0]?.extensions?.expectedOffset).toBe(6);
    }
    expect(codeOf(await add(opened.id, -1, rows(1, "neg")))).toBe("BAD_USER_INPUT");

    await startOpened(opened.id);
    const run = await waitFor(server.url, opened.id, writer22);
    expect(run.result!.counts).toMatchObject({ created: 6, failed: 0 });
  });

  it("takes chunks and its start only from the key that opened it, and starts once", async () => {
    const opened = await open({ sourceSystem: "staged-keys", memberships: rows(2, "sk") });
    // Another key of the same region, even a national one: no such run for them.
    for (const headers of [otherWriter22, writer]) {
      expect(codeOf(await add(opened.id, 2, rows(1, "sk", 2), headers))).toBe("NOT_FOUND");
      expect(codeOf(await startOpened(opened.id, headers))).toBe("NOT_FOUND");
    }
    // A key of another region may not write the scope at all.
    expect(codeOf(await add(opened.id, 2, rows(1, "sk", 2), writer01))).toBe("FORBIDDEN");
    expect(codeOf(await startOpened(opened.id, writer01))).toBe("FORBIDDEN");
    // No key may start or fill a run that was not opened.
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect(codeOf(await startOpened(unknown))).toBe("NOT_FOUND");
    const direct = await gql<{ startMembershipSync: { id: string } }>(
      server.url,
      START,
      { input: { sourceSystem: "staged-keys", scope: { countyCode: "22" }, memberships: [] } },
      writer22,
    );
    expect(codeOf(await add(direct.data!.startMembershipSync.id, 0, rows(1, "sk")))).toBe("NOT_FOUND");

    expect((await startOpened(opened.id)).errors).toBeUndefined();
    expect(codeOf(await startOpened(opened.id))).toBe("CONFLICT");
    expect(codeOf(await add(opened.id, 2, rows(1, "sk", 2)))).toBe("CONFLICT");
    expect((await waitFor(server.url, opened.id, writer22)).result!.counts).toMatchObject({ created: 2 });
  });

  it("reports a bad cell of any chunk on its row, by its position in the whole list", async () => {
    const opened = await open({ sourceSystem: "staged-bad-cells", memberships: rows(2, "bc") });
    const bad = rows(2, "bc", 2);
    bad[1]!.person.familyName = "Nul\u0000Byte";
    bad[0]!.validFrom = "2025-13-01";
    await add(opened.id, 2, bad);
    await startOpened(opened.id);
    const run = await waitFor(server.url, opened.id, writer22);
    expect(run.result!.counts).toMatchObject({ created: 2, failed: 2 });
    expect(run.result!.items.filter((item) => item.status === "FAILED")).toEqual([
      { index: 2, externalId: "bc-m2", status: "FAILED", errors: [{ field: "validFrom", code: "BAD_USER_INPUT" }] },
      {
        index: 3,
        externalId: "bc-m3",
        status: "FAILED",
        errors: [{ field: "person.familyName", code: "BAD_USER_INPUT" }],
      },
    ]);
  });

  it("is refused like any REPLACE when it would end too much, having applied nothing", async () => {
    const source = "staged-replace";
    const first = await open({ sourceSystem: source, memberships: rows(10, "rp") });
    await startOpened(first.id);
    expect((await waitFor(server.url, first.id, writer22)).status).toBe("SUCCEEDED");
    const truncated = await open({ sourceSystem: source, mode: "REPLACE", memberships: rows(2, "rp") });
    await startOpened(truncated.id);
    const run = await waitFor(server.url, truncated.id, writer22);
    expect(run).toMatchObject({ status: "FAILED", errorCode: "BAD_USER_INPUT", applied: null });
    expect(await server.prisma.membership.count({ where: { sourceSystem: source, validTo: null } })).toBe(10);
    expect(await keptChunks(truncated.id)).toBe(0);
  });
});

describe("a server restart", () => {
  it("fails a started run whose server died and a run never started within a day; their rows are dropped, nothing applied", async () => {
    const database = await createTestDatabase();
    const prisma = createPrismaClient({ url: database.url, poolSize: 2 });
    const { key } = await createApiKey(prisma, { name: "staged-restart", scopes: ["write"] });
    const headers = { authorization: `Bearer ${key}` };
    const blocker = new pg.Client({ connectionString: database.url });
    await blocker.connect();
    try {
      const memberships = () => prisma.membership.count();
      const before = await memberships();
      const killed = await startChildServer(database.url);
      const openOn = async (sourceSystem: string) => {
        const opened = await gql<{ openMembershipSync: { id: string } }>(
          killed.url,
          OPEN,
          { input: { sourceSystem, scope: { countyCode: "22" }, memberships: rows(1_000, sourceSystem) } },
          headers,
        );
        const id = opened.data!.openMembershipSync.id;
        const added = await gql(
          killed.url,
          ADD,
          { input: { runId: id, offset: 1_000, memberships: rows(1_000, sourceSystem, 1_000) } },
          headers,
        );
        expect(added.errors).toBeUndefined();
        return id;
      };
      const abandoned = await openOn("staged-abandoned");
      await prisma.$executeRaw`UPDATE "sync_run" SET "created_at" = now() - interval '25 hours' WHERE "id" = ${abandoned}::uuid`;
      const interrupted = await openOn("staged-interrupted");
      // Caught with its writes done and nothing committed (see tests/sync-runs.test.ts).
      await blocker.query("SELECT pg_advisory_lock($1)", [CHANGE_FEED_LOCK]);
      expect((await gql(killed.url, START_OPENED, { id: interrupted }, headers)).errors).toBeUndefined();
      let waiting = false;
      for (let attempt = 0; attempt < 600 && !waiting; attempt++) {
        const { rows: found } = await blocker.query(
          "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory' AND pid <> pg_backend_pid()",
        );
        waiting = found.length > 0;
        if (!waiting) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(waiting).toBe(true);
      const exited = new Promise((resolve) => killed.child.once("exit", resolve));
      killed.child.kill("SIGKILL");
      await exited;
      await blocker.query("SELECT pg_advisory_unlock($1)", [CHANGE_FEED_LOCK]);

      const restarted = await startChildServer(database.url);
      try {
        expect(await waitFor(restarted.url, interrupted, headers, ["FAILED"])).toMatchObject({
          errorCode: "SERVICE_UNAVAILABLE",
          error: "interrupted by a server restart; nothing was applied",
        });
        expect(await waitFor(restarted.url, abandoned, headers, ["FAILED"])).toMatchObject({
          errorCode: "BAD_USER_INPUT",
          error: "opened but not started within 24 hours; nothing was applied",
        });
        expect(await memberships()).toBe(before);
        for (let attempt = 0; attempt < 100 && (await prisma.syncRunChunk.count()) > 0; attempt++)
          await new Promise((resolve) => setTimeout(resolve, 100));
        expect(await prisma.syncRunChunk.count()).toBe(0);
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
