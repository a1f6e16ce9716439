import { subscribe, unsubscribe } from "node:diagnostics_channel";
import pg from "pg";
import { CHANGE_FEED_LOCK } from "../src/db/audit-log";
import { gql, lpoSlugs, startTestServer, type TestServer } from "./support/test-server";

/**
 * Syncs of different scopes do not wait for each other's group locks, yet may both create the
 * same new person: the same external id of one source, or the same HSA-id from two sources. Both
 * must succeed with one person, whatever order their rows are in, and neither may have to be
 * rerun from the start (a sync of 10 000 rows rerun is seconds lost, and reruns are bounded: a
 * third would fail the run) or deadlock: they serialise on the people's keys.
 */
const SYNC = `mutation($input: SyncMembershipsInput!) {
  syncMemberships(input: $input) {
    applied
    counts { created failed peopleCreated }
    failures { index errors { code field message } }
  }
}`;

interface Result {
  applied: boolean;
  counts: { created: number; failed: number; peopleCreated: number };
  failures: { index: number; errors: { code: string; field: string; message: string }[] }[];
}

let server: TestServer;
let writer: Record<string, string>;
let groups: string[];

beforeAll(async () => {
  server = await startTestServer();
  writer = await server.keyHeaders(["write:region:22"], "concurrent-hr");
  groups = await lpoSlugs(server.prisma, "22");
});

afterAll(() => server.stop());

/** How many times each run started (locked its scope): more than once is a rerun of the whole transaction. */
const starts = new Map<string, number>();
const onProgress = (message: unknown) => {
  const { runId, phase } = message as { runId: string; phase: string };
  if (phase === "started") starts.set(runId, (starts.get(runId) ?? 0) + 1);
};
beforeEach(() => {
  starts.clear();
  subscribe("kunskapsgraf:sync", onProgress);
});
afterEach(() => {
  unsubscribe("kunskapsgraf:sync", onProgress);
  expect([...starts.values()].filter((count) => count > 1)).toEqual([]);
  expect(starts.size).toBeGreaterThan(0);
});

const PEOPLE = 300;

function people(round: number) {
  return Array.from({ length: PEOPLE }, (_, i) => ({
    externalId: `race-${round}-p${i}`,
    hsaId: `SE2321000180-RACE${round}X${String(i).padStart(5, "0")}`,
    givenName: "Samtidig",
    familyName: `Person ${round} ${i}`,
  }));
}

async function sync(sourceSystem: string, group: string, rows: Record<string, unknown>[]) {
  return gql<{ syncMemberships: Result }>(
    server.url,
    SYNC,
    { input: { sourceSystem, scope: { groups: [group] }, memberships: rows } },
    writer,
  );
}

function rowsFor(prefix: string, group: string, persons: Record<string, unknown>[]) {
  return persons.map((person, i) => ({
    externalId: `${prefix}-m${i}`,
    person,
    group,
    role: "MEMBER",
    validFrom: "2024-01-01",
  }));
}

it("six syncs of different scopes that create the same people (same source's external ids) all succeed with one person each, none rerun", async () => {
  for (let round = 0; round < 3; round++) {
    const persons = people(round).map(({ externalId, givenName, familyName }) => ({
      externalId,
      givenName,
      familyName,
    }));
    // Opposite orders: without a common order of locking, the two inserts would wait for each other.
    const results = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((k) =>
        sync("race-hr", groups[k]!, rowsFor(`${k}-${round}`, groups[k]!, k % 2 ? [...persons].reverse() : persons)),
      ),
    );
    for (const result of results) {
      expect(result.errors).toBeUndefined();
      expect(result.data!.syncMemberships).toMatchObject({ applied: true, counts: { created: PEOPLE, failed: 0 } });
    }
    expect(results.reduce((sum, result) => sum + result.data!.syncMemberships.counts.peopleCreated, 0)).toBe(PEOPLE);
    expect(
      await server.prisma.person.count({
        where: { sourceSystem: "race-hr", externalId: { startsWith: `race-${round}-` } },
      }),
    ).toBe(PEOPLE);
  }
});

it("six syncs from six sources that create people with the same HSA-ids all succeed with one person each, none rerun", async () => {
  for (let round = 10; round < 13; round++) {
    const persons = people(round);
    const results = await Promise.all(
      [6, 7, 8, 9, 10, 11].map((k) =>
        sync(
          `race-hsa-${k}`,
          groups[k]!,
          rowsFor(`h${k}-${round}`, groups[k]!, k % 2 ? [...persons].reverse() : persons),
        ),
      ),
    );
    for (const result of results) {
      expect(result.errors).toBeUndefined();
      expect(result.data!.syncMemberships).toMatchObject({ applied: true, counts: { created: PEOPLE, failed: 0 } });
    }
    expect(await server.prisma.person.count({ where: { hsaId: { startsWith: `SE2321000180-RACE${round}X` } } })).toBe(
      PEOPLE,
    );
  }
});

it("syncs of different scopes whose people all exist do not wait for each other's person keys", async () => {
  // Two regions' lists, each of its own source, loaded once: their people now exist.
  const lists = [12, 13].map((k) => ({
    source: `nightly-${k}`,
    group: groups[k]!,
    rows: rowsFor(`n${k}`, groups[k]!, people(20 + k)),
  }));
  for (const { source, group, rows } of lists) {
    const first = await sync(source, group, rows);
    expect(first.data?.syncMemberships.counts).toMatchObject({ created: PEOPLE, failed: 0 });
  }
  // The nightly re-run, with a change each, caught before commit: a sync takes the change-feed
  // lock after all its writes, so holding it stops both where the first would still hold any
  // person-key lock it took.
  const blocker = new pg.Client({ connectionString: server.database.url });
  await blocker.connect();
  try {
    await blocker.query("SELECT pg_advisory_lock($1)", [CHANGE_FEED_LOCK]);
    const pending = lists.map(({ source, group, rows }) =>
      sync(
        source,
        group,
        rows.map((row, i) => (i === 0 ? { ...row, validTo: "2030-12-31" } : row)),
      ),
    );
    // Advisory locks waited for, by lock: objsubid 1 for a bigint key (the change feed's), 2 for
    // an (int, int) key (a person-key bucket).
    let waiting: { objsubid: number }[] = [];
    for (let attempt = 0; attempt < 300 && waiting.length < 2; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ({ rows: waiting } = await blocker.query<{ objsubid: number }>(
        `SELECT l.objsubid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND NOT l.granted AND a.datname = current_database()`,
      ));
    }
    // Both reached their commit side by side; neither waits for the other's people.
    expect(waiting.map((lock) => lock.objsubid)).toEqual([1, 1]);
    await blocker.query("SELECT pg_advisory_unlock($1)", [CHANGE_FEED_LOCK]);
    for (const result of await Promise.all(pending)) {
      expect(result.errors).toBeUndefined();
      expect(result.data!.syncMemberships).toMatchObject({ applied: true, counts: { created: 0, failed: 0 } });
    }
  } finally {
    await blocker.end();
  }
});

it("syncs at once leave pool connections for reads: at most half the pool runs syncs, the others wait their turn", async () => {
  const small = await startTestServer({ poolSize: 2 });
  const blocker = new pg.Client({ connectionString: small.database.url });
  await blocker.connect();
  try {
    const headers = await small.keyHeaders(["write:region:22"], "small-pool");
    const lpos = await lpoSlugs(small.prisma, "22");
    // Every sync is held at its commit (see above) once it has its transaction.
    await blocker.query("SELECT pg_advisory_lock($1)", [CHANGE_FEED_LOCK]);
    const pending = [0, 1, 2].map((k) =>
      gql<{ syncMemberships: Result }>(
        small.url,
        SYNC,
        {
          input: {
            sourceSystem: `small-pool-${k}`,
            scope: { groups: [lpos[k]!] },
            memberships: rowsFor(`s${k}`, lpos[k]!, people(30 + k).slice(0, 5)),
          },
        },
        headers,
      ),
    );
    const heldSyncs = async () =>
      (
        await blocker.query(
          `SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND NOT l.granted AND a.datname = current_database()`,
        )
      ).rowCount;
    for (let attempt = 0; attempt < 300 && (await heldSyncs()) === 0; attempt++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    // One sync holds one of the two connections; a read gets the other at once.
    const read = await Promise.race([
      gql<{ healthcareRegions: unknown[] }>(small.url, "{ healthcareRegions { name } }"),
      new Promise<"no connection">((resolve) => setTimeout(() => resolve("no connection"), 5_000)),
    ]);
    expect(read).not.toBe("no connection");
    expect(read === "no connection" ? undefined : read.data?.healthcareRegions).toHaveLength(6);
    expect(await heldSyncs()).toBe(1);
    await blocker.query("SELECT pg_advisory_unlock($1)", [CHANGE_FEED_LOCK]);
    for (const result of await Promise.all(pending)) {
      expect(result.errors).toBeUndefined();
      expect(result.data!.syncMemberships).toMatchObject({ applied: true, counts: { created: 5, failed: 0 } });
    }
  } finally {
    await blocker.end();
    await small.stop();
  }
});
