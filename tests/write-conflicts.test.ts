import { gql, startTestServer, type GraphQLResponse, type TestServer } from "./support/test-server";

/**
 * Identical writes racing for one unique key: each answer is a success or a CONFLICT naming the
 * record that holds the key, never INTERNAL_SERVER_ERROR, and exactly one record ends up holding it.
 */

let server: TestServer;
let writer: Record<string, string>;
let region22: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer({ poolSize: 6 });
  writer = await server.keyHeaders(["write"], "racing-writer");
  region22 = await server.keyHeaders(["write:region:22"], "racing-region-22");
});

afterAll(() => server.stop());

type Data = Record<string, Record<string, unknown> | null>;
const ROUNDS = 3;
const RACERS = 5;

async function race(
  query: string,
  input: () => Record<string, unknown>,
  headers = writer,
): Promise<GraphQLResponse<Data>[]> {
  return Promise.all(Array.from({ length: RACERS }, () => gql<Data>(server.url, query, { input: input() }, headers)));
}

/** Every answer succeeded or is a CONFLICT naming the record that won; returns the winner's id. */
function expectOneWinner(responses: GraphQLResponse<Data>[], existing: Record<string, unknown>): string {
  const winners = responses.filter((response) => !response.errors);
  expect(winners).toHaveLength(1);
  const winnerId = Object.values(winners[0]!.data!)[0]!.id as string;
  for (const response of responses.filter((r) => r.errors)) {
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0]!.extensions).toMatchObject({
      code: "CONFLICT",
      existing: { ...existing, id: winnerId, version: 1 },
    });
  }
  return winnerId;
}

describe("concurrent creates of one key", () => {
  it("createOrganisation with the same slug", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const slug = `kapplopning-${round}`;
      const responses = await race(
        `mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { id } }`,
        () => ({ slug, kind: "PATIENT_ORGANISATION", name: "Kapplöpningen" }),
      );
      expectOneWinner(responses, { type: "Organisation", slug });
      expect(await server.prisma.organisation.count({ where: { slug } })).toBe(1);
    }
  });

  it("createGroup with the same slug", async () => {
    const parent = Buffer.from(
      `LocalProgramArea:${(await server.prisma.group.findUniqueOrThrow({ where: { slug: "lpo-22-psykisk-halsa" } })).id}`,
    ).toString("base64url");
    for (let round = 0; round < ROUNDS; round++) {
      const slug = `lag-22-kapplopning-${round}`;
      const responses = await race(
        `mutation($input: CreateGroupInput!) { createGroup(input: $input) { id } }`,
        () => ({ slug, kind: "LAG", name: "LAG kapplöpning", parent }),
        region22,
      );
      expectOneWinner(responses, { type: "WorkingGroup", slug });
      expect(await server.prisma.group.count({ where: { slug } })).toBe(1);
    }
  });

  it("createGroup with the same NPO and healthcare region under different slugs", async () => {
    // A fresh NPO per round, so the RPO for it and the healthcare region does not exist yet.
    for (let round = 0; round < ROUNDS; round++) {
      const npo = await gql<Data>(
        server.url,
        `mutation($input: CreateGroupInput!) { createGroup(input: $input) { id } }`,
        { input: { slug: `npo-kapplopning-${round}`, kind: "NPO", name: `NPO kapplöpning ${round}` } },
        writer,
      );
      expect(npo.errors).toBeUndefined();
      const programArea = npo.data!.createGroup!.id as string;
      let racer = 0;
      const responses = await race(`mutation($input: CreateGroupInput!) { createGroup(input: $input) { id } }`, () => ({
        slug: `rpo-norra-kapplopning-${round}-${++racer}`,
        kind: "RPO",
        name: "RPO kapplöpning",
        programArea,
        healthcareRegion: "norra",
      }));
      expectOneWinner(responses, { type: "RegionalProgramArea" });
      const programAreaRow = await server.prisma.group.findUniqueOrThrow({
        where: { slug: `npo-kapplopning-${round}` },
      });
      expect(await server.prisma.group.count({ where: { programAreaId: programAreaRow.id } })).toBe(1);
    }
  });

  it("createPerson with the same HSA-id", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const hsaId = `SE2321000180-RACE${round}`;
      const responses = await race(
        `mutation($input: CreatePersonInput!) { createPerson(input: $input) { id } }`,
        () => ({ givenName: "Kapp", familyName: "Löpare", hsaId }),
      );
      expectOneWinner(responses, { type: "Person", name: "Kapp Löpare" });
      expect(await server.prisma.person.count({ where: { hsaId } })).toBe(1);
    }
  });

  it("syncs of different groups that all create the same new person", async () => {
    const groups = (
      await server.prisma.group.findMany({
        where: { countyCode: "23", kind: "LPO" },
        orderBy: { slug: "asc" },
        take: RACERS,
        select: { slug: true },
      })
    ).map((g) => g.slug);
    const SYNC = `mutation($input: SyncMembershipsInput!) { syncMemberships(input: $input) { applied counts { created peopleCreated failed } } }`;
    for (let round = 0; round < ROUNDS; round++) {
      const person = {
        externalId: `race-person-${round}`,
        hsaId: `SE2321000180-SYNC${round}`,
        givenName: "Samma",
        familyName: `Person ${round}`,
      };
      const responses = await Promise.all(
        groups.map((group, index) =>
          gql<{
            syncMemberships: { applied: boolean; counts: { created: number; peopleCreated: number; failed: number } };
          }>(
            server.url,
            SYNC,
            {
              input: {
                sourceSystem: "hr-race",
                scope: { groups: [group] },
                memberships: [
                  { externalId: `race-${round}-${index}`, person, group, role: "MEMBER", validFrom: "2024-01-01" },
                ],
              },
            },
            writer,
          ),
        ),
      );
      // A sync adopts the person another sync created first: every run succeeds.
      for (const response of responses) {
        expect(response.errors).toBeUndefined();
        expect(response.data!.syncMemberships).toMatchObject({ applied: true, counts: { created: 1, failed: 0 } });
      }
      expect(responses.reduce((sum, response) => sum + response.data!.syncMemberships.counts.peopleCreated, 0)).toBe(1);
      const people = await server.prisma.person.findMany({ where: { hsaId: person.hsaId } });
      expect(people).toHaveLength(1);
      expect(await server.prisma.membership.count({ where: { personId: people[0]!.id } })).toBe(groups.length);
    }
  });
});

describe("contention the database reports", () => {
  // The database refuses the insert as a real serialisation failure or deadlock would, for the
  // first `failures` attempts on slugs "contention-<sqlstate>-…". The attempts are counted by a
  // sequence, which the refused transactions' rollbacks do not undo.
  beforeAll(async () => {
    await server.prisma.$executeRawUnsafe(
      `CREATE TABLE "test_contention" ("sql_state" text PRIMARY KEY, "failures" int NOT NULL)`,
    );
    await server.prisma.$executeRawUnsafe(`CREATE SEQUENCE "test_contention_attempts"`);
    await server.prisma.$executeRawUnsafe(`CREATE FUNCTION "test_contention"() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE code text := upper(split_part(NEW."slug", '-', 2));
      BEGIN
        IF nextval('test_contention_attempts') <= (SELECT "failures" FROM "test_contention" WHERE "sql_state" = code) THEN
          RAISE EXCEPTION 'injected %', code USING ERRCODE = code;
        END IF;
        RETURN NEW;
      END $$`);
    await server.prisma.$executeRawUnsafe(
      `CREATE TRIGGER "test_contention" BEFORE INSERT ON "organisation" FOR EACH ROW WHEN (NEW."slug" LIKE 'contention-%') EXECUTE FUNCTION "test_contention"()`,
    );
  });

  async function refuse(sqlState: string, failures: number): Promise<void> {
    await server.prisma.$executeRawUnsafe(
      `INSERT INTO "test_contention" VALUES ($1, $2) ON CONFLICT ("sql_state") DO UPDATE SET "failures" = $2`,
      sqlState,
      failures,
    );
    await server.prisma.$executeRawUnsafe(`ALTER SEQUENCE "test_contention_attempts" RESTART`);
  }

  async function attempts(): Promise<number> {
    const [row] = await server.prisma.$queryRawUnsafe<{ last_value: bigint; is_called: boolean }[]>(
      `SELECT "last_value", "is_called" FROM "test_contention_attempts"`,
    );
    return row!.is_called ? Number(row!.last_value) : 0;
  }

  const CREATE = `mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { id slug } }`;

  it.each(["40001", "40P01"])("retries a transaction refused with %s and applies it once", async (sqlState) => {
    await refuse(sqlState, 2);
    const slug = `contention-${sqlState.toLowerCase()}-retried`;
    const response = await gql<Data>(server.url, CREATE, { input: { slug, kind: "OTHER", name: "Trängsel" } }, writer);
    expect(response.errors).toBeUndefined();
    expect(await server.prisma.organisation.count({ where: { slug } })).toBe(1);
    expect(await attempts()).toBe(3);
  });

  it.each(["40001", "40P01"])(
    "answers SERVICE_UNAVAILABLE after a bounded number of %s refusals, having written nothing",
    async (sqlState) => {
      await refuse(sqlState, 100);
      const slug = `contention-${sqlState.toLowerCase()}-refused`;
      const audit = await server.prisma.auditEvent.count();
      const response = await gql<Data>(
        server.url,
        CREATE,
        { input: { slug, kind: "OTHER", name: "Trängsel" } },
        writer,
      );
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: "SERVICE_UNAVAILABLE", retryAfterSeconds: 1 });
      expect(await server.prisma.organisation.count({ where: { slug } })).toBe(0);
      expect(await server.prisma.auditEvent.count()).toBe(audit);
      expect(await attempts()).toBe(3);
    },
  );

  it("answers CONFLICT, never an internal error, when a key violation persists over the bounded reruns", async () => {
    await refuse("23505", 100);
    const slug = "contention-23505-persistent";
    const audit = await server.prisma.auditEvent.count();
    const response = await gql<Data>(server.url, CREATE, { input: { slug, kind: "OTHER", name: "Trängsel" } }, writer);
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT" });
    expect(await server.prisma.organisation.count({ where: { slug } })).toBe(0);
    expect(await server.prisma.auditEvent.count()).toBe(audit);
    expect(await attempts()).toBe(3);
  });
});

it("logs no unexpected error for any of these writes", () => {
  expect(server.errors).toEqual([]);
});
