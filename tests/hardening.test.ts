import { randomBytes } from "node:crypto";
import { gql, startTestServer, type GraphQLResponse, type TestServer } from "./support/test-server";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    config: { queryLimits: { maxDepth: 15, maxAliases: 30, maxDirectives: 20, maxTokens: 5_000, maxCost: 100_000 } },
  });
});

afterAll(() => server.stop());

async function post(
  body: string | Buffer,
  headers: Record<string, string> = { "content-type": "application/json" },
): Promise<{ status: number; body: GraphQLResponse; headers: Headers }> {
  const response = await fetch(server.url, {
    method: "POST",
    headers: { accept: "application/graphql-response+json, application/json", ...headers },
    body,
  });
  const text = await response.text();
  let parsed: GraphQLResponse = {};
  try {
    parsed = JSON.parse(text) as GraphQLResponse;
  } catch {
    // Some refusals (an oversized body) are answered before GraphQL, not as JSON.
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

const limitOf = (response: GraphQLResponse) =>
  response.errors?.[0]?.extensions as { code?: string; limit?: string; max?: number; actual?: number } | undefined;

afterEach(async () => {
  // Whatever a test sent, the server keeps serving.
  const alive = await gql<{ regions: unknown[] }>(server.url, "{ regions { countyCode } }");
  expect(alive.data?.regions).toHaveLength(21);
});

describe("limits before execution", () => {
  it("refuses a query nested too deep, saying which limit and by how much", async () => {
    const deep = `{ group(slug: "psykisk-halsa") { ${"workingGroups { parent { ".repeat(8)} slug ${"} } ".repeat(8)} } }`;
    const response = await gql(server.url, deep);
    expect(limitOf(response)).toMatchObject({ code: "QUERY_TOO_COMPLEX", limit: "depth", max: 15 });
    expect(limitOf(response)!.actual).toBeGreaterThan(15);
    expect(response.errors?.[0]?.message).toMatch(/depth limit of 15 exceeded, found \d+/);
  });

  it("refuses an alias bomb", async () => {
    const aliases = Array.from({ length: 500 }, (_, i) => `a${i}: regions { name }`).join(" ");
    const response = await gql(server.url, `{ ${aliases} }`);
    expect(limitOf(response)).toMatchObject({ code: "QUERY_TOO_COMPLEX", limit: "aliases", max: 30, actual: 500 });
  });

  it("refuses too many directives", async () => {
    const response = await gql(
      server.url,
      `{ regions { ${Array.from({ length: 40 }, () => "name @include(if: true)").join(" ")} } }`,
    );
    expect(limitOf(response)).toMatchObject({ code: "QUERY_TOO_COMPLEX", limit: "directives" });
  });

  it("refuses a document with too many tokens before parsing it all", async () => {
    const response = await gql(server.url, `{ ${"regions { name } ".repeat(2_000)} }`);
    expect(limitOf(response)).toMatchObject({ code: "QUERY_TOO_COMPLEX", limit: "tokens", max: 5_000 });
  });

  it("counts page sizes in the cost, refuses above the limit and reports the cost of every operation", async () => {
    const cheap = await gql(server.url, `{ groups(first: 10) { nodes { slug } } }`);
    expect((cheap as { extensions?: { cost?: unknown } }).extensions?.cost).toEqual({ requested: 21, limit: 100_000 });
    const expensive = await gql(
      server.url,
      `{ groups(first: 100) { nodes { members(first: 100) { nodes { person { memberships(first: 100) { nodes { role } } } } } } } }`,
    );
    expect(limitOf(expensive)).toMatchObject({ code: "QUERY_TOO_COMPLEX", limit: "cost", max: 100_000 });
    expect(expensive.errors?.[0]?.message).toMatch(/Query cost \d+ exceeds the limit of 100000 by \d+/);
    expect(expensive.data).toBeUndefined();
  });

  it("stops deeply nested fragments and fragment cycles", async () => {
    const fragments = Array.from(
      { length: 40 },
      (_, i) => `fragment F${i} on Region { healthcareRegions { regions { ...F${i + 1} } } }`,
    ).join("\n");
    const nested = await gql(server.url, `{ regions { ...F0 } }\n${fragments}\nfragment F40 on Region { name }`);
    expect(limitOf(nested)?.code).toBe("QUERY_TOO_COMPLEX");
    const cycle = await gql(
      server.url,
      `{ regions { ...A } } fragment A on Region { healthcareRegions { regions { ...B } } } fragment B on Region { healthcareRegions { regions { ...A } } }`,
    );
    expect(cycle.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(cycle.errors?.[0]?.message).toMatch(/Cannot spread fragment/);
  });

  it("stops execution that runs past the time limit", async () => {
    // Work of its own (thousands of fields resolved in memory), so the time is not the database's (see tests/execution-timeout.test.ts).
    const fields = Array.from({ length: 3_000 }, (_, i) => `f${i}: name`).join(" ");
    const slow = await startTestServer({
      config: {
        executionTimeoutMs: 1,
        queryLimits: { maxDepth: 15, maxAliases: 10_000, maxDirectives: 20, maxTokens: 100_000, maxCost: 1_000_000 },
      },
    });
    try {
      const response = await gql(
        slow.url,
        `{ regions { ...Many municipalities { name code } healthcareRegions { name regions { name municipalities { code } } } } } fragment Many on Region { ${fields} }`,
      );
      expect(response.errors?.map((e) => e.extensions?.code)).toContain("QUERY_TOO_COMPLEX");
      expect(response.errors?.find((e) => e.extensions?.code === "QUERY_TOO_COMPLEX")?.extensions).toMatchObject({
        limit: "executionTime",
        max: 1,
      });
    } finally {
      await slow.stop();
    }
  });

  it("hides field suggestions in production and shows them in development", async () => {
    const development = await gql(server.url, `{ regoins { name } }`);
    expect(development.errors?.[0]?.message).toMatch(/Did you mean "regions"/);
    const production = await startTestServer({ config: { environment: "production" } });
    try {
      const response = await gql(production.url, `{ regoins { name } }`);
      expect(response.errors?.[0]?.message).not.toMatch(/regions/);
    } finally {
      await production.stop();
    }
  });
});

describe("hostile input", () => {
  it("answers huge strings and lists in variables with BAD_USER_INPUT", async () => {
    const hugeString = await gql(server.url, `query($q: String!) { search(query: $q) { totalCount } }`, {
      q: "x".repeat(1_000_000),
    });
    expect(hugeString.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const hugeList = await gql(server.url, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, {
      ids: Array.from({ length: 20_000 }, (_, i) => `id${i}`),
    });
    expect(hugeList.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("treats SQL-shaped values as plain values", async () => {
    const people = await server.prisma.person.count();
    const slug = await gql(server.url, `query($slug: String!) { group(slug: $slug) { id } }`, {
      slug: "x'; DROP TABLE person; --",
    });
    expect(slug.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const search = await gql<{ search: { totalCount: number } }>(
      server.url,
      `query($q: String!) { search(query: $q) { totalCount } }`,
      { q: "' OR 1=1; --" },
    );
    expect(search.errors).toBeUndefined();
    const filter = await gql(server.url, `query($r: String) { groups(filter: { region: $r }) { totalCount } }`, {
      r: "01' OR '1'='1",
    });
    expect(filter.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(await server.prisma.person.count()).toBe(people);
  });

  it("refuses batched requests", async () => {
    const response = await post(JSON.stringify([{ query: "{ __typename }" }, { query: "{ __typename }" }]));
    expect(response.status).toBe(400);
  });

  it("refuses malformed JSON and invalid UTF-8 with 400", async () => {
    expect((await post('{"query": "{ __typename }"')).status).toBe(400);
    expect(
      (
        await post(
          Buffer.concat([
            Buffer.from('{"query": "{ regions { name } }", "x": "'),
            Buffer.from([0xff, 0xfe, 0xc3]),
            Buffer.from('"}'),
          ]),
        )
      ).status,
    ).toBe(400);
  });

  it("refuses content types a web form can send (CSRF prevention) and ones it does not speak", async () => {
    const form = await post("query=%7B__typename%7D", { "content-type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(400);
    const text = await post(JSON.stringify({ query: "{ __typename }" }), { "content-type": "text/plain" });
    expect(text.status).toBe(400);
    const xml = await post("<query/>", { "content-type": "application/xml" });
    expect([400, 415]).toContain(xml.status);
    const get = await fetch(`${server.url}?query=${encodeURIComponent("{ __typename }")}`, {
      headers: { accept: "application/json" },
    });
    expect(get.status).toBe(400);
  });

  it("refuses a body over the size limit with 413", async () => {
    const limited = await startTestServer({ config: { requestBodyLimitBytes: 64 * 1024 } });
    try {
      const response = await fetch(limited.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ __typename }", variables: { padding: randomBytes(100_000).toString("hex") } }),
      });
      expect(response.status).toBe(413);
    } finally {
      await limited.stop();
    }
  });
});

describe("rate limits", () => {
  it("limits anonymous callers per address and keys per key, with RATE_LIMITED and Retry-After", async () => {
    const limited = await startTestServer({
      config: {
        rateLimit: {
          windowSeconds: 60,
          keyRequests: 3,
          anonymousRequests: 2,
          keyCost: 1_000_000_000,
          anonymousCost: 1_000_000_000,
          redisUrl: undefined,
          redisPrefix: "unused",
        },
      },
    });
    try {
      const ask = (headers: Record<string, string> = {}) =>
        fetch(limited.url, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({ query: "{ __typename }" }),
        });
      expect((await ask()).status).toBe(200);
      expect((await ask()).status).toBe(200);
      const refused = await ask();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      const body = (await refused.json()) as GraphQLResponse;
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: "RATE_LIMITED", limit: 2, windowSeconds: 60 });
      expect(body.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);

      expect(limited.logs).toContainEqual(
        expect.objectContaining({ msg: "graphql request refused", caller: "anonymous", errorCodes: ["RATE_LIMITED"] }),
      );
      const metrics = await (await fetch(limited.url.replace(/\/graphql$/, "/metrics"))).text();
      expect(metrics).toMatch(/code="RATE_LIMITED"[^\n]* 1/);

      const key = await limited.keyHeaders(["read"]);
      for (let i = 0; i < 3; i++) expect((await ask(key)).status).toBe(200);
      expect((await ask(key)).status).toBe(429);
    } finally {
      await limited.stop();
    }
  });

  it("shares the counters between replicas through Redis", async () => {
    const rateLimit = {
      windowSeconds: 60,
      keyRequests: 100,
      anonymousRequests: 4,
      keyCost: 1_000_000_000,
      anonymousCost: 1_000_000_000,
      redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      redisPrefix: `kg-test-${randomBytes(6).toString("hex")}`,
    };
    const [first, second] = [
      await startTestServer({ config: { rateLimit } }),
      await startTestServer({ config: { rateLimit } }),
    ];
    try {
      const ask = (url: string) =>
        fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: "{ __typename }" }),
        }).then((r) => r.status);
      expect([await ask(first.url), await ask(second.url), await ask(first.url), await ask(second.url)]).toEqual([
        200, 200, 200, 200,
      ]);
      expect(await ask(first.url)).toBe(429);
      expect(await ask(second.url)).toBe(429);
    } finally {
      await first.stop();
      await second.stop();
    }
  });
});

describe("CORS", () => {
  it("answers browsers from configured origins only", async () => {
    const withCors = await startTestServer({ config: { corsOrigins: ["https://intranet.rvn.se"] } });
    try {
      const preflight = (origin: string) =>
        fetch(withCors.url, {
          method: "OPTIONS",
          headers: {
            origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type,authorization",
          },
        });
      const allowed = await preflight("https://intranet.rvn.se");
      expect(allowed.headers.get("access-control-allow-origin")).toBe("https://intranet.rvn.se");
      expect(allowed.headers.get("access-control-allow-headers")).toMatch(/authorization/);
      const other = await preflight("https://evil.example");
      expect(other.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await withCors.stop();
    }
    const none = await fetch(server.url, {
      method: "OPTIONS",
      headers: { origin: "https://intranet.rvn.se", "access-control-request-method": "POST" },
    });
    expect(none.headers.get("access-control-allow-origin")).toBeNull();
  });
});
