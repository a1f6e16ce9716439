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
  windowSeconds: number;
  /** Counters in Redis, shared by every replica; in memory when absent. */
  redisUrl?: string;
  /** Prefix of the Redis keys, so deployments (and test runs) sharing a Redis keep apart. */
  redisPrefix?: string;
}

export interface RateLimiter {
  /** Counts a request; throws RATE_LIMITED with the seconds to wait when the caller is over its limit. */
  consume(caller: Caller, clientAddress: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Per-key (and, without a key, per-address) request limits with rate-limiter-flexible. With Redis,
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
  return {
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
