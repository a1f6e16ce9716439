import pg from "pg";
import { createApiKey } from "../src/access/api-keys";
import { CHANGE_FEED_LOCK } from "../src/db/audit-log";
import { createPrismaClient } from "../src/db/prisma";
import { startChildServer } from "./support/child-server";
import { createTestDatabase } from "./support/test-database";
import { gql, lpoSlugs, startTestServer, type TestServer } from "./support/test-server";

const SYNC = `mutation($input: SyncMembershipsInput!) {
  syncMemberships(input: $input) {
    runId applied dryRun mode
    counts { created updated ended unchanged failed peopleCreated }
    failures { index externalId status errors { code field message } }
    items { index status membershipId }
    endedMembershipIds
  }
}`;

interface SyncResult {
  runId: string;
  applied: boolean;
  dryRun: boolean;
  counts: { created: number; updated: number; ended: number; unchanged: number; failed: number; peopleCreated: number };
  failures: {
    index: number;
    externalId: string;
    status: string;
    errors: { code: string; field: string; message: string }[];
  }[];
  items: { index: number; status: string; membershipId: string | null }[];
  endedMembershipIds: string[];
}

interface Row {
  externalId: string;
  person: { externalId?: string; hsaId?: string; givenName: string; familyName: string };
  group: string;
  role: string;
  representing?: string;
  validFrom: string;
  validTo?: string | null;
}

let server: TestServer;
let writer: Record<string, string>;
let lpos22: string[];

beforeAll(async () => {
  server = await startTestServer();
  writer = await server.keyHeaders(["write:region:22"], "vasternorrland-hr");
  lpos22 = await lpoSlugs(server.prisma, "22");
});

afterAll(() => server.stop());

/** `count` valid rows for county 22's LPOs: members representing the region, one person each. */
function rows(count: number, prefix: string, groups = lpos22): Row[] {
  return Array.from({ length: count }, (_, i) => ({
    externalId: `${prefix}-m${i}`,
    person: {
      externalId: `${prefix}-p${i}`,
      hsaId: `SE2321000180-${prefix.toUpperCase()}${String(i).padStart(6, "0")}`,
      givenName: "Anna",
      familyName: `Sync ${prefix} ${i}`,
    },
    group: groups[i % groups.length]!,
    role: "MEMBER",
    representing: "region-vasternorrland",
    validFrom: "2024-01-01",
  }));
}

async function sync(input: Record<string, unknown>, headers = writer): Promise<SyncResult> {
  const response = await gql<{ syncMemberships: SyncResult }>(
    server.url,
    SYNC,
    { input: { sourceSystem: "hr-22", scope: { countyCode: "22" }, ...input } },
    headers,
  );
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data!.syncMemberships;
}

async function state(sourceSystem = "hr-22") {
  const memberships = await server.prisma.membership.findMany({
    where: { sourceSystem },
    orderBy: { externalId: "asc" },
  });
  return memberships.map((m) => ({
    externalId: m.externalId,
    personId: m.personId,
    groupId: m.groupId,
    role: m.role,
    validFrom: m.validFrom,
    validTo: m.validTo,
    version: m.version,
  }));
}

const auditCount = () => server.prisma.auditEvent.count();

describe("syncMemberships", () => {
  it("creates into an empty scope, then reports an identical re-run unchanged without writing anything", async () => {
    const list = rows(60, "a");
    const first = await sync({ memberships: list, mode: "REPLACE" });
    expect(first).toMatchObject({
      applied: true,
      counts: { created: 60, updated: 0, ended: 0, unchanged: 0, failed: 0, peopleCreated: 60 },
    });
    expect(first.items.every((item) => item.status === "CREATED" && item.membershipId)).toBe(true);
    const events = await server.prisma.auditEvent.findMany({ where: { syncRunId: first.runId } });
    expect(events).toHaveLength(120);
    expect(new Set(events.map((e) => e.actor))).toEqual(new Set(["vasternorrland-hr"]));

    const before = { rows: await state(), audit: await auditCount(), people: await server.prisma.person.count() };
    const again = await sync({ memberships: list, mode: "REPLACE" });
    expect(again.counts).toEqual({ created: 0, updated: 0, ended: 0, unchanged: 60, failed: 0, peopleCreated: 0 });
    expect({ rows: await state(), audit: await auditCount(), people: await server.prisma.person.count() }).toEqual(
      before,
    );
  });

  it("updates changed rows and, in REPLACE mode, ends what the list no longer has; MERGE leaves it", async () => {
    const list = rows(60, "a");
    const changed = list.slice(0, 50).map((row, i) => (i < 3 ? { ...row, validTo: "2026-06-30" } : row));
    const merge = await sync({ memberships: changed, mode: "MERGE" });
    expect(merge.counts).toMatchObject({ updated: 3, unchanged: 47, ended: 0 });
    const replace = await sync({ memberships: changed, mode: "REPLACE" });
    expect(replace.counts).toMatchObject({ updated: 0, unchanged: 50, ended: 10 });
    expect(replace.endedMembershipIds).toHaveLength(10);
    const ended = await server.prisma.membership.findMany({
      where: { sourceSystem: "hr-22", externalId: { in: list.slice(50).map((r) => r.externalId) } },
    });
    expect(ended.every((m) => m.validTo !== null && m.version === 2)).toBe(true);
    const audit = await server.prisma.auditEvent.findMany({ where: { syncRunId: replace.runId } });
    expect(audit.map((e) => e.action)).toEqual(Array(10).fill("ENDED"));
    // Nothing is deleted: the ended memberships are still there, with their history.
    expect(await server.prisma.membership.count({ where: { sourceSystem: "hr-22" } })).toBe(60);
  });

  it("does everything but commit in a dry run", async () => {
    const before = { rows: await state(), audit: await auditCount(), people: await server.prisma.person.count() };
    // Puts back the three changed end dates and reopens the ten ended memberships, adds five.
    const result = await sync({ memberships: [...rows(60, "a"), ...rows(5, "d")], mode: "REPLACE", dryRun: true });
    expect(result).toMatchObject({
      applied: false,
      dryRun: true,
      counts: { created: 5, updated: 13, unchanged: 47, peopleCreated: 5 },
    });
    expect(result.items.every((item) => item.membershipId === null)).toBe(true);
    expect({ rows: await state(), audit: await auditCount(), people: await server.prisma.person.count() }).toEqual(
      before,
    );
  });

  it("rejects a REPLACE run with a bad row as a whole, reporting the row, and leaves the previous state intact", async () => {
    const before = await state();
    const list = rows(60, "a");
    list[7] = { ...list[7]!, group: "lpo-01-psykisk-halsa" };
    const result = await sync({ memberships: list.slice(0, 40), mode: "REPLACE" });
    expect(result.applied).toBe(false);
    expect(result.failures).toEqual([
      expect.objectContaining({
        index: 7,
        status: "FAILED",
        errors: [expect.objectContaining({ field: "group", message: expect.stringContaining("outside") })],
      }),
    ]);
    expect(result.counts.ended).toBeGreaterThan(0);
    expect(await state()).toEqual(before);
  });

  it("checks each row: person keys, group, role, organisation, period, overlaps and duplicates, with index and reason", async () => {
    const base = rows(10, "v");
    const list: Row[] = [
      ...base.slice(0, 2),
      { ...base[2]!, person: { givenName: "Utan", familyName: "Nyckel" } },
      { ...base[3]!, person: { ...base[3]!.person, hsaId: "not-an-hsa-id" } },
      { ...base[4]!, group: "no-such-group" },
      { ...base[5]!, representing: "kommun-0180" },
      { ...base[6]!, validTo: "2023-01-01" },
      { ...base[7]!, externalId: base[0]!.externalId },
      { ...base[8]!, role: "CHAIR", group: base[0]!.group },
      {
        ...base[9]!,
        role: "CHAIR",
        group: base[0]!.group,
        person: { ...base[9]!.person, externalId: "v-other", hsaId: "SE2321000180-VOTHER" },
      },
    ];
    const result = await sync({ sourceSystem: "hr-22-checks", memberships: list, mode: "MERGE" });
    expect(result.applied).toBe(true);
    expect(result.failures.map((f) => [f.index, f.errors[0]!.field, f.errors[0]!.code])).toEqual([
      [2, "person", "BAD_USER_INPUT"],
      [3, "person.hsaId", "BAD_USER_INPUT"],
      [4, "group", "NOT_FOUND"],
      [5, "representing", "BAD_USER_INPUT"],
      [6, "validTo", "BAD_USER_INPUT"],
      [7, "externalId", "CONFLICT"],
      [9, "validFrom", "CONFLICT"],
    ]);
    expect(result.failures.at(-1)!.errors[0]!.message).toContain("chair");
    expect(result.counts).toMatchObject({ created: 3, failed: 7 });
  });

  it("refuses rows that start after or run past a dissolved group's last day, naming the field", async () => {
    const admin = await server.keyHeaders(["write"]);
    const lpo = await server.prisma.group.findUniqueOrThrow({ where: { slug: "lpo-22-akut-vard" } });
    const created = await gql<{ createGroup: { id: string } }>(
      server.url,
      `mutation($input: CreateGroupInput!) { createGroup(input: $input) { id } }`,
      {
        input: {
          slug: "lag-22-sync-upplost",
          kind: "LAG",
          name: "LAG upplöst",
          parent: Buffer.from(`LocalProgramArea:${lpo.id}`).toString("base64url"),
          validFrom: "2020-01-01",
        },
      },
      admin,
    );
    expect(created.errors).toBeUndefined();
    expect(
      (
        await gql(
          server.url,
          `mutation($input: DissolveGroupInput!) { dissolveGroup(input: $input) { validTo } }`,
          { input: { id: created.data!.createGroup.id, validTo: "2025-06-30" } },
          admin,
        )
      ).errors,
    ).toBeUndefined();
    const base = rows(5, "d", ["lag-22-sync-upplost"]).map((row) => ({
      ...row,
      representing: undefined,
      validFrom: "2025-01-01",
    }));
    const list: Row[] = [
      { ...base[0]!, validTo: null },
      { ...base[1]!, validTo: "2025-07-01" },
      { ...base[2]!, validFrom: "2025-07-01" },
      { ...base[3]!, validTo: "2025-06-30" },
      { ...base[4]!, validFrom: "2024-01-01", validTo: "2024-12-31" },
    ];
    const result = await sync({
      sourceSystem: "hr-22-dissolved",
      scope: { groups: ["lag-22-sync-upplost"] },
      memberships: list,
      mode: "MERGE",
    });
    expect(result.failures.map((f) => [f.index, f.errors.map((e) => [e.field, e.code])])).toEqual([
      [0, [["validTo", "BAD_USER_INPUT"]]],
      [1, [["validTo", "BAD_USER_INPUT"]]],
      [2, [["validFrom", "BAD_USER_INPUT"]]],
    ]);
    expect(result.counts).toMatchObject({ created: 2, failed: 3 });
    const kept = await server.prisma.membership.findMany({ where: { sourceSystem: "hr-22-dissolved" } });
    expect(kept.every((m) => m.validTo !== null && m.validTo.toISOString().slice(0, 10) <= "2025-06-30")).toBe(true);
  });

  it("applies 9 900 valid rows of 10 000 in MERGE mode and reports the 100 invalid ones; atomic rejects all", async () => {
    const list = rows(10_000, "bulk");
    const invalid = new Set<number>();
    for (let i = 0; i < 100; i++) {
      const index = i * 100 + 37;
      invalid.add(index);
      list[index] =
        i % 2 === 0 ? { ...list[index]!, group: `missing-${i}` } : { ...list[index]!, validTo: "2020-01-01" };
    }
    const atomic = await sync({ sourceSystem: "hr-22-bulk", memberships: list, mode: "MERGE", atomic: true });
    expect(atomic).toMatchObject({ applied: false, counts: { failed: 100, created: 9_900 } });
    expect(await server.prisma.membership.count({ where: { sourceSystem: "hr-22-bulk" } })).toBe(0);

    const merged = await sync({ sourceSystem: "hr-22-bulk", memberships: list, mode: "MERGE" });
    expect(merged).toMatchObject({ applied: true, counts: { failed: 100, created: 9_900, peopleCreated: 9_900 } });
    expect(merged.failures.map((f) => f.index)).toEqual([...invalid]);
    expect(merged.failures.every((f) => f.errors.length === 1 && f.errors[0]!.message.length > 0)).toBe(true);
    expect(await server.prisma.membership.count({ where: { sourceSystem: "hr-22-bulk" } })).toBe(9_900);
    const rerun = await sync({ sourceSystem: "hr-22-bulk", memberships: list, mode: "MERGE" });
    expect(rerun.counts).toMatchObject({ unchanged: 9_900, failed: 100, created: 0 });
  });

  it("ends two racing syncs of one scope in the state of one applied after the other", async () => {
    const listA = rows(40, "r").map((row) => ({ ...row, validFrom: "2024-02-01" }));
    const listB = rows(40, "r")
      .filter((_, i) => i % 2 === 0)
      .concat(rows(15, "s"));
    for (let round = 0; round < 4; round++) {
      const [a, b] = await Promise.all([
        sync({ sourceSystem: "hr-22-race", memberships: round % 2 ? listB : listA, mode: "REPLACE", maxEndedShare: 1 }),
        sync({ sourceSystem: "hr-22-race", memberships: round % 2 ? listA : listB, mode: "REPLACE", maxEndedShare: 1 }),
      ]);
      expect(a.applied && b.applied).toBe(true);
      const running = (
        await server.prisma.membership.findMany({ where: { sourceSystem: "hr-22-race", validTo: null } })
      )
        .map((m) => m.externalId)
        .sort();
      const expectA = listA.map((r) => r.externalId).sort();
      const expectB = listB.map((r) => r.externalId).sort();
      expect([expectA, expectB]).toContainEqual(running);
      const people = await server.prisma.person.groupBy({
        by: ["externalId"],
        where: { sourceSystem: "hr-22-race" },
        _count: { _all: true },
      });
      expect(people.every((p) => p._count._all === 1)).toBe(true);
    }
  });

  it("refuses a scope with groups of another region for a region's key", async () => {
    const response = await gql(
      server.url,
      SYNC,
      {
        input: {
          sourceSystem: "hr-22",
          scope: { groups: ["lpo-22-psykisk-halsa", "lpo-01-psykisk-halsa"] },
          memberships: [],
        },
      },
      writer,
    );
    expect(response.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const anonymous = await gql(server.url, SYNC, {
      input: { sourceSystem: "hr-22", scope: { countyCode: "22" }, memberships: [] },
    });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const badScope = await gql(
      server.url,
      SYNC,
      { input: { sourceSystem: "hr 22", scope: { countyCode: "2x" }, memberships: [] } },
      writer,
    );
    expect(badScope.errors?.[0]?.extensions?.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "input.sourceSystem" }),
        expect.objectContaining({ path: "input.scope.countyCode" }),
      ]),
    );
  });
});

describe("a sync that dies half way", () => {
  /**
   * Holds the change-feed lock, which a sync takes after it has written its rows and before it
   * commits, so the sync can be caught with all its writes made and none committed.
   */
  async function catchSyncBeforeCommit(databaseUrl: string, start: () => Promise<unknown>) {
    const blocker = new pg.Client({ connectionString: databaseUrl });
    await blocker.connect();
    await blocker.query("SELECT pg_advisory_lock($1)", [CHANGE_FEED_LOCK]);
    const pending = start().catch((error: unknown) => error);
    let waiting: number | undefined;
    for (let attempt = 0; attempt < 600 && waiting === undefined; attempt++) {
      const { rows } = await blocker.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory' AND pid <> pg_backend_pid()",
      );
      waiting = rows[0]?.pid;
      if (waiting === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (waiting === undefined) throw new Error("The sync never reached its commit");
    return { blocker, waiting, pending };
  }

  it("leaves the previous state intact when the server process is killed before commit, or the database connection fails", async () => {
    const database = await createTestDatabase();
    const prisma = createPrismaClient({ url: database.url, poolSize: 2 });
    const { key } = await createApiKey(prisma, { name: "killed-sync", scopes: ["write"] });
    const headers = { authorization: `Bearer ${key}` };
    const input = {
      sourceSystem: "hr-22-kill",
      scope: { countyCode: "22" },
      mode: "REPLACE",
      memberships: rows(2_000, "k"),
    };
    const snapshot = async () => ({
      memberships: await prisma.membership.count(),
      people: await prisma.person.count(),
      audit: await prisma.auditEvent.count(),
    });
    try {
      const before = await snapshot();

      const killed = await startChildServer(database.url);
      const caught = await catchSyncBeforeCommit(database.url, () => gql(killed.url, SYNC, { input }, headers));
      const { rows: written } = await caught.blocker.query<{ count: string }>("SELECT count(*) FROM membership");
      expect(Number(written[0]!.count)).toBe(before.memberships); // uncommitted rows are invisible
      killed.child.kill("SIGKILL");
      await new Promise((resolve) => killed.child.once("exit", resolve));
      await caught.pending;
      await caught.blocker.query("SELECT pg_advisory_unlock($1)", [CHANGE_FEED_LOCK]);
      // PostgreSQL rolls the transaction back when its client goes away.
      for (let attempt = 0; attempt < 100; attempt++) {
        const { rows: left } = await caught.blocker.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1", [
          caught.waiting,
        ]);
        if (left.length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await caught.blocker.end();
      expect(await snapshot()).toEqual(before);

      const served = await startChildServer(database.url);
      try {
        const broken = await catchSyncBeforeCommit(database.url, () => gql(served.url, SYNC, { input }, headers));
        await broken.blocker.query("SELECT pg_terminate_backend($1)", [broken.waiting]);
        const response = (await broken.pending) as { errors?: { extensions?: { code?: string } }[] };
        // A lost connection is the database being unavailable, not an internal error.
        expect(response.errors?.[0]?.extensions?.code).toBe("SERVICE_UNAVAILABLE");
        await broken.blocker.query("SELECT pg_advisory_unlock($1)", [CHANGE_FEED_LOCK]);
        await broken.blocker.end();
        expect(await snapshot()).toEqual(before);
        // The server keeps serving, and the same sync then goes through.
        const retried = await gql<{ syncMemberships: SyncResult }>(served.url, SYNC, { input }, headers);
        expect(retried.data?.syncMemberships.counts.created).toBe(2_000);
      } finally {
        const exited = new Promise((resolve) => served.child.once("exit", resolve));
        served.child.kill("SIGTERM");
        await exited;
      }
    } finally {
      await prisma.$disconnect();
      await database.drop();
    }
  });
});
