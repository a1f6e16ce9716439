import { gql, startTestServer, type TestServer } from "./support/test-server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const DEEP_QUERY = `query Deep($slug: String!) {
  nationalProgramArea(slug: $slug) { slug }
  nationalProgramAreas {
    slug
    regionalProgramAreas {
      slug
      healthcareRegion { slug regions { countyCode municipalities { code } } }
    }
  }
}`;

describe("browsing the structure", () => {
  it("lists the six healthcare regions, 21 regions and 290 municipalities with their relations", async () => {
    const result = await gql<{
      healthcareRegions: { slug: string; regions: { countyCode: string }[]; municipalities: { code: string }[] }[];
      regions: { countyCode: string; healthcareRegion: { slug: string }; municipalities: { code: string }[] }[];
    }>(
      server.url,
      `{ healthcareRegions { slug regions { countyCode } municipalities { code } }
         regions { countyCode healthcareRegion { slug } municipalities { code } } }`,
    );
    expect(result.errors).toBeUndefined();
    const { healthcareRegions, regions } = result.data!;
    // By name, in Swedish order: Norra sjukvårdsregionen, Sjukvårdsregion Mellansverige, …, Södra, Västra.
    expect(healthcareRegions.map((hr) => hr.slug)).toEqual([
      "norra",
      "mellansverige",
      "stockholm-gotland",
      "sydostra",
      "sodra",
      "vastra",
    ]);
    expect(regions).toHaveLength(21);
    expect(regions.flatMap((r) => r.municipalities)).toHaveLength(290);
    expect(healthcareRegions.flatMap((hr) => hr.municipalities)).toHaveLength(290);
    const norra = healthcareRegions.find((hr) => hr.slug === "norra")!;
    // Region Jämtland Härjedalen, Region Norrbotten, Region Västerbotten, Region Västernorrland.
    expect(norra.regions.map((r) => r.countyCode)).toEqual(["23", "25", "24", "22"]);
    expect(regions.find((r) => r.countyCode === "22")!.healthcareRegion.slug).toBe("norra");
  });

  it("represents Region Halland's split between Södra and Västra", async () => {
    const result = await gql<{
      region: { healthcareRegion: { slug: string }; healthcareRegions: { slug: string }[] };
      kungsbacka: { healthcareRegion: { slug: string } };
      halmstad: { healthcareRegion: { slug: string } };
    }>(
      server.url,
      `{ region(countyCode: "13") { healthcareRegion { slug } healthcareRegions { slug } }
         kungsbacka: municipality(code: "1384") { healthcareRegion { slug } }
         halmstad: municipality(code: "1380") { healthcareRegion { slug } } }`,
    );
    expect(result.data).toEqual({
      region: { healthcareRegion: { slug: "sodra" }, healthcareRegions: [{ slug: "sodra" }, { slug: "vastra" }] },
      kungsbacka: { healthcareRegion: { slug: "vastra" } },
      halmstad: { healthcareRegion: { slug: "sodra" } },
    });
  });

  it("pages through municipalities with cursors, optionally of one county", async () => {
    const query = `query Page($first: Int, $after: String, $countyCode: String) {
      municipalities(first: $first, after: $after, countyCode: $countyCode) {
        totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { code name } edges { cursor node { code } }
      } }`;
    type Page = {
      municipalities: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string };
        nodes: { code: string; name: string }[];
      };
    };
    const codes: string[] = [];
    const names: string[] = [];
    let after: string | undefined;
    for (;;) {
      const { data, errors } = await gql<Page>(server.url, query, { first: 100, after });
      expect(errors).toBeUndefined();
      expect(data!.municipalities.totalCount).toBe(290);
      codes.push(...data!.municipalities.nodes.map((m) => m.code));
      names.push(...data!.municipalities.nodes.map((m) => m.name));
      if (!data!.municipalities.pageInfo.hasNextPage) break;
      after = data!.municipalities.pageInfo.endCursor;
    }
    expect(codes).toHaveLength(290);
    expect(new Set(codes).size).toBe(290);
    // In Swedish alphabetical order by name: Ale, Alingsås, …, Åre, …, Älmhult, …, Övertorneå.
    expect([...names].sort(new Intl.Collator("sv").compare)).toEqual(names);
    expect([names[0], names.at(-1)]).toEqual(["Ale", "Övertorneå"]);

    const county = await gql<Page>(server.url, query, { countyCode: "22", first: 3 });
    expect(county.data!.municipalities.totalCount).toBe(7);
    // Härnösand, Kramfors, Sollefteå (then Sundsvall, Timrå, Ånge, Örnsköldsvik).
    expect(county.data!.municipalities.nodes.map((m) => m.code)).toEqual(["2280", "2282", "2283"]);
    expect(county.data!.municipalities.pageInfo.hasNextPage).toBe(true);
  });

  it("answers agencies, NSGs and one NPO with its RPOs, LPOs, host and working groups", async () => {
    const result = await gql<{
      agencies: { slug: string }[];
      nationalCollaborationGroups: { slug: string }[];
      nationalProgramAreas: { slug: string }[];
      withCouncil: { slug: string }[];
      npo: {
        name: string;
        kind: string;
        host: { slug: string; kind: string };
        hostings: { kind: string; organisation: { slug: string } }[];
        regionalProgramAreas: { nationalProgramArea: { slug: string }; healthcareRegion: { slug: string } }[];
        localProgramAreas: { region: { countyCode: string }; nationalProgramAreas: { slug: string }[] }[];
        workingGroups: unknown[];
      };
    }>(
      server.url,
      `{ agencies { slug } nationalCollaborationGroups { slug }
         nationalProgramAreas { slug } withCouncil: nationalProgramAreas(includePrimaryCareCouncil: true) { slug }
         npo: nationalProgramArea(slug: "psykisk-halsa") {
           name kind host { slug kind } hostings { kind organisation { slug } }
           regionalProgramAreas { nationalProgramArea { slug } healthcareRegion { slug } }
           localProgramAreas { region { countyCode } nationalProgramAreas { slug } }
           workingGroups { slug }
         } }`,
    );
    expect(result.errors).toBeUndefined();
    const data = result.data!;
    expect(data.agencies).toHaveLength(9);
    expect(data.nationalCollaborationGroups).toHaveLength(7);
    expect(data.nationalProgramAreas).toHaveLength(25);
    expect(data.withCouncil.map((n) => n.slug)).toContain("nationellt-primarvardsrad");
    expect(data.npo.kind).toBe("NPO");
    expect(data.npo.host).toEqual({ slug: "sjukvardsregion-vastra", kind: "HEALTHCARE_REGION" });
    expect(data.npo.hostings.map((h) => `${h.kind}:${h.organisation.slug}`)).toEqual(
      expect.arrayContaining(["ACTIVE:skr", "DORMANT:sjukvardsregion-vastra", "ACTIVE:sjukvardsregion-vastra"]),
    );
    expect(data.npo.regionalProgramAreas).toHaveLength(6);
    expect(data.npo.regionalProgramAreas.every((rpo) => rpo.nationalProgramArea.slug === "psykisk-halsa")).toBe(true);
    expect(data.npo.localProgramAreas).toHaveLength(21);
    expect(data.npo.workingGroups).toEqual([]);
  });

  it("shows Västernorrland's joint LPOs with their municipalities and the link to HälSam", async () => {
    const result = await gql<{
      region: {
        localProgramAreas: {
          slug: string;
          municipalParticipation: boolean;
          provenance: string;
          municipalities: { code: string }[];
          linkedGroups: { slug: string; kind: string }[];
        }[];
      };
    }>(
      server.url,
      `{ region(countyCode: "22") { localProgramAreas { slug municipalParticipation provenance municipalities { code } linkedGroups { slug kind } } } }`,
    );
    const lpos = result.data!.region.localProgramAreas;
    expect(lpos).toHaveLength(25);
    const psykisk = lpos.find((lpo) => lpo.slug === "lpo-22-psykisk-halsa")!;
    expect(psykisk.municipalities).toHaveLength(7);
    expect(psykisk.linkedGroups).toEqual([{ slug: "halsam-vasternorrland", kind: "COLLABORATION_STRUCTURE" }]);
    expect(psykisk.provenance).toBe("PARTIALLY_VERIFIED");
    const cancer = lpos.find((lpo) => lpo.slug === "lpo-22-cancersjukdomar")!;
    expect(cancer).toMatchObject({ municipalities: [], linkedGroups: [], provenance: "MODELLED" });
  });

  it("flags the NPO and NSG counts that sources give but the data lacks", async () => {
    const result = await gql<{
      structureCounts: { kind: string; expected: number; recorded: number; missing: number }[];
    }>(server.url, `{ structureCounts { kind expected recorded missing } }`);
    expect(result.data!.structureCounts).toEqual(
      expect.arrayContaining([
        { kind: "NPO", expected: 26, recorded: 25, missing: 1 },
        { kind: "NSG", expected: 8, recorded: 7, missing: 1 },
        { kind: "PRIMARY_CARE_COUNCIL", expected: 1, recorded: 1, missing: 0 },
      ]),
    );
  });

  it("keeps renamings as former names with the last day of use", async () => {
    const result = await gql<{
      nationalProgramArea: { name: string; otherNames: { kind: string; name: string; usedUntil: string | null }[] };
    }>(
      server.url,
      `{ nationalProgramArea(slug: "aldres-halsa-och-palliativ-vard") { name otherNames { kind name usedUntil } } }`,
    );
    expect(result.data!.nationalProgramArea.otherNames).toContainEqual({
      kind: "FORMER",
      name: "Äldres hälsa",
      usedUntil: "2022-10-27",
    });
  });
});

describe("batching", () => {
  it("answers a five-level query in one SQL statement per level, however many rows", async () => {
    const all = await gql<{ nationalProgramAreas: { regionalProgramAreas: unknown[] }[] }>(server.url, DEEP_QUERY, {
      slug: "psykisk-halsa",
    });
    expect(all.errors).toBeUndefined();
    expect(all.data!.nationalProgramAreas.flatMap((npo) => npo.regionalProgramAreas)).toHaveLength(150);
    // nationalProgramArea, nationalProgramAreas, RPOs, healthcare regions, regions, municipalities
    expect(all.extensions?.sqlStatements).toBe(6);

    const one = await gql(
      server.url,
      `{ region(countyCode: "22") { healthcareRegion { regions { municipalities { region { countyCode } } } } } }`,
    );
    expect(one.errors).toBeUndefined();
    // region, healthcare regions of the region, regions of the healthcare region, municipalities; the
    // municipalities' regions come from the same request's loader cache.
    expect(one.extensions?.sqlStatements).toBe(4);
  });

  it("does not grow with the number of parents: all 21 regions cost what one costs", async () => {
    const query = (filter: string) =>
      `{ regions${filter} { localProgramAreas { nationalProgramAreas { regionalProgramAreas { healthcareRegion { slug } } } } } }`;
    const many = await gql<{ regions: unknown[] }>(server.url, query(""));
    const single = await gql(
      server.url,
      `{ region(countyCode: "22") { localProgramAreas { nationalProgramAreas { regionalProgramAreas { healthcareRegion { slug } } } } } }`,
    );
    expect(many.errors).toBeUndefined();
    expect(many.data!.regions).toHaveLength(21);
    expect(many.extensions?.sqlStatements).toBe(5);
    expect(single.extensions?.sqlStatements).toBe(5);
  });
});

describe("bad input", () => {
  it("returns null for well-formed codes and slugs that match nothing", async () => {
    const result = await gql(
      server.url,
      `{ region(countyCode: "99") { name } municipality(code: "9999") { name } nationalProgramArea(slug: "finns-inte") { name } healthcareRegion(slug: "mitten") { name } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      region: null,
      municipality: null,
      nationalProgramArea: null,
      healthcareRegion: null,
    });
  });

  it.each([
    ['region(countyCode: "abc") { name }', "countyCode"],
    ['region(countyCode: "1") { name }', "countyCode"],
    ['municipality(code: "22811") { name }', "code"],
    ['nationalProgramArea(slug: "Psykisk Hälsa") { name }', "slug"],
    ['municipalities(countyCode: "x") { totalCount }', "countyCode"],
    ["municipalities(first: 101) { totalCount }", "first"],
    ["municipalities(first: -1) { totalCount }", "first"],
  ])("rejects %s with BAD_USER_INPUT naming %s", async (selection, field) => {
    const result = await gql(server.url, `{ ${selection} }`);
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors!;
    expect(error!.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      fields: [expect.objectContaining({ path: field })],
    });
    expect(JSON.stringify(result)).not.toMatch(/stack|prisma|SELECT|at .*\.ts/i);
  });

  it("rejects a cursor that did not come from the list", async () => {
    const result = await gql(server.url, `{ municipalities(after: "bm9wZQ") { totalCount } }`);
    expect(result.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: [{ path: "after" }] });
  });

  it("masks unexpected failures: no SQL or stack reaches the caller, and the server keeps serving", async () => {
    const broken = await startTestServer();
    try {
      await broken.prisma.$executeRawUnsafe(`ALTER TABLE "region" RENAME COLUMN "county_name" TO "county_name_gone"`);
      const result = await gql(broken.url, `{ regions { countyName } }`);
      expect(result.errors).toEqual([
        expect.objectContaining({
          message: "Internal server error",
          extensions: { code: "INTERNAL_SERVER_ERROR", requestId: expect.any(String) },
        }),
      ]);
      // The request id the caller gets is the one the server logged the error under.
      const requestId = result.errors![0]!.extensions!.requestId;
      expect(broken.logs.some((entry) => entry.requestId === requestId && entry.msg === "graphql request")).toBe(true);
      expect(JSON.stringify(result)).not.toMatch(/county_name|prisma|stack/i);
      expect(broken.errors).toHaveLength(1);
      const after = await gql<{ healthcareRegions: unknown[] }>(broken.url, `{ healthcareRegions { slug } }`);
      expect(after.data!.healthcareRegions).toHaveLength(6);
    } finally {
      await broken.stop();
    }
  });

  it("reports syntax errors with a code", async () => {
    const result = await gql(server.url, `{ regions { `);
    expect(result.errors![0]!.extensions).toMatchObject({ code: "GRAPHQL_PARSE_FAILED" });
  });
});
