import pg from "pg";
import pino from "pino";
import { createPrismaClient, type Database } from "../src/db/prisma";
import { startServer, type RunningServer } from "../src/server";
import { seedReferenceData } from "../src/seed/seed";
import { gql, startTestServer, TEST_SERVER_CONFIG, type TestServer } from "./support/test-server";

const CACHE_ON = { responseCache: { enabled: true, maxBytes: 64 * 1024 * 1024 } };

interface Answer {
  status: number;
  cache: string | null;
  contentType: string | null;
  text: string;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
    extensions?: { sqlStatements?: number; cost?: { requested: number; limit: number } };
  };
}

async function post(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
  operationName?: string,
): Promise<Answer> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
    body: JSON.stringify({ query, variables, operationName }),
  });
  const text = await response.text();
  return {
    status: response.status,
    cache: response.headers.get("x-cache"),
    contentType: response.headers.get("content-type"),
    text,
    body: JSON.parse(text) as Answer["body"],
  };
}

/** The answer without what differs between a hit and an execution (the statement count). */
function withoutStatementCount(body: Answer["body"]): Answer["body"] {
  const { sqlStatements: _count, ...extensions } = body.extensions ?? {};
  return { ...body, extensions };
}

/** Asks until `done` holds or the deadline passes; returns the last answer. */
async function pollUntil(ask: () => Promise<Answer>, done: (answer: Answer) => boolean, deadlineMs = 5_000) {
  const until = Date.now() + deadlineMs;
  let answer = await ask();
  while (!done(answer) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    answer = await ask();
  }
  return answer;
}

const REGION = `query Region($code: String!, $first: Int) {
  region(countyCode: $code) { name localProgramAreas { slug name } municipalities { name } }
  municipalities(countyCode: $code, first: $first) { totalCount }
}`;
const GROUP_NAME = `query GroupName($slug: String!) { group(slug: $slug) { name } }`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ config: CACHE_ON });
});
afterAll(() => server.stop());

describe("the response cache", () => {
  it("answers a repeated query from memory with the same body, its cost, and no SQL", async () => {
    const variables = { code: "24", first: 5 };
    const miss = await post(server.url, REGION, variables);
    expect(miss.cache).toBe("miss");
    expect(miss.body.errors).toBeUndefined();
    expect(miss.body.extensions?.sqlStatements).toBeGreaterThan(0);
    expect(miss.body.extensions?.cost).toEqual({ requested: expect.any(Number), limit: 100_000 });

    const hit = await post(server.url, REGION, variables);
    expect(hit.cache).toBe("hit");
    expect(hit.status).toBe(200);
    expect(hit.contentType).toBe(miss.contentType);
    expect(withoutStatementCount(hit.body)).toEqual(withoutStatementCount(miss.body));
    // Counted at the driver, as for every request.
    expect(hit.body.extensions?.sqlStatements).toBe(0);
    expect(server.logs).toContainEqual(
      expect.objectContaining({ msg: "graphql request", operationName: "Region", sqlStatements: 0, cache: "hit" }),
    );

    // The same variables in another order are the same request; other variables are not.
    expect((await post(server.url, REGION, { first: 5, code: "24" })).cache).toBe("hit");
    expect((await post(server.url, REGION, { code: "24", first: 6 })).cache).toBe("miss");
    // So is another Accept header: the content type follows it.
    const legacy = await post(server.url, REGION, variables, { accept: "application/json" });
    expect(legacy.cache).toBe("miss");
    expect(legacy.contentType).toMatch(/^application\/json/);
    expect((await post(server.url, REGION, variables, { accept: "application/json" })).contentType).toBe(
      legacy.contentType,
    );
  });

  it("keeps no answer that has errors, and no mutation", async () => {
    const broken = `{ region(countyCode: "24") { name } nodes(ids: ["not-an-id"]) { id } }`;
    const first = await post(server.url, broken);
    expect(first.body.errors?.length).toBeGreaterThan(0);
    const again = await post(server.url, broken);
    expect(again.cache).toBe("miss");
    expect(again.body.errors?.length).toBeGreaterThan(0);

    const writer = await server.keyHeaders(["write"]);
    const create = `mutation { createPerson(input: { givenName: "Cache", familyName: "Mutation" }) { id } }`;
    const created = [await post(server.url, create, {}, writer), await post(server.url, create, {}, writer)];
    expect(created.map((answer) => answer.cache)).toEqual(["miss", "miss"]);
    expect(created[0]!.body.data).not.toEqual(created[1]!.body.data);
  });

  it("never gives a caller an answer cached for a caller who may see more, or less", async () => {
    const writer = await server.keyHeaders(["write"]);
    const created = await post(
      server.url,
      `mutation { createPerson(input: { givenName: "Dold", familyName: "Kontakt", email: "dold@example.se", sourceSystem: "hr", externalId: "x-1" }) { id } }`,
      {},
      writer,
    );
    const id = (created.body.data?.createPerson as { id: string }).id;
    const contactQuery = `query($id: ID!) { node(id: $id) { ... on Person { givenName email } } }`;
    const identifierQuery = `query($id: ID!) { node(id: $id) { ... on Person { givenName sourceSystem externalId } } }`;
    const contactReader = await server.keyHeaders(["read:contact"]);
    const otherContactReader = await server.keyHeaders(["read", "read:contact"]);
    const reader = await server.keyHeaders(["read"]);
    const identifierReader = await server.keyHeaders(["read:identifiers"]);

    const seen = await post(server.url, contactQuery, { id }, contactReader);
    expect(seen.body.data).toEqual({ node: { givenName: "Dold", email: "dold@example.se" } });
    expect((await post(server.url, contactQuery, { id }, contactReader)).cache).toBe("hit");
    // Another key that may see the same shares the answer.
    expect((await post(server.url, contactQuery, { id }, otherContactReader)).cache).toBe("hit");

    for (const [headers, code] of [
      [{}, "UNAUTHENTICATED"],
      [reader, "FORBIDDEN"],
      [identifierReader, "FORBIDDEN"],
    ] as const) {
      const refused = await post(server.url, contactQuery, { id }, headers);
      expect(refused.cache).toBe("miss");
      expect(refused.text).not.toContain("dold@example.se");
      expect(refused.body.errors?.[0]?.extensions?.code).toBe(code);
    }

    const identified = await post(server.url, identifierQuery, { id }, identifierReader);
    expect(identified.body.data).toEqual({ node: { givenName: "Dold", sourceSystem: "hr", externalId: "x-1" } });
    expect((await post(server.url, identifierQuery, { id }, identifierReader)).cache).toBe("hit");
    for (const headers of [{}, reader, contactReader]) {
      const refused = await post(server.url, identifierQuery, { id }, headers);
      expect(refused.cache).toBe("miss");
      expect(refused.text).not.toContain("x-1");
    }

    // And the reverse: an answer cached for the caller who sees less is not given to one who sees more.
    const publicQuery = `query($id: ID!) { node(id: $id) { ... on Person { givenName familyName } } }`;
    expect((await post(server.url, publicQuery, { id })).cache).toBe("miss");
    expect((await post(server.url, publicQuery, { id })).cache).toBe("hit");
    expect((await post(server.url, publicQuery, { id }, reader)).cache).toBe("hit");
    expect((await post(server.url, publicQuery, { id }, contactReader)).cache).toBe("miss");
    expect((await post(server.url, publicQuery, { id }, identifierReader)).cache).toBe("miss");
  });

  it("never answers a read after a mutation of this server from before it", async () => {
    const writer = await server.keyHeaders(["write"]);
    const query = `query($id: ID!) { node(id: $id) { ... on Person { familyName version } } }`;
    const created = await post(
      server.url,
      `mutation { createPerson(input: { givenName: "Läs", familyName: "Efter-0" }) { id } }`,
      {},
      writer,
    );
    const id = (created.body.data?.createPerson as { id: string }).id;
    for (let round = 1; round <= 5; round++) {
      // The notification of this server's own last write may still be on its way and empty the
      // cache once more (a miss, never a stale answer): read until the answer is kept.
      let cached = false;
      for (let attempt = 0; attempt < 50 && !cached; attempt++) {
        const read = await post(server.url, query, { id });
        expect(read.body.data).toEqual({ node: { familyName: `Efter-${round - 1}`, version: round } });
        cached = read.cache === "hit";
        if (!cached) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(cached).toBe(true);
      const updated = await post(
        server.url,
        `mutation($id: ID!, $name: String!) { updatePerson(input: { id: $id, familyName: $name }) { version } }`,
        { id, name: `Efter-${round}` },
        writer,
      );
      expect(updated.body.errors).toBeUndefined();
      const after = await post(server.url, query, { id });
      expect(after.cache).toBe("miss");
      expect(after.body.data).toEqual({ node: { familyName: `Efter-${round}`, version: round + 1 } });
    }
  });

  describe("with a second server on the same database", () => {
    let prisma: Database;
    let second: RunningServer;
    beforeAll(async () => {
      prisma = createPrismaClient({ url: server.database.url, poolSize: 2 });
      second = await startServer({
        config: { ...TEST_SERVER_CONFIG, ...CACHE_ON },
        prisma,
        logger: pino({ level: "silent" }),
      });
    });
    afterAll(async () => {
      await second.stop();
      await prisma.$disconnect();
    });

    const slug = "lpo-22-psykisk-halsa";
    const nameOn = (url: string) => post(url, GROUP_NAME, { slug });
    const nameIn = (answer: Answer) => (answer.body.data?.group as { name: string } | null)?.name;

    it("keeps its answers while the servers only probe their connections (every second, through the channel)", async () => {
      const query = `{ nationalProgramAreas { slug } }`;
      await post(server.url, query);
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect((await post(server.url, query)).cache).toBe("hit");
    });

    it("sees a write through the other server within a bounded time", async () => {
      const before = nameIn(await nameOn(server.url));
      expect((await nameOn(server.url)).cache).toBe("hit");
      const writer = await server.keyHeaders(["write"]);
      const group = await post(second.url, `{ group(slug: "${slug}") { id version } }`);
      const { id } = group.body.data?.group as { id: string };
      const renamed = await post(
        second.url,
        `mutation($id: ID!) { updateGroup(input: { id: $id, name: "Psykisk hälsa (LPO, cachetest)" }) { name } }`,
        { id },
        writer,
      );
      expect(renamed.body.errors).toBeUndefined();
      const seen = await pollUntil(
        () => nameOn(server.url),
        (answer) => nameIn(answer) !== before,
      );
      expect(nameIn(seen)).toBe("Psykisk hälsa (LPO, cachetest)");
      expect(seen.cache).toBe("miss");
    });

    it("sees a write by any client of the database (psql, a script), and a seed, within a bounded time", async () => {
      const seeded = "Region Västernorrland";
      const regionName = (url: string) => post(url, `{ region(countyCode: "22") { name } }`);
      const nameOf = (answer: Answer) => (answer.body.data?.region as { name: string }).name;
      expect(nameOf(await regionName(server.url))).toBe(seeded);
      expect(nameOf(await regionName(second.url))).toBe(seeded);
      expect((await regionName(server.url)).cache).toBe("hit");

      const client = new pg.Client({ connectionString: server.database.url });
      await client.connect();
      try {
        await client.query(`UPDATE region SET name = 'Region Västernorrland (ändrad)' WHERE county_code = '22'`);
      } finally {
        await client.end();
      }
      for (const url of [server.url, second.url]) {
        const seen = await pollUntil(
          () => regionName(url),
          (answer) => nameOf(answer) !== seeded,
        );
        expect(nameOf(seen)).toBe("Region Västernorrland (ändrad)");
      }
      expect((await regionName(server.url)).cache).toBe("hit");

      // The seed puts the reference name back, in its own process as far as the servers know.
      const seeder = createPrismaClient({ url: server.database.url, poolSize: 1 });
      try {
        await seedReferenceData(seeder);
      } finally {
        await seeder.$disconnect();
      }
      for (const url of [server.url, second.url]) {
        const seen = await pollUntil(
          () => regionName(url),
          (answer) => nameOf(answer) === seeded,
        );
        expect(nameOf(seen)).toBe(seeded);
      }
    });
  });

  it("is bypassed while it cannot hear of writes, and serves again once it listens again", async () => {
    const query = `{ healthcareRegions { slug } }`;
    await post(server.url, query);
    expect((await post(server.url, query)).cache).toBe("hit");
    const client = new pg.Client({ connectionString: server.database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ terminated: boolean }>(
        `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'kunskapsgraf-data-version'`,
      );
      expect(rows.length).toBeGreaterThanOrEqual(1);
    } finally {
      await client.end();
    }
    const bypassed = await pollUntil(
      () => post(server.url, query),
      (answer) => answer.cache === "bypass",
    );
    expect(bypassed.cache).toBe("bypass");
    expect(bypassed.body.extensions?.sqlStatements).toBeGreaterThan(0);
    // It reconnects by itself; what was cached before may have changed meanwhile, so it starts empty.
    const missed = await pollUntil(
      () => post(server.url, query),
      (answer) => answer.cache !== "bypass",
    );
    expect(missed.cache).toBe("miss");
    expect((await post(server.url, query)).cache).toBe("hit");
  });
});

describe("the response cache and the day", () => {
  afterEach(() => jest.useRealTimers());

  it('rolls "today" over at midnight: an answer of one day is not given on the next', async () => {
    const writer = await server.keyHeaders(["write"]);
    const slug = "lpo-22-akut-vard";
    const group = (await post(server.url, `{ group(slug: "${slug}") { id } }`)).body.data?.group as { id: string };
    const person = await post(
      server.url,
      `mutation { createPerson(input: { givenName: "Sista", familyName: "Dagen" }) { id } }`,
      {},
      writer,
    );
    const membership = await post(
      server.url,
      `mutation($input: CreateMembershipInput!) { createMembership(input: $input) { id } }`,
      {
        input: {
          group: group.id,
          person: (person.body.data?.createPerson as { id: string }).id,
          role: "MEMBER",
          validFrom: "2030-01-01",
          validTo: "2030-03-14",
        },
      },
      writer,
    );
    expect(membership.body.errors).toBeUndefined();

    // Only the clock is faked: timers, sockets and the database run as usual.
    jest.useFakeTimers({
      doNotFake: [
        "hrtime",
        "nextTick",
        "performance",
        "queueMicrotask",
        "requestAnimationFrame",
        "cancelAnimationFrame",
        "requestIdleCallback",
        "cancelIdleCallback",
        "setImmediate",
        "clearImmediate",
        "setInterval",
        "clearInterval",
        "setTimeout",
        "clearTimeout",
      ],
      now: new Date("2030-03-14T23:59:59.000Z"),
    });
    const members = `{ group(slug: "${slug}") { members { nodes { person { familyName } } } } }`;
    const namesIn = (answer: Answer) =>
      (answer.body.data?.group as { members: { nodes: { person: { familyName: string } }[] } }).members.nodes.map(
        (node) => node.person.familyName,
      );
    const lastDay = await post(server.url, members);
    expect(namesIn(lastDay)).toContain("Dagen");
    expect((await post(server.url, members)).cache).toBe("hit");

    jest.setSystemTime(new Date("2030-03-15T00:00:00.000Z"));
    const nextDay = await post(server.url, members);
    expect(nextDay.cache).toBe("miss");
    expect(namesIn(nextDay)).not.toContain("Dagen");
    expect((await post(server.url, members)).cache).toBe("hit");
  });
});

describe("the response cache's bounds and switch", () => {
  it("counts hits against the rate limit", async () => {
    const limited = await startTestServer({
      config: {
        ...CACHE_ON,
        rateLimit: { ...TEST_SERVER_CONFIG.rateLimit!, anonymousRequests: 3 },
      },
    });
    try {
      const query = `{ healthcareRegions { slug } }`;
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await post(limited.url, query));
      expect(answers.map((answer) => answer.cache)).toEqual(["miss", "hit", "hit", "bypass"]);
      expect(answers[3]!.status).toBe(429);
      expect(answers[3]!.body.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
    } finally {
      await limited.stop();
    }
  });

  it("stays within its size, evicting the least recently used answers", async () => {
    const maxBytes = 65_536;
    const small = await startTestServer({ config: { responseCache: { enabled: true, maxBytes } } });
    try {
      const query = `query($first: Int) { municipalities(first: $first) { nodes { code name region { name } } } }`;
      const first = await post(small.url, query, { first: 100 });
      const answerBytes = Buffer.byteLength(first.text);
      expect(answerBytes).toBeGreaterThan(maxBytes / 10);
      expect((await post(small.url, query, { first: 100 })).cache).toBe("hit");
      // Enough other answers to fill the cache twice over.
      for (let size = 99; size > 99 - Math.ceil((2 * maxBytes) / answerBytes); size--)
        await post(small.url, query, { first: size });
      expect((await post(small.url, query, { first: 100 })).cache).toBe("miss");

      const metrics = await (await fetch(small.metricsUrl)).text();
      const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(metrics)?.[1]);
      expect(value("kg_response_cache_evictions_total")).toBeGreaterThan(0);
      expect(value("kg_response_cache_bytes")).toBeGreaterThan(0);
      expect(value("kg_response_cache_bytes")).toBeLessThanOrEqual(maxBytes);
      expect(metrics).toMatch(/^kg_response_cache_requests_total\{result="hit"\} [1-9]/m);
      expect(metrics).toMatch(/^kg_response_cache_requests_total\{result="miss"\} [1-9]/m);
    } finally {
      await small.stop();
    }
  });

  it("can be switched off: every request executes", async () => {
    const off = await startTestServer();
    try {
      const answers = [await post(off.url, REGION, { code: "22" }), await post(off.url, REGION, { code: "22" })];
      for (const answer of answers) {
        expect(answer.cache).toBeNull();
        expect(answer.body.extensions?.sqlStatements).toBeGreaterThan(0);
      }
      expect((await gql(off.url, `{ healthcareRegions { slug } }`)).errors).toBeUndefined();
    } finally {
      await off.stop();
    }
  });
});

describe("the response cache in front of Express", () => {
  /** Status, content type and body, without the request id (new for every request). */
  async function raw(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
      body,
    });
    const text = (await response.text()).replace(/"requestId":"[^"]*"/g, '"requestId":"…"');
    return {
      status: response.status,
      contentType: response.headers.get("content-type"),
      requestId: response.headers.get("x-request-id"),
      text,
    };
  }

  it("answers bodies it cannot use exactly as the server without it does", async () => {
    const off = await startTestServer();
    try {
      const bodies: (string | Buffer)[] = [
        '{"query": ',
        "5",
        "",
        Buffer.from([0x7b, 0x22, 0x71, 0xff, 0xfe, 0x22, 0x7d]),
        JSON.stringify([{ query: "{ healthcareRegions { slug } }" }]),
        JSON.stringify({ query: "{ healthcareRegions { slug } }", variables: "not an object" }),
      ];
      for (const body of bodies) {
        for (let repeat = 0; repeat < 2; repeat++) {
          const [cached, plain] = [await raw(server.url, body), await raw(off.url, body)];
          expect({ body: body.toString(), ...cached, requestId: undefined }).toEqual({
            body: body.toString(),
            ...plain,
            requestId: undefined,
          });
          expect(cached.requestId).toMatch(/^[0-9a-f-]{36}$/);
        }
      }
    } finally {
      await off.stop();
    }
  });

  it("leaves a body over REQUEST_BODY_LIMIT_BYTES to be refused, even when it could be cached", async () => {
    const limited = await startTestServer({ config: { ...CACHE_ON, requestBodyLimitBytes: 1024 } });
    try {
      const body = JSON.stringify({ query: `{ healthcareRegions { slug } }${" ".repeat(2000)}` });
      for (let repeat = 0; repeat < 2; repeat++) {
        const refused = await raw(limited.url, body);
        expect(refused.status).toBe(413);
        expect(refused.text).toContain("REQUEST_BODY_LIMIT_BYTES");
      }
    } finally {
      await limited.stop();
    }
  });

  it("keeps the caller's request id on a hit", async () => {
    const body = JSON.stringify({ query: "{ healthcareRegions { name } }" });
    await raw(server.url, body);
    const hit = await raw(server.url, body, { "x-request-id": "intranet-4711" });
    expect(hit.requestId).toBe("intranet-4711");
    expect(server.logs).toContainEqual(
      expect.objectContaining({ msg: "graphql request", requestId: "intranet-4711", cache: "hit" }),
    );
  });
});

describe("the data-change triggers", () => {
  it("are on every table, so no writer and no future table can leave a cache stale", async () => {
    const client = new pg.Client({ connectionString: server.database.url });
    await client.connect();
    try {
      const { rows: tables } = await client.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '_prisma_migrations' ORDER BY 1`,
      );
      const { rows: triggers } = await client.query<{ table: string; type: number; columns: string[] | null }>(
        `SELECT c.relname AS table, t.tgtype AS type,
                (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM unnest(t.tgattr) AS k(attnum)
                   JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum) AS columns
           FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
          WHERE t.tgname = 'kg_data_changed' AND t.tgenabled = 'O' AND t.tgfoid = 'kg_notify_data_changed'::regproc`,
      );
      expect(tables.length).toBeGreaterThan(10);
      const byTable = new Map(triggers.map((trigger) => [trigger.table, trigger]));
      // AFTER, FOR EACH STATEMENT, on INSERT (4), DELETE (8), UPDATE (16) and TRUNCATE (32).
      const everyWrite = 4 | 8 | 16 | 32;
      const missing = tables.filter(({ name }) => byTable.get(name)?.type !== everyWrite).map(({ name }) => name);
      expect(missing).toEqual([]);
      // Updates that change only a key's last use do not count as changes; every other column does.
      const { rows: apiKeyColumns } = await client.query<{ name: string }>(
        `SELECT attname AS name FROM pg_attribute
          WHERE attrelid = 'api_key'::regclass AND attnum > 0 AND NOT attisdropped AND attname <> 'last_used_at' ORDER BY 1`,
      );
      expect(byTable.get("api_key")?.columns).toEqual(apiKeyColumns.map(({ name }) => name));
      for (const [table, trigger] of byTable)
        if (table !== "api_key") expect({ table, columns: trigger.columns }).toEqual({ table, columns: null });
    } finally {
      await client.end();
    }
  });
});
