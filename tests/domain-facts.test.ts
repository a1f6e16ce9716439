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

describe("history: counts on a day, start dates and former names", () => {
  type Count = { kind: string; expected: number; recorded: number; missing: number; asOf: string };
  const counts = async (activeOn?: string): Promise<Map<string, Count>> => {
    const { structureCounts } = await data<{ structureCounts: Count[] }>(
      `query($activeOn: Date) { structureCounts(activeOn: $activeOn) { kind expected recorded missing asOf } }`,
      { activeOn },
    );
    return new Map(structureCounts.map((count) => [count.kind, count]));
  };

  it("answers the official and recorded counts on a day: 24 program areas in 2019, 26 now", async () => {
    const in2019 = await counts("2019-06-01");
    expect(in2019.get("NPO")).toEqual({ kind: "NPO", expected: 24, recorded: 23, missing: 1, asOf: "2019-02-01" });
    expect(in2019.get("NSG")).toMatchObject({ expected: 7, asOf: "2019-02-01" });
    expect(in2019.has("PRIMARY_CARE_COUNCIL")).toBe(false);
    const now = await counts();
    expect(now.get("NPO")).toEqual({ kind: "NPO", expected: 26, recorded: 25, missing: 1, asOf: "2020-11-01" });
    expect(now.get("NSG")).toMatchObject({ expected: 8, recorded: 7, missing: 1 });
    expect(now.get("PRIMARY_CARE_COUNCIL")).toMatchObject({ expected: 1, recorded: 1, missing: 0 });
    expect((await counts("2018-01-01")).size).toBe(0);
  });

  it("keeps the start of the NPOs that came after the first 24, with how certain it is", async () => {
    const { kirurgi, pit } = await data<{
      kirurgi: { validFrom: string; periodNote: string };
      pit: { validFrom: string; periodNote: string };
    }>(`{ kirurgi: group(slug: "kirurgi-och-plastikkirurgi") { validFrom periodNote }
          pit: group(slug: "perioperativ-vard-intensivvard-och-transplantation") { validFrom periodNote } }`);
    expect(kirurgi.validFrom).toBe("2021-01-01");
    expect(kirurgi.periodNote).toMatch(/not confirmed/);
    expect(pit.validFrom).toBe("2019-09-13");
    expect(pit.periodNote).toMatch(/year is not shown/);
  });

  it("reads former names with the period they were used, for groups, healthcare regions and organisations", async () => {
    type Former = { name: string; validFrom: string | null; validTo: string | null };
    const found = await data<{
      levnadsvanor: { formerNames: Former[]; otherNames: { kind: string; name: string }[] };
      sallsynta: { formerNames: Former[] };
      aldres: { formerNames: Former[] };
      healthcareRegion: { formerNames: Former[] };
      agencies: { slug: string }[];
    }>(`{ levnadsvanor: group(slug: "levnadsvanor") { formerNames { name validFrom validTo } otherNames { kind name } }
          sallsynta: group(slug: "sallsynta-sjukdomar") { formerNames { name validFrom validTo } }
          aldres: group(slug: "aldres-halsa-och-palliativ-vard") { formerNames { name validFrom validTo } }
          healthcareRegion(slug: "mellansverige") { formerNames { name validFrom validTo } }
          agencies { slug } }`);
    expect(found.levnadsvanor.formerNames).toEqual([
      { name: "Nationellt levnadsvaneråd", validFrom: null, validTo: null },
    ]);
    expect(found.levnadsvanor.otherNames).toEqual([{ kind: "FORMER", name: "Nationellt levnadsvaneråd" }]);
    expect(found.sallsynta.formerNames).toEqual([{ name: "Sällsynta diagnoser", validFrom: null, validTo: null }]);
    expect(found.aldres.formerNames).toEqual([{ name: "Äldres hälsa", validFrom: null, validTo: "2022-10-27" }]);
    expect(found.healthcareRegion.formerNames).toEqual([
      { name: "Uppsala Örebro sjukvårdsregion", validFrom: null, validTo: "2020-10-31" },
    ]);
  });

  it("finds records by their former names, each record once", async () => {
    const search = async (q: string, kind: string) =>
      (
        await data<{ search: { totalCount: number; nodes: { name: string; formerNames: { name: string }[] }[] } }>(
          `query($q: String!, $kind: SearchKind!) { search(query: $q, kinds: [$kind], first: 5) { totalCount nodes {
            ... on GovernanceGroup { name formerNames { name } } ... on Organisation { name formerNames { name } } } } }`,
          { q, kind },
        )
      ).search;
    expect((await search("levnadsvaneråd", "GROUP")).nodes[0]).toEqual({
      name: "Levnadsvanor",
      formerNames: [{ name: "Nationellt levnadsvaneråd" }],
    });
    expect((await search("sällsynta diagnoser", "GROUP")).nodes[0]!.name).toBe("Sällsynta sjukdomar");
    expect((await search("Uppsala Örebro", "ORGANISATION")).nodes[0]).toEqual({
      name: "Sjukvårdsregion Mellansverige",
      formerNames: [{ name: "Uppsala Örebro sjukvårdsregion" }],
    });
    expect((await search("Kommuner och Landsting", "ORGANISATION")).nodes[0]!.name).toBe(
      "Sveriges Kommuner och Regioner",
    );
    const levnadsvanor = await search("levnadsvan", "GROUP");
    const names = levnadsvanor.nodes.map((node) => node.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe("municipal participation at every level", () => {
  const DECISION_SOURCE =
    "Kunskapsstyrning och evidensbaserad praktik (a municipal knowledge-governance page on the national system, NPO/NSG/RPO/LPO and the municipalities since April 2019)";

  it("records the April 2019 decision on the six areas at the national, healthcare-regional and local level", async () => {
    type Body = { municipalParticipation: boolean; municipalParticipationSince: string | null; sources: string[] };
    const fields = "municipalParticipation municipalParticipationSince sources";
    const found = await data<Record<string, Body>>(`{
      npo: group(slug: "psykisk-halsa") { ${fields} }
      council: group(slug: "nationellt-primarvardsrad") { ${fields} }
      rpo: group(slug: "rpo-norra-psykisk-halsa") { ${fields} }
      lpo: group(slug: "lpo-01-aldres-halsa-och-palliativ-vard") { ${fields} }
      other: group(slug: "cancersjukdomar") { ${fields} } }`);
    for (const key of ["npo", "council", "rpo", "lpo"])
      expect({ key, ...found[key], sources: undefined }).toEqual({
        key,
        municipalParticipation: true,
        municipalParticipationSince: "2019-04-01",
        sources: undefined,
      });
    expect(found.npo!.sources).toContain(DECISION_SOURCE);
    expect(found.council!.sources).toContain(DECISION_SOURCE);
    expect(found.other).toMatchObject({ municipalParticipation: false, municipalParticipationSince: null });
  });

  it("reports missing municipal members at the RPO and LPO level too, and no LPO or RPO for the primärvårdsråd", async () => {
    type Gap = {
      group: { slug: string } | null;
      programArea: { slug: string } | null;
      region: { countyCode: string } | null;
    };
    const all = async (kind: string): Promise<Gap[]> => {
      const found: Gap[] = [];
      let after: string | null = null;
      do {
        const page: { structureGaps: { pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: Gap[] } } =
          await data(
            `query($kind: StructureGapKind!, $after: String) { structureGaps(kinds: [$kind], first: 100, after: $after) {
              pageInfo { hasNextPage endCursor } nodes { group { slug } programArea { slug } region { countyCode } } } }`,
            { kind, after },
          );
        found.push(...page.structureGaps.nodes);
        after = page.structureGaps.pageInfo.hasNextPage ? page.structureGaps.pageInfo.endCursor : null;
      } while (after);
      return found;
    };
    const municipal = new Set(
      (await all("MUNICIPAL_PARTICIPATION_WITHOUT_MUNICIPAL_MEMBER")).map((gap) => gap.group!.slug),
    );
    for (const slug of ["psykisk-halsa", "nationellt-primarvardsrad", "rpo-norra-psykisk-halsa", "lpo-01-levnadsvanor"])
      expect({ slug, reported: municipal.has(slug) }).toEqual({ slug, reported: true });
    // Västernorrland's joint LPOs have the county's municipalities taking part; other areas have no municipal participation.
    for (const slug of ["lpo-22-psykisk-halsa", "rpo-norra-cancersjukdomar", "lpo-01-cancersjukdomar"])
      expect({ slug, reported: municipal.has(slug) }).toEqual({ slug, reported: false });
    // Without the data set nobody has members: 5 NPOs + the primärvårdsråd, 6 × 5 RPOs, 21 × 5 LPOs less the 5 joint ones.
    expect(municipal.size).toBe(6 + 30 + 100);
    const noLpo = (await all("REGION_WITHOUT_LPO")).filter(
      (gap) => gap.programArea?.slug === "nationellt-primarvardsrad",
    );
    expect(noLpo).toHaveLength(21);
  });

  it("lets an RPO mirror the primärvårdsråd", async () => {
    const writer = await server.keyHeaders(["write"], "primary-care-writer");
    const council = await data<{ group: { id: string } }>(`{ group(slug: "nationellt-primarvardsrad") { id } }`);
    const created = await gql<{ createGroup: { slug: string; programAreas: { slug: string }[] } }>(
      server.url,
      `mutation($input: CreateGroupInput!) { createGroup(input: $input) { slug programAreas { slug } } }`,
      {
        input: {
          slug: "rpo-norra-primarvard",
          kind: "RPO",
          name: "RPO Primärvård – Norra sjukvårdsregionen",
          programArea: council.group.id,
          healthcareRegion: "norra",
        },
      },
      writer,
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createGroup).toEqual({
      slug: "rpo-norra-primarvard",
      programAreas: [{ slug: "nationellt-primarvardsrad" }],
    });
  });
});

describe("sourced facts about the national bodies", () => {
  type Participant = { role: string; seats: number | null; organisation: { slug: string } };
  const AVSIKT =
    "Avsiktsförklaring slår fast och tydliggör det samarbete som pågår inom kunskapsstyrning (SKR, kunskapsstyrning hälso- och sjukvård, 5 April 2024)";

  it("names the partnership, its start year and Socialstyrelsen among its six agencies", async () => {
    const { group } = await data<{
      group: {
        name: string;
        validFrom: string;
        provenance: string;
        note: string;
        sources: string[];
        participants: Participant[];
      };
    }>(
      `{ group(slug: "partnerskapet") { name validFrom provenance note sources participants { role seats organisation { slug } } } }`,
    );
    expect(group).toMatchObject({
      name: "Partnerskapet för kunskapsstyrning",
      validFrom: "2018-01-01",
      provenance: "VERIFIED",
    });
    expect(group.note).toMatch(/Socialstyrelsen and five other agencies/);
    expect(group.sources).toContain(AVSIKT);
    expect(group.participants).toEqual([{ role: "MEMBER", seats: null, organisation: { slug: "socialstyrelsen" } }]);
  });

  it("gives the chair of SKS as the sources name him", async () => {
    const { group } = await data<{ group: { note: string; sources: string[] } }>(
      `{ group(slug: "sks") { note sources } }`,
    );
    expect(group.note).toMatch(/Chair: Mats Bojestig/);
    expect(group.sources).toContain(AVSIKT);
  });

  it("lists the council's nine member agencies and the kunskapsråd's parties with their seats", async () => {
    const { council, kunskapsrad, past } = await data<{
      council: { participants: Participant[] };
      kunskapsrad: { participants: Participant[] };
      past: { participants: Participant[] };
    }>(`{ council: group(slug: "radet-for-styrning-med-kunskap") { participants { role seats organisation { slug } } }
          kunskapsrad: group(slug: "kunskapsrad-vgr-vastkom") { participants { role seats organisation { slug } } }
          past: group(slug: "radet-for-styrning-med-kunskap") { participants(activeOn: "2015-06-30") { role } } }`);
    expect(council.participants).toHaveLength(9);
    expect(council.participants.map((p) => p.organisation.slug)).toContain("socialstyrelsen");
    expect(council.participants.every((p) => p.role === "MEMBER")).toBe(true);
    expect(kunskapsrad.participants.map((p) => [p.organisation.slug, p.seats]).sort()).toEqual([
      ["vastkom", 8],
      ["vastra-gotalandsregionen", 8],
    ]);
    expect(past.participants).toEqual([]);
  });
});

describe("represented organisations", () => {
  const CREATE_ORGANISATION = `mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { id slug kind } }`;
  const CREATE_PERSON = `mutation($input: CreatePersonInput!) { createPerson(input: $input) { id } }`;
  const CREATE_MEMBERSHIP = `mutation($input: CreateMembershipInput!) { createMembership(input: $input) { role representing { slug kind } } }`;

  it("seats a patient organisation's representative as PATIENT_REPRESENTATIVE, and knows professional associations and research bodies", async () => {
    const writer = await server.keyHeaders(["write"], "represented-organisations-writer");
    const create = async (slug: string, kind: string, name: string) => {
      const result = await gql<{ createOrganisation: { id: string; slug: string; kind: string } }>(
        server.url,
        CREATE_ORGANISATION,
        { input: { slug, kind, name } },
        writer,
      );
      expect(result.errors).toBeUndefined();
      return result.data!.createOrganisation;
    };
    const patients = await create(
      "riksforbundet-test-patienter",
      "PATIENT_ORGANISATION",
      "Riksförbundet Testpatienter",
    );
    const profession = await create("svensk-testforening", "PROFESSIONAL_ASSOCIATION", "Svensk Testförening");
    const research = await create("testinstitutet", "RESEARCH_BODY", "Testinstitutet för vårdforskning");
    expect([profession.kind, research.kind]).toEqual(["PROFESSIONAL_ASSOCIATION", "RESEARCH_BODY"]);

    const person = await gql<{ createPerson: { id: string } }>(
      server.url,
      CREATE_PERSON,
      { input: { givenName: "Test", familyName: "Patientföreträdare" } },
      writer,
    );
    const npo = await data<{ group: { id: string } }>(`{ group(slug: "psykisk-halsa") { id } }`);
    const seat = (representing: string) =>
      gql<{ createMembership: { role: string; representing: { slug: string; kind: string } } }>(
        server.url,
        CREATE_MEMBERSHIP,
        {
          input: {
            person: person.data!.createPerson.id,
            group: npo.group.id,
            role: "PATIENT_REPRESENTATIVE",
            representing,
            validFrom: "2024-01-01",
          },
        },
        writer,
      );
    const wrong = await seat(profession.id);
    expect(wrong.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      fields: [{ path: "input.representing" }],
    });
    const right = await seat(patients.id);
    expect(right.errors).toBeUndefined();
    expect(right.data!.createMembership).toEqual({
      role: "PATIENT_REPRESENTATIVE",
      representing: { slug: "riksforbundet-test-patienter", kind: "PATIENT_ORGANISATION" },
    });
  });
});

describe("hosting (värdskap)", () => {
  it("carries its sources and how far they confirm it", async () => {
    type Hosting = { kind: string; provenance: string; sources: string[]; note: string | null };
    const { nationalProgramAreas } = await data<{ nationalProgramAreas: { slug: string; hostings: Hosting[] }[] }>(
      `{ nationalProgramAreas(includePrimaryCareCouncil: true) { slug hostings { kind provenance sources note } } }`,
    );
    const hostings = nationalProgramAreas.flatMap((area) =>
      area.hostings.map((hosting) => ({ area: area.slug, ...hosting })),
    );
    expect(hostings.length).toBeGreaterThan(10);
    for (const hosting of hostings)
      expect({ area: hosting.area, sourced: hosting.sources.length > 0, provenance: hosting.provenance }).toEqual({
        area: hosting.area,
        sourced: true,
        provenance: /not confirmed|no source/i.test(hosting.note ?? "") ? "PARTIALLY_VERIFIED" : "VERIFIED",
      });
    const psykisk = hostings.filter((hosting) => hosting.area === "psykisk-halsa");
    expect(psykisk.map((hosting) => hosting.provenance)).toContain("PARTIALLY_VERIFIED");
  });
});
