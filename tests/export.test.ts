import { parse } from "csv-parse/sync";
import { exportRoutes } from "../src/export-http/router";
import { gql, startTestServer, TEST_SERVER_CONFIG, type TestServer } from "./support/test-server";

let server: TestServer;
let base: string;
beforeAll(async () => {
  server = await startTestServer({ dataset: 1 });
  base = new URL(server.url).origin;
});
afterAll(() => server?.stop());

type Row = Record<string, string> & { email: string; validFrom: string; validTo: string };

async function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}${path}`, { headers, redirect: "manual" });
}

/** A CSV export, parsed by a CSV library: the byte order mark checked, then its records by header. */
async function csv(path: string, headers: Record<string, string> = {}, delimiter = ","): Promise<Row[]> {
  const response = await get(path, headers);
  const body = Buffer.from(await response.arrayBuffer());
  expect({ status: response.status, body: response.status === 200 ? "" : body.toString() }).toEqual({
    status: 200,
    body: "",
  });
  expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
  expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return parse(body, { bom: true, columns: true, delimiter }) as Row[];
}

async function json(path: string, headers: Record<string, string> = {}): Promise<Record<string, unknown>[]> {
  const response = await get(path, headers);
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: Record<string, unknown>[] }).items;
}

async function problem(path: string, headers: Record<string, string> = {}) {
  const response = await get(path, headers);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const body = (await response.json()) as { error: { code: string; message: string; parameter?: string } };
  return { status: response.status, ...body.error };
}

/** The slugs `groups` lists for a filter, every page, in its order. */
async function groupSlugs(filter: Record<string, unknown>): Promise<string[]> {
  const slugs: string[] = [];
  let after: string | null = null;
  type Page = { groups: { nodes: { slug: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
  for (;;) {
    const { data }: { data?: Page | null } = await gql<Page>(
      server.url,
      `query($filter: GroupFilter, $after: String) { groups(filter: $filter, first: 100, after: $after) {
        nodes { slug } pageInfo { hasNextPage endCursor } } }`,
      { filter, after },
    );
    slugs.push(...data!.groups.nodes.map((group) => group.slug));
    if (!data!.groups.pageInfo.hasNextPage) return slugs;
    after = data!.groups.pageInfo.endCursor;
  }
}

describe("GET /export/groups", () => {
  it("lists the groups the GraphQL query lists for the same filter, in its order, as CSV and JSON", async () => {
    const rows = await csv("/export/groups.csv?level=REGIONAL&region=22");
    expect(rows.map((row) => row.slug)).toEqual(await groupSlugs({ level: ["REGIONAL"], region: "22" }));
    expect(rows.length).toBeGreaterThan(20);
    const lpo = rows.find((row) => row.slug === "lpo-22-psykisk-halsa")!;
    expect(lpo).toMatchObject({
      name: expect.stringContaining("sykisk hälsa"),
      kind: "LPO",
      level: "REGIONAL",
      region: "22",
      programAreas: "psykisk-halsa",
    });
    const items = await json("/export/groups.json?level=REGIONAL&region=22");
    expect(items.map((item) => item.slug)).toEqual(rows.map((row) => row.slug));
    expect(items.find((item) => item.slug === "lpo-22-psykisk-halsa")).toMatchObject({
      kind: "LPO",
      municipalParticipation: lpo.municipalParticipation === "true",
    });
  });

  it("reads every page: without a filter, every group in force today", async () => {
    const rows = await csv("/export/groups.csv");
    expect(rows.map((row) => row.slug)).toEqual(await groupSlugs({}));
    expect(rows.length).toBeGreaterThan(100);
  });

  it("filters by kind, program area and day", async () => {
    const rows = await csv("/export/groups.csv?kind=NPO,RPO,LPO&programArea=psykisk-halsa&activeOn=2025-01-01");
    expect(rows.map((row) => row.slug)).toEqual(
      await groupSlugs({ kind: ["NPO", "RPO", "LPO"], npo: "psykisk-halsa", activeOn: "2025-01-01" }),
    );
    expect(new Set(rows.map((row) => row.kind))).toEqual(new Set(["NPO", "RPO", "LPO"]));
  });

  it("offers ; as the separator for Excel with Swedish settings: the same records", async () => {
    const comma = await csv("/export/groups.csv?region=22");
    const semicolon = await csv(`/export/groups.csv?region=22&delimiter=${encodeURIComponent(";")}`, {}, ";");
    expect(semicolon).toEqual(comma);
    const response = await get("/export/groups.csv?region=22&delimiter=semicolon");
    // Decoded by hand: fetch's text() drops the byte order mark.
    const header = Buffer.from(await response.arrayBuffer())
      .toString("utf8")
      .split("\r\n")[0];
    expect(header).toBe(
      "\uFEFFslug;name;shortName;kind;level;region;healthcareRegion;programAreas;parent;host;municipalParticipation;validFrom;validTo",
    );
  });
});

describe("GET /export/groups/{slug}/members", () => {
  const MEMBERS = "/export/groups/lpo-22-psykisk-halsa/members";

  it("lists the members as GovernanceGroup.members does, without contact columns for callers lacking read:contact", async () => {
    const { data } = await gql<{
      group: { members: { nodes: { role: string; person: { givenName: string; familyName: string } }[] } };
    }>(
      server.url,
      `{ group(slug: "lpo-22-psykisk-halsa") { members(first: 100) { nodes { role person { givenName familyName } } } } }`,
    );
    const expected = data!.group.members.nodes.map((member) => [
      member.role,
      member.person.givenName,
      member.person.familyName,
    ]);
    expect(expected.length).toBeGreaterThan(3);
    for (const headers of [{}, await server.keyHeaders(["read"])]) {
      const rows = await csv(`${MEMBERS}.csv`, headers);
      expect(rows.map((row) => [row.role, row.givenName, row.familyName])).toEqual(expected);
      expect(Object.keys(rows[0]!)).not.toContain("email");
      expect(Object.keys(rows[0]!)).not.toContain("phone");
      const items = await json(`${MEMBERS}.json`, headers);
      expect(items).toHaveLength(expected.length);
      expect(Object.keys(items[0]!)).not.toContain("email");
    }
  });

  it("adds e-mail and telephone for keys with read:contact", async () => {
    const headers = await server.keyHeaders(["read", "read:contact"]);
    const { data } = await gql<{ group: { members: { nodes: { person: { email: string | null } }[] } } }>(
      server.url,
      `{ group(slug: "lpo-22-psykisk-halsa") { members(first: 100) { nodes { person { email } } } } }`,
      undefined,
      headers,
    );
    const rows = await csv(`${MEMBERS}.csv?delimiter=;`, headers, ";");
    expect(rows.map((row) => row.email || null)).toEqual(
      data!.group.members.nodes.map((member) => member.person.email),
    );
    expect(rows.some((row) => row.email.includes("@"))).toBe(true);
    expect(Object.keys(rows[0]!)).toContain("phone");
  });

  it("answers for a past day or every period, in a number of SQL statements that does not grow with the members", async () => {
    const today = await get(`${MEMBERS}.csv`);
    const all = await csv(`${MEMBERS}.csv?activeOn=all`);
    const now = await csv(`${MEMBERS}.csv`);
    expect(all.length).toBeGreaterThan(now.length);
    expect(all.some((row) => row.validTo !== "" && row.validTo < new Date().toISOString().slice(0, 10))).toBe(true);
    const past = await csv(`${MEMBERS}.csv?activeOn=2020-01-01`);
    expect(
      past.every((row) => row.validFrom <= "2020-01-01" && (row.validTo === "" || row.validTo >= "2020-01-01")),
    ).toBe(true);
    // The same statements for a day's members as for every period's (several pages of them).
    const statements = Number(today.headers.get("x-sql-statements"));
    const allStatements = Number((await get(`${MEMBERS}.csv?activeOn=all`)).headers.get("x-sql-statements"));
    expect(statements).toBeGreaterThan(0);
    expect(statements).toBeLessThanOrEqual(6);
    expect(allStatements).toBeLessThanOrEqual(statements * Math.ceil(all.length / 100));
  });
});

describe("GET /export/regions/{countyCode}/structure", () => {
  it("lists the region, its healthcare region, its municipalities and the bodies working in it", async () => {
    const rows = await csv("/export/regions/22/structure.csv");
    const { data } = await gql<{ region: { name: string; municipalities: { code: string }[] } }>(
      server.url,
      `{ region(countyCode: "22") { name municipalities { code } } }`,
    );
    expect(rows[0]).toMatchObject({ type: "REGION", code: "22", name: data!.region.name });
    expect(rows.filter((row) => row.type === "HEALTHCARE_REGION").map((row) => row.slug)).toEqual(["norra"]);
    expect(rows.filter((row) => row.type === "MUNICIPALITY").map((row) => row.code)).toEqual(
      data!.region.municipalities.map((municipality) => municipality.code),
    );
    expect(rows.filter((row) => row.type === "GROUP").map((row) => row.slug)).toEqual(
      await groupSlugs({ region: "22" }),
    );
    const items = await json("/export/regions/22/structure.json");
    expect(items).toHaveLength(rows.length);
  });
});

describe("bad requests", () => {
  it.each([
    ["/export/groups.csv?level=LOCAL", "level"],
    ["/export/groups.csv?region=2", "region"],
    ["/export/groups.json?municipality=22811", "municipality"],
    ["/export/groups.csv?programArea=Psykisk%20h%C3%A4lsa", "programArea"],
    ["/export/groups.csv?activeOn=yesterday", "activeOn"],
    ["/export/groups.csv?colour=blue", "colour"],
    ["/export/groups.csv?region=22&region=23", "region"],
    ["/export/groups.json?delimiter=;", "delimiter"],
    ["/export/groups.csv?delimiter=tab", "delimiter"],
    ["/export/groups/Not_A_Slug/members.csv", "slug"],
    ["/export/regions/stockholm/structure.json", "countyCode"],
    ["/export/regions/22/structure.csv?region=23", "region"],
  ])("%s is refused with 400 naming %s", async (path, parameter) => {
    expect(await problem(path)).toMatchObject({ status: 400, code: "BAD_USER_INPUT", parameter });
  });

  it("names the levels there are when one is not", async () => {
    expect((await problem("/export/groups.csv?level=LOCAL&region=22")).message).toBe(
      "level must be one or more of NATIONAL, HEALTHCARE_REGIONAL, REGIONAL separated by commas (a region's LPOs and LAGs are REGIONAL)",
    );
  });

  it("refuses a day that does not exist with 400, as GraphQL does", async () => {
    expect(await problem("/export/groups.csv?activeOn=2024-02-30")).toMatchObject({
      status: 400,
      code: "BAD_USER_INPUT",
    });
  });

  it("answers 404 with a code for a group, region or list that does not exist", async () => {
    expect(await problem("/export/groups/no-such-group/members.csv")).toMatchObject({ status: 404, code: "NOT_FOUND" });
    expect(await problem("/export/regions/99/structure.json")).toMatchObject({ status: 404, code: "NOT_FOUND" });
    expect(await problem("/export/people.csv")).toMatchObject({ status: 404, code: "NOT_FOUND" });
    expect(await problem("/export/groups.xlsx")).toMatchObject({ status: 404, code: "NOT_FOUND" });
  });

  it("counts exports by list and outcome in the metrics", async () => {
    const metrics = await (await fetch(server.metricsUrl)).text();
    expect(metrics).toMatch(/kg_export_requests_total\{list="groups",outcome="ok"\} [1-9]/);
    expect(metrics).toMatch(/kg_export_requests_total\{list="groups",outcome="BAD_USER_INPUT"\} [1-9]/);
    expect(metrics).toMatch(/kg_export_requests_total\{list="members",outcome="NOT_FOUND"\} [1-9]/);
  });

  it("refuses a key that is not valid with 401, as /graphql does", async () => {
    expect(await problem("/export/groups.csv", { authorization: "Bearer kg_not-a-key" })).toMatchObject({
      status: 401,
      code: "UNAUTHENTICATED",
    });
  });
});

describe("OpenAPI description", () => {
  it("is OpenAPI 3.1; every path in it is served, and every route served is in it", async () => {
    const document = (await (await get("/export/openapi.json")).json()) as {
      openapi: string;
      paths: Record<string, { get: { responses: Record<string, unknown> } }>;
    };
    expect(document.openapi).toBe("3.1.0");
    const documented = Object.keys(document.paths).sort();
    const served = exportRoutes()
      .map((route) => route.replace(/:(\w+)/g, "{$1}"))
      .sort();
    expect(documented).toEqual(served);
    const examples: Record<string, string> = { slug: "lpo-22-psykisk-halsa", countyCode: "22" };
    for (const path of documented) {
      const response = await get(`/export${path.replace(/\{(\w+)\}/g, (_match, name: string) => examples[name]!)}`);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect(Object.keys(document.paths[path]!.get.responses)).toContain("200");
    }
  });
});

describe("GET /", () => {
  it("leads to GraphiQL instead of an error page", async () => {
    const response = await get("/", { accept: "text/html" });
    expect(response.status).toBe(302);
    const target = new URL(response.headers.get("location")!, `${base}/`);
    expect(target.href).toBe(server.url);
    const page = await fetch(target, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
  });
});

describe("access and rate limits", () => {
  let strict: TestServer;
  beforeAll(async () => {
    strict = await startTestServer({
      config: {
        anonymousAccess: "none",
        rateLimit: { ...TEST_SERVER_CONFIG.rateLimit!, keyRequests: 3, windowSeconds: 600 },
      },
    });
  });
  afterAll(() => strict?.stop());

  it("needs a key when anonymous access is off, and counts exports against the same limit as GraphQL", async () => {
    const origin = new URL(strict.url).origin;
    const anonymous = await fetch(`${origin}/export/groups.json?region=22`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe("UNAUTHENTICATED");

    const headers = await strict.keyHeaders(["read"]);
    expect((await fetch(`${origin}/export/groups.json?region=22`, { headers })).status).toBe(200);
    expect((await gql(strict.url, "{ regions { countyCode } }", undefined, headers)).errors).toBeUndefined();
    expect((await fetch(`${origin}/export/groups.csv?region=22`, { headers })).status).toBe(200);
    const limited = await fetch(`${origin}/export/groups.csv?region=22`, { headers });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe("RATE_LIMITED");
  });
});
