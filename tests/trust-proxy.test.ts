import { ConfigError, loadConfig } from "../src/config";
import { startTestServer, type TestServer } from "./support/test-server";

describe("TRUST_PROXY", () => {
  it("is off by default and takes a hop count or the proxies' addresses", () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: "false" }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: "1" }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: "10.0.0.5, 10.1.0.0/16, ::1, fd00::/8, loopback" }).trustProxy).toEqual([
      "10.0.0.5",
      "10.1.0.0/16",
      "::1",
      "fd00::/8",
      "loopback",
    ]);
  });

  it.each(["true", "yes", "11", "10.0.0.300", "10.0.0.0/33", "proxy.example.se", "10.0.0.5,", "*"])(
    "refuses %p, saying what it takes",
    (value) => {
      expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(ConfigError);
      expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(
        /TRUST_PROXY=.* is not false, the number of proxies in front of the API/,
      );
    },
  );
});

describe("the client address behind trusted proxies", () => {
  const servers: TestServer[] = [];
  afterAll(() => Promise.all(servers.map((server) => server.stop())));

  async function limited(trustProxy: false | number | string[]): Promise<TestServer> {
    const server = await startTestServer({
      config: {
        trustProxy,
        rateLimit: {
          windowSeconds: 60,
          keyRequests: 100,
          anonymousRequests: 2,
          keyCost: 1_000_000_000,
          anonymousCost: 1_000_000_000,
          redisUrl: undefined,
          redisPrefix: "unused",
        },
      },
    });
    servers.push(server);
    return server;
  }

  async function statusWith(server: TestServer, forwardedFor: string): Promise<number> {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
      body: JSON.stringify({ query: "{ regions { countyCode } }" }),
    });
    await response.arrayBuffer();
    return response.status;
  }

  it.each([
    ["a hop count", 1],
    ["the proxy's address", ["127.0.0.1", "::1"]],
  ] as const)(
    "with %s, a client cannot choose its own rate-limit address through the left-most X-Forwarded-For entry",
    async (_label, trustProxy) => {
      const server = await limited(typeof trustProxy === "number" ? trustProxy : [...trustProxy]);
      // The proxy appends the address it saw (203.0.113.7) to whatever the client sent.
      const statuses = [];
      for (let i = 1; i <= 3; i++) statuses.push(await statusWith(server, `198.51.100.${i}, 203.0.113.7`));
      expect(statuses).toEqual([200, 200, 429]);
      // Another client behind the same proxy has its own budget.
      expect(await statusWith(server, "203.0.113.8")).toBe(200);
    },
  );

  it("without trusted proxies, X-Forwarded-For is ignored: the connection's address counts", async () => {
    const server = await limited(false);
    const statuses = [];
    for (let i = 1; i <= 3; i++) statuses.push(await statusWith(server, `203.0.113.${i}`));
    expect(statuses).toEqual([200, 200, 429]);
  });
});
