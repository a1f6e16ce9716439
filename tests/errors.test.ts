import { readFileSync } from "node:fs";
import path from "node:path";
import { ErrorCode } from "../src/graphql/errors";
import { REQUEST_CODES } from "../src/graphql/format-error";
import { startTestServer, type TestServer } from "./support/test-server";

/** The codes in the first column of the tables under the README's "Errors" paragraph. */
function documentedCodes(): Set<string> {
  const readme = readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
  const section = readme.slice(
    readme.indexOf("**Errors** carry `extensions.code`"),
    readme.indexOf("Fields are deprecated, not removed"),
  );
  return new Set([...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((match) => match[1]!));
}

describe("the error codes are a closed set, all of it documented", () => {
  it("the README lists exactly the codes the server lets through: its own and Apollo Server's request codes", () => {
    expect([...documentedCodes()].sort()).toEqual([...Object.values(ErrorCode), ...REQUEST_CODES].sort());
  });
});

describe("every request-level code, as documented", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { requestBodyLimitBytes: 64 * 1024 } });
  });
  afterAll(() => server.stop());

  async function post(
    body: string | Buffer,
  ): Promise<{ status: number; code: unknown; requestId: unknown; contentType: string | null }> {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body,
    });
    const contentType = response.headers.get("content-type");
    const parsed = (await response.json()) as { errors?: { extensions?: { code?: unknown; requestId?: unknown } }[] };
    return {
      status: response.status,
      code: parsed.errors?.[0]?.extensions?.code,
      requestId: parsed.errors?.[0]?.extensions?.requestId,
      contentType,
    };
  }

  const json = (value: unknown) => JSON.stringify(value);
  const cases: [string, string | Buffer, number, string][] = [
    ["a document that is not GraphQL", json({ query: "{ regions {" }), 400, "GRAPHQL_PARSE_FAILED"],
    ["an unknown field", json({ query: "{ nothing }" }), 400, "GRAPHQL_VALIDATION_FAILED"],
    ["a subscription", json({ query: "subscription { regions { name } }" }), 400, "GRAPHQL_VALIDATION_FAILED"],
    ["variables that are not an object", json({ query: "{ regions { name } }", variables: [1] }), 400, "BAD_REQUEST"],
    [
      "a persisted query the server has not seen",
      json({ extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } }),
      200,
      "PERSISTED_QUERY_NOT_FOUND",
    ],
    [
      "several operations and no operationName",
      json({ query: "query A { regions { name } } query B { regions { name } }" }),
      400,
      "OPERATION_RESOLUTION_FAILURE",
    ],
    ["a body that is not JSON", '{"query": "{ regions { name } }"', 400, "BAD_REQUEST"],
    [
      "a body that is not UTF-8",
      Buffer.concat([
        Buffer.from('{"query": "{ regions { name } }", "x": "'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('"}'),
      ]),
      400,
      "BAD_REQUEST",
    ],
    [
      "a body over the size limit",
      json({ query: "{ regions { name } }", variables: { padding: "x".repeat(100_000) } }),
      413,
      "BAD_REQUEST",
    ],
  ];

  it.each(cases)("%s", async (_label, body, status, code) => {
    const answer = await post(body);
    expect(answer).toMatchObject({ status, code });
    expect(answer.contentType).toMatch(/json/);
    expect(documentedCodes().has(code)).toBe(true);
  });

  it("a body refused before GraphQL carries the request id", async () => {
    expect((await post("{")).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
