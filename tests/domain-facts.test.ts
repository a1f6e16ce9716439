import { gql, startTestServer, type TestServer } from "./support/test-server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

async function data<Data>(query: string, variables?: Record<string, unknown>): Promise<Data> {
  const result = await gql<Data>(server.url, query, variables);
  expect(result.errors).toBeUndefined();
  return result.data!;
}

const COUNCIL_SOURCE =
  "Nytt råd för samverkan inom kunskapsstyrning (VästKom / Västra Götalandsregionen, updated 2019-11-29)";

describe("the VGR–VästKom kunskapsråd", () => {
  it("is in force today, its 18-month interim period a phase rather than its end", async () => {
    const today = await data<{ groups: { nodes: { slug: string }[] } }>(
      `{ groups(filter: { region: "14", kind: [KNOWLEDGE_COUNCIL] }) { nodes { slug } } }`,
    );
    expect(today.groups.nodes).toEqual([{ slug: "kunskapsrad-vgr-vastkom" }]);
    const { group } = await data<{
      group: {
        validFrom: string;
        validTo: string | null;
        sources: string[];
        phases: { kind: string; validFrom: string; validTo: string | null; sources: string[] }[];
      };
    }>(
      `{ group(slug: "kunskapsrad-vgr-vastkom") { validFrom validTo sources phases { kind validFrom validTo sources } } }`,
    );
    expect(group).toEqual({
      validFrom: "2020-01-01",
      validTo: null,
      sources: [COUNCIL_SOURCE],
      phases: [{ kind: "INTERIM", validFrom: "2020-01-01", validTo: "2021-06-30", sources: [COUNCIL_SOURCE] }],
    });
    const during = await data<{ groups: { nodes: { slug: string }[] } }>(
      `{ groups(filter: { region: "14", kind: [KNOWLEDGE_COUNCIL], activeOn: "2020-06-01" }) { nodes { slug } } }`,
    );
    expect(during.groups.nodes).toEqual([{ slug: "kunskapsrad-vgr-vastkom" }]);
  });

  it("cites a source for the council's partners and for HälSam, and gives HälSam no unsourced long name", async () => {
    const { vastkom, halsam } = await data<{
      vastkom: { nodes: { name: string; sources: string[] }[] };
      halsam: { name: string; shortName: string; sources: string[]; phases: unknown[] };
    }>(
      `{ vastkom: search(query: "VästKom", kinds: [ORGANISATION], first: 1) { nodes { ... on Organisation { name sources } } }
         halsam: group(slug: "halsam-vasternorrland") { name shortName sources phases { kind } } }`,
    );
    expect(vastkom.nodes).toEqual([{ name: "VästKom", sources: [COUNCIL_SOURCE] }]);
    expect(halsam).toEqual({
      name: "HälSam",
      shortName: "HälSam",
      sources: ["Kunskapsstyrning (Region Västernorrland, rvn.se)"],
      phases: [],
    });
  });
});
