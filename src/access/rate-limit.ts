import { HeaderMap } from "@apollo/server";
import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { ErrorCode, GraphQLErrorWithCode } from "../graphql/errors";
import type { Caller } from "./caller";

export interface RateLimitOptions {
  /** Requests per window for each API key. */
  keyRequests: number;
  /** Requests per window for each client address without a key. */
  anonymousRequests: number;
  /** Query cost each API key may spend per window. */
  keyCost: number;
  /** Query cost each client address without a key may spend per window. */
  anonymousCost: number;
  windowSeconds: number;
  /** Counters in Redis, shared by every replica; in memory when absent. */
  redisUrl?: string;
  /** Prefix of the Redis keys, so deployments (and test runs) sharing a Redis keep apart. */
  redisPrefix?: string;
}

/** Where a caller stands in its cost budget after a request has spent its cost (GitHub's `rateLimit`). */
export interface RateLimitState {
  /** The budget of a window. */
  limit: number;
  /** What this request cost. */
  cost: number;
  /** What is left of the budget in this window, this request's cost taken. */
  remaining: number;
  /** When the window ends and the budget is whole again. */
  resetAt: Date;
}

export interface RateLimiter {
  /** Counts a request; throws RATE_LIMITED with the seconds to wait when the caller is over its limit. */
  consume(caller: Caller, clientAddress: string): Promise<void>;
  /**
   * Spends a request's cost from the caller's budget and tells where it stands. A request that
   * costs more than is left is refused with RATE_LIMITED (HTTP 429, Retry-After) and spends nothing.
   */
  spend(caller: Caller, clientAddress: string, cost: number): Promise<RateLimitState>;
  close(): Promise<void>;
}

/** The `x-ratelimit-*` headers of a state, as GitHub's REST API sends them (reset in epoch seconds). */
export function rateLimitHeaders(state: RateLimitState): [string, string][] {
  return [
    ["x-ratelimit-limit", String(state.limit)],
    ["x-ratelimit-remaining", String(state.remaining)],
    ["x-ratelimit-used", String(state.limit - state.remaining)],
    ["x-ratelimit-reset", String(Math.ceil(state.resetAt.getTime() / 1000))],
    ["x-ratelimit-cost", String(state.cost)],
  ];
}

/**
 * Per-key (and, without a key, per-address) limits with rate-limiter-flexible: a number of
 * requests per window, and a budget of query cost per window that each request spends. With Redis,
 * replicas share the counters; if Redis is unreachable the limits fall back to this process's
 * memory rather than letting everything through or refusing everything.
 */
export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const redis = options.redisUrl
    ? new Redis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false })
    : undefined;
  redis?.on("error", () => {
    // Reported by the limiter falling back to memory; ioredis reconnects by itself.
  });
  const limiter = (name: string, points: number): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ points, duration: options.windowSeconds, keyPrefix: name });
    if (!redis) return memory;
    return new RateLimiterRedis({
      storeClient: redis,
      points,
      duration: options.windowSeconds,
      keyPrefix: `${options.redisPrefix ?? "kunskapsgraf"}:rate:${name}`,
      insuranceLimiter: memory,
    });
  };
  const keys = limiter("key", options.keyRequests);
  const anonymous = limiter("anonymous", options.anonymousRequests);
  const keyCosts = limiter("key-cost", options.keyCost);
  const anonymousCosts = limiter("anonymous-cost", options.anonymousCost);
  const stateOf = (limit: number, cost: number, consumed: number, msBeforeNext: number): RateLimitState => ({
    limit,
    cost,
    remaining: Math.max(0, limit - consumed),
    resetAt: new Date(Date.now() + Math.max(0, msBeforeNext)),
  });
  return {
    async spend(caller, clientAddress, cost) {
      const [target, key, limit] = caller.keyId
        ? [keyCosts, caller.keyId, options.keyCost]
        : [anonymousCosts, clientAddress, options.anonymousCost];
      try {
        const spent = await target.consume(key, cost);
        return stateOf(limit, cost, spent.consumedPoints, spent.msBeforeNext);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        // The refused request spends nothing: a cheaper one may still fit in what is left.
        const after = await target.reward(key, cost).catch(() => undefined);
        const state = stateOf(
          limit,
          cost,
          after?.consumedPoints ?? rejection.consumedPoints - cost,
          after?.msBeforeNext ?? rejection.msBeforeNext,
        );
        const retryAfterSeconds = Math.max(1, Math.ceil((state.resetAt.getTime() - Date.now()) / 1000));
        const holder = caller.keyId ? `the key "${caller.name}"` : "this address";
        const why =
          cost > limit
            ? `This request costs ${cost}, more than the whole budget of ${limit} per ${options.windowSeconds} s: ask for smaller pages (first/last) or fewer nested lists.`
            : `This request costs ${cost} and ${holder} has ${state.remaining} of its ${limit} left for this window of ${options.windowSeconds} s. Retry after ${retryAfterSeconds} s, or ask for less.`;
        throw new GraphQLErrorWithCode(why, ErrorCode.RATE_LIMITED, {
          retryAfterSeconds,
          limit,
          cost,
          remaining: state.remaining,
          resetAt: state.resetAt.toISOString(),
          windowSeconds: options.windowSeconds,
          http: {
            status: 429,
            headers: new HeaderMap([["retry-after", String(retryAfterSeconds)], ...rateLimitHeaders(state)]),
          },
        });
      }
    },
    async consume(caller, clientAddress) {
      const [target, key, limit] = caller.keyId
        ? [keys, caller.keyId, options.keyRequests]
        : [anonymous, clientAddress, options.anonymousRequests];
      try {
        await target.consume(key);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        const who = caller.keyId ? `The key "${caller.name}"` : "This address";
        throw new GraphQLErrorWithCode(
          `${who} has made more than ${limit} requests in ${options.windowSeconds} s. Retry after ${retryAfterSeconds} s.`,
          ErrorCode.RATE_LIMITED,
          {
            retryAfterSeconds,
            limit,
            windowSeconds: options.windowSeconds,
            http: { status: 429, headers: new HeaderMap([["retry-after", String(retryAfterSeconds)]]) },
          },
        );
      }
    },
    async close() {
      redis?.disconnect();
    },
  };
}
