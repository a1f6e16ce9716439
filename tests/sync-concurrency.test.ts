import { gql, startTestServer, type TestServer } from "./support/test-server";

/**
 * Syncs of different scopes do not wait for each other's group locks, yet may both create the
 * same new person: the same external id of one source, or the same HSA-id from two sources. Both
 * must succeed with one person, whatever order their rows are in.
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
  groups = (
    await server.prisma.group.findMany({
      where: { countyCode: "22", kind: "LPO" },
      orderBy: { slug: "asc" },
      select: { slug: true },
    })
  ).map((g) => g.slug);
});

afterAll(() => server.stop());

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

it("two syncs of different scopes that create the same people (same source's external ids) both succeed with one person each", async () => {
  for (let round = 0; round < 3; round++) {
    const persons = people(round).map(({ externalId, givenName, familyName }) => ({
      externalId,
      givenName,
      familyName,
    }));
    // Opposite orders: without a common order of locking, the two inserts would wait for each other.
    const [a, b] = await Promise.all([
      sync("race-hr", groups[0]!, rowsFor(`a${round}`, groups[0]!, persons)),
      sync("race-hr", groups[1]!, rowsFor(`b${round}`, groups[1]!, [...persons].reverse())),
    ]);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    expect(a.data!.syncMemberships).toMatchObject({ applied: true, counts: { created: PEOPLE, failed: 0 } });
    expect(b.data!.syncMemberships).toMatchObject({ applied: true, counts: { created: PEOPLE, failed: 0 } });
    expect(a.data!.syncMemberships.counts.peopleCreated + b.data!.syncMemberships.counts.peopleCreated).toBe(PEOPLE);
    expect(
      await server.prisma.person.count({
        where: { sourceSystem: "race-hr", externalId: { startsWith: `race-${round}-` } },
      }),
    ).toBe(PEOPLE);
  }
});

it("two syncs from two sources that create a person with the same HSA-id both succeed with one person", async () => {
  for (let round = 10; round < 13; round++) {
    const persons = people(round);
    const [a, b] = await Promise.all([
      sync("race-hsa-a", groups[2]!, rowsFor(`ha${round}`, groups[2]!, persons)),
      sync("race-hsa-b", groups[3]!, rowsFor(`hb${round}`, groups[3]!, [...persons].reverse())),
    ]);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    expect(a.data!.syncMemberships).toMatchObject({ applied: true, counts: { created: PEOPLE, failed: 0 } });
    expect(b.data!.syncMemberships).toMatchObject({ applied: true, counts: { created: PEOPLE, failed: 0 } });
    expect(await server.prisma.person.count({ where: { hsaId: { startsWith: `SE2321000180-RACE${round}X` } } })).toBe(
      PEOPLE,
    );
  }
});
