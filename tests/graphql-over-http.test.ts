import { serverAudits } from "graphql-http";
import { startTestServer, type TestServer } from "./support/test-server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe("GraphQL over HTTP (graphql-http server audits)", () => {
  // Every MUST and SHOULD; the MAYs this server declines are listed in the README.
  const audits = serverAudits({ url: () => server.url, fetchFn: fetch }).filter(
    (audit) => !audit.name.startsWith("MAY"),
  );

  it.each(audits.map((audit) => [audit.name, audit] as const))("%s", async (_name, audit) => {
    const result = await audit.fn();
    expect({ status: result.status, reason: "reason" in result ? result.reason : undefined }).toEqual({
      status: "ok",
      reason: undefined,
    });
  });

  it("answers request errors with 400 to clients that accept application/graphql-response+json", async () => {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body: JSON.stringify({ query: "{ regions {" }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toMatch(/^application\/graphql-response\+json/);
  });
});
