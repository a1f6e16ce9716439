import { Redis } from "ioredis";

/** How long a caller's last write position is remembered; replicas replay far sooner. */
const REMEMBER_MS = 10 * 60_000;
const MAX_CALLERS = 10_000;

/** Sets the key to the larger of its value and ARGV[1], with an expiry of ARGV[2] ms. */
const SET_MAX = `local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 1`;

/**
 * The WAL position of each API key's last write, so that the key's next reads are not answered by
 * a replica that has not replayed it (read-your-writes). Kept in this process's memory and, with
 * Redis, shared by every API process: a script's next request may land on another one. Positions
 * fit a double exactly up to 8 PiB of WAL.
 */
export class CallerPositions {
  private readonly memory = new Map<string, { lsn: bigint; at: number }>();
  private readonly redis: Redis | undefined;

  constructor(
    redisUrl: string | undefined,
    private readonly prefix: string,
  ) {
    this.redis = redisUrl
      ? new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false })
      : undefined;
    this.redis?.on("error", () => {
      // This process's memory still holds the positions written through it; ioredis reconnects.
    });
  }

  async note(keyId: string, lsn: bigint): Promise<void> {
    const known = this.memory.get(keyId);
    this.memory.delete(keyId);
    this.memory.set(keyId, { lsn: known && known.lsn > lsn ? known.lsn : lsn, at: Date.now() });
    if (this.memory.size > MAX_CALLERS) this.memory.delete(this.memory.keys().next().value!);
    await this.redis?.eval(SET_MAX, 1, this.prefix + keyId, lsn.toString(), String(REMEMBER_MS)).catch(() => {});
  }

  async get(keyId: string): Promise<bigint | undefined> {
    let lsn: bigint | undefined;
    const known = this.memory.get(keyId);
    if (known && Date.now() - known.at < REMEMBER_MS) lsn = known.lsn;
    else if (known) this.memory.delete(keyId);
    if (this.redis) {
      const shared = await this.redis.get(this.prefix + keyId).catch(() => null);
      if (shared !== null && /^\d+$/.test(shared) && (lsn === undefined || BigInt(shared) > lsn)) lsn = BigInt(shared);
    }
    return lsn;
  }

  close(): void {
    this.redis?.disconnect();
  }
}
