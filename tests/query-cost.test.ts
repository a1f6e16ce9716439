import { INTRANET_OPERATIONS } from "../bench/queries";
import { gql, startTestServer, type TestServer } from "./support/test-server";

// SQL statements per operation, counted at the pg driver. They depend on the shape of the
// query only: the same at 1× and 10× data.
const EXPECTED_STATEMENTS: Record<string, number> = {
  // NPO and region; healthcare regions, RPOs, LPOs; host, members (chairs too), working groups,
  // municipalities, linked groups; organisations represented, working groups' members; theirs.
  chain: 13,
  // region; LPOs; program areas, members; their RPOs, organisations represented; healthcare regions
  "region-lpo-members": 7,
  // municipality; the groups it sits in at all three levels; their chairs
  "municipality-groups": 3,
  // NPOs and their count; members on the day; organisations represented
  "members-on-date": 4,
  // ranked hits; the groups among them
  search: 2,
};

const servers: Partial<Record<"x1" | "x10" | "naive", TestServer>> = {};
beforeAll(async () => {
  [servers.x1, servers.x10, servers.naive] = await Promise.all([
    startTestServer({ dataset: 1 }),
    startTestServer({ dataset: 10 }),
    // Loaders off, two connections: many statements per request, most of them waiting for a connection.
    startTestServer({ dataset: 1, batching: false, poolSize: 2 }),
  ]);
});
afterAll(() => Promise.all(Object.values(servers).map((server) => server.stop())));

describe("SQL statements per intranet operation", () => {
  it.each(INTRANET_OPERATIONS.map((operation) => [operation.name, operation] as const))(
    "%s costs the same at 1× and 10× data",
    async (name, operation) => {
      const small = await gql(servers.x1!.url, operation.query, operation.variables);
      const large = await gql(servers.x10!.url, operation.query, operation.variables);
      expect(small.errors).toBeUndefined();
      expect(large.errors).toBeUndefined();
      expect({ name, x1: small.extensions?.sqlStatements, x10: large.extensions?.sqlStatements }).toEqual({
        name,
        x1: EXPECTED_STATEMENTS[name],
        x10: EXPECTED_STATEMENTS[name],
      });
    },
  );

  it("reads many times the rows at 10× with the same statements", async () => {
    const query = `{ region(countyCode: "22") { localProgramAreas { workingGroups { slug } members(activeOn: null, first: 100) { totalCount nodes { person { name } } } } } }`;
    const measure = async (server: TestServer) => {
      const result = await gql<{
        region: { localProgramAreas: { workingGroups: unknown[]; members: { totalCount: number } }[] };
      }>(server.url, query);
      const lpos = result.data!.region.localProgramAreas;
      return {
        memberships: lpos.reduce((sum, lpo) => sum + lpo.members.totalCount, 0),
        workingGroups: lpos.reduce((sum, lpo) => sum + lpo.workingGroups.length, 0),
        statements: result.extensions?.sqlStatements,
      };
    };
    const small = await measure(servers.x1!);
    const large = await measure(servers.x10!);
    expect(large.memberships).toBeGreaterThan(5 * small.memberships);
    expect(large.workingGroups).toBeGreaterThan(5 * small.workingGroups);
    expect(large.statements).toBe(small.statements);
  });

  it("costs many times more without the loaders (the naive resolvers)", async () => {
    const operation = INTRANET_OPERATIONS.find((op) => op.name === "region-lpo-members")!;
    const naive = await gql(servers.naive!.url, operation.query);
    expect(naive.errors).toBeUndefined();
    expect(naive.extensions!.sqlStatements).toBeGreaterThan(50 * EXPECTED_STATEMENTS["region-lpo-members"]!);
  });

  it("counts each request's own statements when requests wait for connections", async () => {
    const operation = INTRANET_OPERATIONS.find((op) => op.name === "members-on-date")!;
    const alone = await gql(servers.naive!.url, operation.query);
    const together = await Promise.all(Array.from({ length: 4 }, () => gql(servers.naive!.url, operation.query)));
    expect(together.map((result) => result.extensions?.sqlStatements)).toEqual(
      together.map(() => alone.extensions?.sqlStatements),
    );
  });
});

describe("what is worked out once per document", () => {
  it("gives each set of variables its own cost, however often the document comes", async () => {
    const query = `query Members($first: Int!) { groups(first: $first) { nodes { members(first: $first) { nodes { role } } } } }`;
    const costOf = async (first: number) => {
      const result = await gql(servers.x1!.url, query, { first });
      expect(result.errors).toBeUndefined();
      return (result.extensions?.cost as { requested: number }).requested;
    };
    const small = await costOf(2);
    const large = await costOf(20);
    expect(large).toBeGreaterThan(small * 10);
    expect([await costOf(2), await costOf(20), await costOf(2)]).toEqual([small, large, small]);
  });

  it("checks the variables of every request, and refuses a document's bad literal every time", async () => {
    const search = `query Find($q: String!) { search(query: $q, first: 1) { totalCount } }`;
    expect((await gql(servers.x1!.url, search, { q: "psyk" })).errors).toBeUndefined();
    const refused = await gql(servers.x1!.url, search, { q: "ps\u0000yk" });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: [{ path: "query" }] });
    expect((await gql(servers.x1!.url, search, { q: "psyk" })).errors).toBeUndefined();

    const literal = `{ search(query: "ps\\u0000yk", first: 1) { totalCount } }`;
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await gql(servers.x1!.url, literal);
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: [{ path: "query" }] });
      expect(answer.extensions?.sqlStatements).toBe(0);
    }
  });
});

describe("sources are read only where a field asks for them", () => {
  it("reads a level's sources in one more statement, and answers what is stored", async () => {
    const server = servers.x1!;
    const query = (withSources: boolean) =>
      `{ region(countyCode: "22") { ${withSources ? "sources" : ""} healthcareRegion { name ${withSources ? "sources" : ""} }
         localProgramAreas { name ${withSources ? "sources" : ""} } }
         agencies { name ${withSources ? "sources" : ""} } }`;
    const without = await gql(server.url, query(false));
    const withSources = await gql<{
      region: {
        sources: string[];
        healthcareRegion: { sources: string[] };
        localProgramAreas: { name: string; sources: string[] }[];
      };
      agencies: { name: string; sources: string[] }[];
    }>(server.url, query(true));
    expect(without.errors).toBeUndefined();
    expect(withSources.errors).toBeUndefined();
    // One statement each for the region's, the healthcare region's, the LPOs' and the agencies' sources.
    expect(withSources.extensions?.sqlStatements).toBe(Number(without.extensions?.sqlStatements) + 4);

    const region = withSources.data!.region;
    const stored = await server.prisma.region.findUniqueOrThrow({
      where: { countyCode: "22" },
      include: { healthcareRegions: { include: { healthcareRegion: true }, orderBy: { position: "asc" } } },
    });
    expect(region.sources).toEqual(stored.sources);
    expect(region.healthcareRegion.sources).toEqual(stored.healthcareRegions[0]?.healthcareRegion.sources);
    const lpos = await server.prisma.group.findMany({ where: { countyCode: "22", kind: "LPO" } });
    expect(region.localProgramAreas.length).toBeGreaterThan(0);
    for (const lpo of region.localProgramAreas)
      expect(lpo.sources).toEqual(lpos.find((row) => row.name === lpo.name)?.sources);
    const agencies = await server.prisma.organisation.findMany({ where: { kind: "AGENCY" } });
    expect(withSources.data!.agencies.length).toBe(agencies.length);
    for (const agency of withSources.data!.agencies)
      expect(agency.sources).toEqual(agencies.find((row) => row.name === agency.name)?.sources);
  });
});
