import { Redis } from "ioredis";

/** How long a registered query is kept, in seconds; a client whose hash is gone sends the query again. */
export const PERSISTED_QUERY_TTL_SECONDS = 3_600;

/**
 * The store of automatic persisted queries (query texts by their SHA-256 hash) in Redis, so that a
 * query registered through one API process is known to every other: behind a load balancer a
 * client's next request may land on any of them. Apollo Server's interface: get, set, delete. When
 * Redis cannot be reached a hash is reported unknown and the client sends its query again, as
 * the protocol provides; nothing fails.
 */
export class RedisPersistedQueries {
  private readonly redis: Redis;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
  ) {
    this.redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
    this.redis.on("error", () => {
      // A hash not found makes the client resend its query; ioredis reconnects by itself.
    });
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return (await this.redis.get(this.prefix + key)) ?? undefined;
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    const ttl = options?.ttl ?? PERSISTED_QUERY_TTL_SECONDS;
    try {
      await this.redis.set(this.prefix + key, value, "EX", Math.max(1, Math.round(ttl)));
    } catch {
      // Not kept: the next client asking by hash sends the query again.
    }
  }

  async delete(key: string): Promise<boolean> {
    try {
      return (await this.redis.del(this.prefix + key)) > 0;
    } catch {
      return false;
    }
  }

  close(): void {
    this.redis.disconnect();
  }
}
