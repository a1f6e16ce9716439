import { randomBytes } from "node:crypto";
import type { Config } from "../src/config";
import { startTestServer, TEST_SERVER_CONFIG, type GraphQLResponse } from "./support/test-server";

/** One field of cost 1 and its four subfields: this query costs 5. */
const RATE_LIMIT_QUERY = "{ rateLimit { limit cost remaining resetAt } }";
/** The same with `used`: cost 6. */
const FULL_RATE_LIMIT_QUERY = "{ rateLimit { limit cost remaining used resetAt } }";

interface RateLimitAnswer {
  status: number;
  headers: Headers;
  body: GraphQLResponse<{
    rateLimit: { limit: number; cost: number; remaining: number; used: number; resetAt: string } | null;
  }>;
}

async function ask(
  url: string,
  query = RATE_LIMIT_QUERY,
  headers: Record<string, string> = {},
): Promise<RateLimitAnswer> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as RateLimitAnswer["body"],
  };
}

function costBudget(keyCost: number, anonymousCost: number, redis?: string): Partial<Config> {
  return {
    rateLimit: {
      ...TEST_SERVER_CONFIG.rateLimit!,
      keyCost,
      anonymousCost,
      ...(redis ? { redisUrl: redis, redisPrefix: `kg-test-${randomBytes(6).toString("hex")}` } : {}),
    },
  };
}

describe("cost budgets", () => {
  it("spends each request's cost, tells the state in `rateLimit` and headers, and refuses with 429 when spent", async () => {
    const server = await startTestServer({ config: costBudget(1_000, 21) });
    try {
      const remaining: number[] = [];
      for (let i = 0; i < 4; i++) {
        const answer = await ask(server.url, i === 0 ? FULL_RATE_LIMIT_QUERY : RATE_LIMIT_QUERY);
        expect(answer.status).toBe(200);
        const state = answer.body.data!.rateLimit!;
        const cost = i === 0 ? 6 : 5;
        expect(state).toMatchObject({ limit: 21, cost });
        expect(answer.body.extensions?.cost?.requested).toBe(cost);
        expect(new Date(state.resetAt).getTime()).toBeGreaterThan(Date.now());
        expect(new Date(state.resetAt).getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
        // The headers say the same as the field.
        expect(answer.headers.get("x-ratelimit-limit")).toBe("21");
        expect(answer.headers.get("x-ratelimit-remaining")).toBe(String(state.remaining));
        expect(answer.headers.get("x-ratelimit-used")).toBe(String(21 - state.remaining));
        if (i === 0) expect(state.used).toBe(6);
        expect(answer.headers.get("x-ratelimit-cost")).toBe(String(cost));
        expect(Number(answer.headers.get("x-ratelimit-reset"))).toBe(
          Math.ceil(new Date(state.resetAt).getTime() / 1000),
        );
        remaining.push(state.remaining);
      }
      expect(remaining).toEqual([15, 10, 5, 0]);

      const refused = await ask(server.url);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
      expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
      expect(refused.body.data).toBeUndefined();
      expect(refused.body.errors?.[0]?.extensions).toMatchObject({
        code: "RATE_LIMITED",
        limit: 21,
        cost: 5,
        remaining: 0,
        windowSeconds: 60,
      });
      expect(refused.body.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
      expect(refused.body.errors?.[0]?.message).toMatch(/costs 5 and this address has 0 of its 21 left/);

      // An API key has a budget of its own.
      const key = await server.keyHeaders(["read"]);
      const keyed = await ask(server.url, RATE_LIMIT_QUERY, key);
      expect(keyed.status).toBe(200);
      expect(keyed.body.data!.rateLimit).toMatchObject({ limit: 1_000, cost: 5, remaining: 995 });
    } finally {
      await server.stop();
    }
  });

  it("refuses a request that costs more than is left without spending it, so a cheaper one still fits", async () => {
    const server = await startTestServer({ config: costBudget(1_000, 12) });
    try {
      expect((await ask(server.url)).body.data!.rateLimit!.remaining).toBe(7);
      expect((await ask(server.url)).body.data!.rateLimit!.remaining).toBe(2);
      const tooDear = await ask(server.url);
      expect(tooDear.status).toBe(429);
      expect(tooDear.body.errors?.[0]?.extensions).toMatchObject({ code: "RATE_LIMITED", cost: 5, remaining: 2 });
      // `{ rateLimit { remaining } }` costs 2.
      const cheaper = await ask(server.url, "{ rateLimit { remaining } }");
      expect(cheaper.status).toBe(200);
      expect(cheaper.body.data!.rateLimit!.remaining).toBe(0);
      // Larger than the whole budget: refused, and said so.
      const whole = await ask(
        server.url,
        `{ ${["a", "b", "c"].map((alias) => `${alias}: rateLimit { limit cost remaining resetAt }`).join(" ")} }`,
      );
      expect(whole.status).toBe(429);
      expect(whole.body.errors?.[0]?.message).toMatch(/more than the whole budget of 12/);
    } finally {
      await server.stop();
    }
  });

  it("spends the cost of answers served from the response cache, and never caches `rateLimit`", async () => {
    const server = await startTestServer({
      config: { ...costBudget(1_000, 1_000), responseCache: { enabled: true, maxBytes: 64 * 1024 * 1024 } },
    });
    try {
      const query = "{ healthcareRegions { slug } }";
      const first = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query }),
      });
      const cost = Number(first.headers.get("x-ratelimit-cost"));
      expect(cost).toBeGreaterThan(1);
      expect(first.headers.get("x-cache")).toBe("miss");
      expect(Number(first.headers.get("x-ratelimit-remaining"))).toBe(1_000 - cost);
      const hit = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query }),
      });
      expect(hit.headers.get("x-cache")).toBe("hit");
      expect(Number(hit.headers.get("x-ratelimit-cost"))).toBe(cost);
      expect(Number(hit.headers.get("x-ratelimit-remaining"))).toBe(1_000 - 2 * cost);

      // A key's hits (answered after Express, not before it) spend from the key's budget.
      const key = await server.keyHeaders(["read"]);
      const keyed = [];
      for (let i = 0; i < 2; i++)
        keyed.push(
          await fetch(server.url, {
            method: "POST",
            headers: { "content-type": "application/json", ...key },
            body: JSON.stringify({ query }),
          }),
        );
      expect(keyed.map((answer) => answer.headers.get("x-cache"))).toEqual(["miss", "hit"]);
      expect(keyed.map((answer) => Number(answer.headers.get("x-ratelimit-remaining")))).toEqual([
        1_000 - cost,
        1_000 - 2 * cost,
      ]);

      // The state differs on every request: answered afresh each time, never from the cache.
      const states = [await ask(server.url), await ask(server.url)];
      expect(states.map((state) => state.headers.get("x-cache"))).toEqual(["miss", "miss"]);
      expect(states.map((state) => state.body.data!.rateLimit!.remaining)).toEqual([
        1_000 - 2 * cost - 5,
        1_000 - 2 * cost - 10,
      ]);

      // Spend the rest; a hit that no longer fits is refused as an execution would be.
      let remaining = 1_000 - 2 * cost - 10;
      while (remaining >= cost) {
        const answer = await fetch(server.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query }),
        });
        expect(answer.headers.get("x-cache")).toBe("hit");
        remaining = Number(answer.headers.get("x-ratelimit-remaining"));
      }
      const refused = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query }),
      });
      expect(refused.status).toBe(429);
      expect(refused.headers.get("x-cache")).toBe("bypass");
      expect(((await refused.json()) as GraphQLResponse).errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
    } finally {
      await server.stop();
    }
  });

  it("shares the budget between replicas through Redis", async () => {
    const config = costBudget(1_000, 15, process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
    const first = await startTestServer({ config });
    const second = await startTestServer({ config });
    try {
      expect((await ask(first.url)).body.data!.rateLimit!.remaining).toBe(10);
      expect((await ask(second.url)).body.data!.rateLimit!.remaining).toBe(5);
      expect((await ask(first.url)).body.data!.rateLimit!.remaining).toBe(0);
      const refused = await ask(second.url);
      expect(refused.status).toBe(429);
      expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: "RATE_LIMITED", remaining: 0 });
    } finally {
      await first.stop();
      await second.stop();
    }
  });

  it("keeps the request count as a floor under the budget", async () => {
    const server = await startTestServer({
      config: { rateLimit: { ...TEST_SERVER_CONFIG.rateLimit!, anonymousRequests: 2, anonymousCost: 1_000_000 } },
    });
    try {
      expect((await ask(server.url, "{ __typename }")).status).toBe(200);
      expect((await ask(server.url, "{ __typename }")).status).toBe(200);
      const refused = await ask(server.url, "{ __typename }");
      expect(refused.status).toBe(429);
      expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: "RATE_LIMITED", limit: 2 });
    } finally {
      await server.stop();
    }
  });
});
