import { Redis } from "ioredis";
import { ByteLru } from "./byte-lru";

/** Apollo Server's cache interface (`@apollo/utils.keyvaluecache`'s KeyValueCache), as its APQ uses it. */
export interface PersistedQueryCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: { ttl?: number | null }): Promise<void>;
  delete(key: string): Promise<boolean | void>;
  close(): Promise<void>;
}

export interface PersistedQueryCacheOptions {
  /** Memory the queries may take in this process, in bytes (queries and hashes, as UTF-16). */
  maxBytes: number;
  /** Redis shared by every replica; this process's memory when absent. */
  redisUrl?: string;
  /** Prefix of the Redis keys, so deployments (and test runs) sharing a Redis keep apart. */
  redisPrefix?: string;
}

/** What an entry costs beyond its text: the map slot and the objects. */
const ENTRY_OVERHEAD_BYTES = 128;

/**
 * Where automatic persisted queries (APQ) are kept: the query texts by their SHA-256 hash. With
 * Redis every replica sees a query any of them was sent, so a client need not send it again
 * when its next request goes to another replica; otherwise this process's memory, least recently
 * used first out. Redis failing is a miss (the client then sends the query again), never an error.
 */
export function createPersistedQueryCache(options: PersistedQueryCacheOptions): PersistedQueryCache {
  return options.redisUrl
    ? redisCache(options.redisUrl, `${options.redisPrefix ?? "kunskapsgraf"}:apq:`)
    : memoryCache(options.maxBytes);
}

function memoryCache(maxBytes: number): PersistedQueryCache {
  const entries = new ByteLru<{ query: string; expiresAt: number; bytes: number }>(maxBytes);
  return {
    async get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= Date.now()) {
        entries.delete(key);
        return undefined;
      }
      return entry.query;
    },
    async set(key, query, options) {
      const ttl = options?.ttl;
      const expiresAt = typeof ttl === "number" && ttl > 0 ? Date.now() + ttl * 1000 : Number.POSITIVE_INFINITY;
      entries.set(key, { query, expiresAt, bytes: 2 * (key.length + query.length) + ENTRY_OVERHEAD_BYTES });
    },
    async delete(key) {
      entries.delete(key);
      return true;
    },
    async close() {},
  };
}

function redisCache(url: string, prefix: string): PersistedQueryCache {
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
  redis.on("error", () => {
    // A failed command is a miss; ioredis reconnects by itself.
  });
  return {
    async get(key) {
      try {
        return (await redis.get(prefix + key)) ?? undefined;
      } catch {
        return undefined;
      }
    },
    async set(key, query, options) {
      const ttl = options?.ttl;
      try {
        if (typeof ttl === "number" && ttl > 0) await redis.set(prefix + key, query, "EX", Math.ceil(ttl));
        else await redis.set(prefix + key, query);
      } catch {
        // Not kept: the client sends the query again next time.
      }
    },
    async delete(key) {
      try {
        return (await redis.del(prefix + key)) > 0;
      } catch {
        return false;
      }
    },
    async close() {
      redis.disconnect();
    },
  };
}
