import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { parse, print } from "graphql";
import { INTRANET_OPERATIONS } from "../bench/queries";
import type { Config } from "../src/config";
import { startChildServer } from "./support/child-server";
import { createTestDatabase } from "./support/test-database";
import { startTestServer, TEST_SERVER_CONFIG, type GraphQLResponse, type TestServer } from "./support/test-server";

const MANIFEST = path.join(__dirname, "..", "examples", "persisted-documents.json");
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

interface Answer {
  status: number;
  body: GraphQLResponse;
}

async function post(url: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as GraphQLResponse };
}

const codeOf = (answer: Answer) => answer.body.errors?.[0]?.extensions?.code;

/** The registered example documents (the intranet operations), id → text. */
const registered = JSON.parse(readFileSync(MANIFEST, "utf8")) as Record<string, string>;
const idOf = (operationName: string) =>
  Object.keys(registered).find((id) => new RegExp(`^query ${operationName} `, "m").test(registered[id]!))!;

function trusted(mode: "allow" | "require", extra: Partial<Config> = {}): Partial<Config> {
  return { trustedDocuments: { mode, file: MANIFEST }, ...extra };
}

describe("automatic persisted queries (APQ)", () => {
  const query = "{ healthcareRegions { slug } }";
  const hash = sha256(query);
  const byHash = { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } };

  it("are on by default: a hash the server has not seen is PERSISTED_QUERY_NOT_FOUND, then works once registered", async () => {
    const server = await startTestServer();
    try {
      expect(codeOf(await post(server.url, byHash))).toBe("PERSISTED_QUERY_NOT_FOUND");
      const registering = await post(server.url, { query, ...byHash });
      expect(registering.status).toBe(200);
      const answer = await post(server.url, byHash);
      expect(answer.status).toBe(200);
      expect(answer.body.data).toEqual(registering.body.data);
      expect((answer.body.data as { healthcareRegions: unknown[] }).healthcareRegions).toHaveLength(6);
    } finally {
      await server.stop();
    }
  });

  it("work with Apollo Client's PersistedQueryLink: the hash first, the query once, then the hash alone", async () => {
    const server = await startTestServer();
    try {
      const sent: Record<string, unknown>[] = [];
      const recordingFetch: typeof fetch = async (input, init) => {
        sent.push(JSON.parse(String(init?.body)) as Record<string, unknown>);
        return fetch(input, init);
      };
      const client = new ApolloClient({
        link: ApolloLink.from([
          new PersistedQueryLink({ sha256: async (text: string) => sha256(text) }),
          new HttpLink({ uri: server.url, fetch: recordingFetch }),
        ]),
        cache: new InMemoryCache(),
      });
      const regions = gql`
        query Regions {
          healthcareRegions {
            slug
          }
        }
      `;
      for (let i = 0; i < 2; i++) {
        const { data } = await client.query<{ healthcareRegions: unknown[] }>({
          query: regions,
          fetchPolicy: "no-cache",
        });
        expect(data?.healthcareRegions).toHaveLength(6);
      }
      // Unknown hash, then hash and query, then (second query) the hash alone.
      expect(sent.map((body) => "query" in body)).toEqual([false, true, false]);
    } finally {
      await server.stop();
    }
  });

  it("can be switched off: PERSISTED_QUERY_NOT_SUPPORTED, while plain queries still run", async () => {
    const server = await startTestServer({
      config: { persistedQueries: { enabled: false, maxBytes: 1 << 20, ttlSeconds: 60 } },
    });
    try {
      for (const body of [byHash, { query, ...byHash }]) {
        const refused = await post(server.url, body);
        expect(codeOf(refused)).toBe("PERSISTED_QUERY_NOT_SUPPORTED");
        expect(refused.body.data).toBeUndefined();
      }
      expect((await post(server.url, { query })).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it("are shared through Redis: another server process knows a query the first one was sent", async () => {
    const redisPrefix = `kg-test-${randomBytes(6).toString("hex")}`;
    const unique = `{ healthcareRegions { slug name } apq: __typename }`;
    const uniqueByHash = { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(unique) } } };
    const first = await startTestServer({
      config: { rateLimit: { ...TEST_SERVER_CONFIG.rateLimit!, redisUrl: REDIS_URL, redisPrefix } },
    });
    let second: Awaited<ReturnType<typeof startChildServer>> | undefined;
    try {
      second = await startChildServer(first.database.url, { env: { REDIS_URL, RATE_LIMIT_REDIS_PREFIX: redisPrefix } });
      expect(codeOf(await post(second.url, uniqueByHash))).toBe("PERSISTED_QUERY_NOT_FOUND");
      expect((await post(first.url, { query: unique, ...uniqueByHash })).status).toBe(200);
      // Apollo Server writes the entry without waiting for it.
      let answer = await post(second.url, uniqueByHash);
      for (let tries = 0; tries < 50 && answer.status !== 200; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        answer = await post(second.url, uniqueByHash);
      }
      expect(answer.status).toBe(200);
      expect((answer.body.data as { apq: string }).apq).toBe("Query");
    } finally {
      if (second) {
        second.child.kill("SIGTERM");
        await once(second.child, "exit");
      }
      await first.stop();
    }
  });
});

describe("trusted documents", () => {
  describe("TRUSTED_DOCUMENTS=require", () => {
    let server: TestServer;
    beforeAll(async () => {
      // APQ off: registered documents are found by hash all the same.
      server = await startTestServer({
        config: trusted("require", { persistedQueries: { enabled: false, maxBytes: 1 << 20, ttlSeconds: 60 } }),
      });
    });
    afterAll(() => server.stop());

    it("refuses a document that is not registered with PERSISTED_QUERY_NOT_IN_LIST, before anything runs", async () => {
      const refused = await post(server.url, { query: "{ healthcareRegions { slug } }" });
      expect(refused.status).toBe(400);
      expect(codeOf(refused)).toBe("PERSISTED_QUERY_NOT_IN_LIST");
      expect(refused.body.errors?.[0]?.message).toMatch(/only registered documents/);
      expect(refused.body.data).toBeUndefined();
      expect(server.logs).toContainEqual(
        expect.objectContaining({ msg: "graphql request refused", errorCodes: ["PERSISTED_QUERY_NOT_IN_LIST"] }),
      );
    });

    it("runs a registered document sent by `documentId`, by APQ hash, or as its text", async () => {
      const id = idOf("MunicipalityGroups");
      const byDocumentId = await post(server.url, { documentId: `sha256:${id}` });
      expect(byDocumentId.status).toBe(200);
      expect(byDocumentId.body.errors).toBeUndefined();
      expect((byDocumentId.body.data as { municipality: { name: string } }).municipality.name).toBe("Sundsvall");
      const byBareId = await post(server.url, { documentId: id });
      const byApqHash = await post(server.url, { extensions: { persistedQuery: { version: 1, sha256Hash: id } } });
      const byText = await post(server.url, { query: registered[id] });
      for (const answer of [byBareId, byApqHash, byText]) {
        expect(answer.status).toBe(200);
        expect(answer.body.data).toEqual(byDocumentId.body.data);
      }
    });

    it("answers GET requests by `documentId` too", async () => {
      const id = idOf("Search");
      const response = await fetch(`${server.url}?documentId=sha256:${id}`, {
        headers: { accept: "application/json", "apollo-require-preflight": "true" },
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as GraphQLResponse<{ search: { totalCount: number } }>;
      expect(body.errors).toBeUndefined();
      expect(body.data!.search.totalCount).toBeGreaterThan(0);
    });

    it("refuses an id no document has with PERSISTED_QUERY_NOT_FOUND, by either form", async () => {
      const unknown = "0".repeat(64);
      for (const body of [
        { documentId: `sha256:${unknown}` },
        { extensions: { persistedQuery: { version: 1, sha256Hash: unknown } } },
      ]) {
        const refused = await post(server.url, body);
        expect(refused.status).toBe(400);
        expect(codeOf(refused)).toBe("PERSISTED_QUERY_NOT_FOUND");
        expect(refused.body.errors?.[0]?.message).toContain(unknown);
      }
    });

    it("lets an admin key send any document (GraphiQL), and no other key", async () => {
      const query = "{ healthcareRegions { slug } }";
      expect((await post(server.url, { query }, await server.keyHeaders(["admin"]))).status).toBe(200);
      expect(codeOf(await post(server.url, { query }, await server.keyHeaders(["write"])))).toBe(
        "PERSISTED_QUERY_NOT_IN_LIST",
      );
    });
  });

  it("does not serve an unregistered document an admin key ran from the response cache", async () => {
    const server = await startTestServer({
      config: trusted("require", { responseCache: { enabled: true, maxBytes: 64 * 1024 * 1024 } }),
    });
    try {
      const admin = await server.keyHeaders(["admin"]);
      const query = "{ healthcareRegions { slug } }";
      const caches: (string | null)[] = [];
      for (let i = 0; i < 2; i++) {
        const response = await fetch(server.url, {
          method: "POST",
          headers: { "content-type": "application/json", ...admin },
          body: JSON.stringify({ query }),
        });
        expect(response.status).toBe(200);
        caches.push(response.headers.get("x-cache"));
      }
      expect(caches).toEqual(["miss", "miss"]);
      // A registered document is kept as usual.
      const registeredBody = JSON.stringify({ documentId: `sha256:${idOf("Search")}` });
      const registeredCaches: (string | null)[] = [];
      for (let i = 0; i < 2; i++) {
        const response = await fetch(server.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: registeredBody,
        });
        registeredCaches.push(response.headers.get("x-cache"));
      }
      expect(registeredCaches).toEqual(["miss", "hit"]);
    } finally {
      await server.stop();
    }
  });

  it("TRUSTED_DOCUMENTS=allow runs registered documents by id and any other document as sent", async () => {
    const server = await startTestServer({ config: trusted("allow") });
    try {
      const byId = await post(server.url, { documentId: `sha256:${idOf("MembersOnDate")}` });
      expect(byId.status).toBe(200);
      expect(byId.body.errors).toBeUndefined();
      expect((await post(server.url, { query: "{ healthcareRegions { slug } }" })).status).toBe(200);
      expect(codeOf(await post(server.url, { documentId: "1".repeat(64) }))).toBe("PERSISTED_QUERY_NOT_FOUND");
      // An APQ hash that is not registered is APQ's, as without trusted documents.
      const apq = await post(server.url, {
        extensions: { persistedQuery: { version: 1, sha256Hash: "2".repeat(64) } },
      });
      expect(apq.status).toBe(200);
      expect(apq.body.errors?.[0]?.message).toBe("PersistedQueryNotFound");
    } finally {
      await server.stop();
    }
  });

  it("without TRUSTED_DOCUMENTS (off), a `documentId` is not looked up", async () => {
    const server = await startTestServer();
    try {
      const answer = await post(server.url, { documentId: `sha256:${idOf("Search")}` });
      expect(answer.status).toBe(400);
      expect(codeOf(answer)).toBe("BAD_REQUEST");
    } finally {
      await server.stop();
    }
  });

  it("registers every intranet operation of the benchmark in the example manifest", () => {
    const printed = new Set(Object.values(registered).map((document) => print(parse(document))));
    for (const operation of INTRANET_OPERATIONS) expect(printed).toContain(print(parse(operation.query)));
    for (const [id, document] of Object.entries(registered)) expect(sha256(document)).toBe(id);
  });

  it("the built command registers files and prints their ids; a missing manifest stops the server's start", async () => {
    const directory = mkdtempSync(path.join(tmpdir(), "kg-register-"));
    try {
      const manifest = path.join(directory, "documents.json");
      const run = spawnSync(
        process.execPath,
        [path.join(__dirname, "..", "dist", "cli", "register-documents.js"), "--out", manifest, "examples/intranet"],
        { cwd: path.join(__dirname, ".."), encoding: "utf8" },
      );
      expect(run.status).toBe(0);
      expect(run.stdout).toContain(`sha256:${idOf("Chain")}  Chain  examples/intranet/chain.graphql`);
      expect(run.stdout).toContain("5 document(s) added, 0 already registered");
      expect(readFileSync(manifest, "utf8")).toBe(readFileSync(MANIFEST, "utf8"));
      const wrong = spawnSync(
        process.execPath,
        [path.join(__dirname, "..", "dist", "cli", "register-documents.js"), "--bogus"],
        {
          encoding: "utf8",
        },
      );
      expect(wrong.status).toBe(2);
      expect(wrong.stderr).toContain("Unknown option --bogus.");

      const database = await createTestDatabase();
      try {
        const missing = path.join(directory, "missing.json");
        await expect(
          startChildServer(database.url, { env: { TRUSTED_DOCUMENTS: "require", TRUSTED_DOCUMENTS_FILE: missing } }),
        ).rejects.toThrow(`TRUSTED_DOCUMENTS_FILE=${missing}, which cannot be read (ENOENT)`);
      } finally {
        await database.drop();
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
