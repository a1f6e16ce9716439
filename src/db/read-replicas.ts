import type pg from "pg";
import { createPrismaClient, poolOf, type Database } from "./prisma";
import { readWithFallback } from "./read-sql";

/**
 * Read replicas: PostgreSQL streaming standbys of the primary that answer queries. Writes and
 * everything inside a mutation stay on the primary; a query goes to a replica that is up, not
 * lagging beyond `maxLagMs`, and has replayed at least the position the caller must see (its last
 * write, see `route`), else to the primary.
 *
 * Positions are WAL positions (LSNs, `0/3000148`), compared as numbers. Every `probeIntervalMs`
 * the primary's current position is read, then each replica's replay position
 * (`pg_last_wal_replay_lsn()`). A replica's lag is the age of the oldest primary position it has
 * not replayed yet, measured on this process's clock (no comparison of the servers' clocks): 0
 * while it keeps up, growing from the moment a write is not replayed (replay paused, a long
 * query holding it up, a slow link). A replica that does not answer a probe, or whose connection
 * fails, is down until a probe succeeds again.
 */

export type ReplicaState = "ok" | "lagging" | "down";

/** Why a request was sent where it was; a label of `kg_read_routing_total`. */
export type RouteReason =
  /** A replica that has replayed what the caller must see. */
  | "replica"
  /** A mutation: its writes and the reads inside it. */
  | "mutation"
  /** Every replica up to date enough is behind the caller's last write. */
  | "caller_position"
  /** No replica is up and within the lag bound. */
  | "no_replica";

export interface ReplicaStatus {
  name: string;
  state: ReplicaState;
  /** Seconds behind the primary (see the class comment); null while down. */
  lagSeconds: number | null;
  /** The last replay position seen, as PostgreSQL writes it. */
  replayPosition: string | null;
}

export interface Route {
  /** The client to read through: a replica's or the primary's. */
  prisma: Database;
  /** The replica chosen; undefined for the primary. */
  replica: Replica | undefined;
  reason: RouteReason;
}

export interface ReadReplicasOptions {
  primary: Database;
  urls: readonly string[];
  poolSize: number;
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
  maxLagMs: number;
  probeIntervalMs: number;
  /** The response cache's data version, to tell which answers read on a replica may be kept (see `mayKeep`). */
  dataVersion?: { readonly current: number };
  /** Told when a replica changes state, for the log. */
  onStateChange?: (replica: ReplicaStatus, previous: ReplicaState) => void;
}

const LSN = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i;

/** A WAL position from PostgreSQL's text form (`16/B374D848`); undefined when the text is not one. */
export function parseLsn(text: string): bigint | undefined {
  const match = LSN.exec(text.trim());
  if (!match) return undefined;
  return (BigInt(`0x${match[1]!}`) << 32n) | BigInt(`0x${match[2]!}`);
}

/** PostgreSQL's text form of a WAL position. */
export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffff_ffffn).toString(16).toUpperCase()}`;
}

/** One replica: its client, and what the last probe found. */
export class Replica {
  state: ReplicaState = "down";
  replayLsn: bigint | undefined;
  lagMs: number | undefined;
  readonly prisma: Database;

  constructor(
    readonly name: string,
    url: string,
    options: ReadReplicasOptions,
  ) {
    this.prisma = createPrismaClient({
      url,
      poolSize: options.poolSize,
      connectTimeoutMs: options.connectTimeoutMs,
      statementTimeoutMs: options.statementTimeoutMs,
    });
  }

  status(): ReplicaStatus {
    return {
      name: this.name,
      state: this.state,
      lagSeconds: this.state === "down" || this.lagMs === undefined ? null : this.lagMs / 1000,
      replayPosition: this.replayLsn === undefined ? null : formatLsn(this.replayLsn),
    };
  }
}

/** The primary's position at a moment of this process's clock. */
interface Mark {
  at: number;
  lsn: bigint;
}

export class ReadReplicas {
  readonly replicas: readonly Replica[];
  private readonly timer: NodeJS.Timeout;
  private probing: Promise<void> | undefined;
  private next = 0;
  private stopped = false;
  /** Primary positions of recent probes, oldest first, as long as some replica may still be behind them. */
  private marks: Mark[] = [];
  /** The primary's position at the last probe. */
  private primaryLsn: bigint | undefined;
  /** A data version and a primary position read while it was current: every write heard of before it is at or before that position. */
  private versionMark: { version: number; lsn: bigint } | undefined;

  constructor(private readonly options: ReadReplicasOptions) {
    this.replicas = options.urls.map((url, index) => new Replica(`replica-${index + 1}`, url, options));
    const primaryPool = poolOf(options.primary);
    for (const replica of this.replicas) {
      // A replica going away (stopped, restarted, network) is noticed on its idle connections at
      // once, not only by the next probe: reads leave it until a probe finds it back.
      poolOf(replica.prisma)?.on("error", () => this.setState(replica, "down"));
      // A read it fails with the replica unreachable is run again on the primary: the caller sees no error.
      if (primaryPool)
        readWithFallback(replica.prisma, { pool: primaryPool, unavailable: () => this.setState(replica, "down") });
    }
    this.timer = setInterval(() => void this.probe(), options.probeIntervalMs);
    this.timer.unref();
  }

  /** Probes once, so the first requests already know the replicas' state. */
  async start(): Promise<void> {
    await this.probe();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.probing;
    await Promise.all(this.replicas.map((replica) => replica.prisma.$disconnect()));
  }

  /**
   * Where a query goes: the next replica (round robin) that is up, within the lag bound and has
   * replayed `minLsn` (the caller's last write, or any position the caller must see); else the
   * primary. The replay positions are those of the last probe, so a replica may be passed over
   * for up to one probe interval after it has caught up, never chosen before it has.
   */
  route(minLsn: bigint | undefined): Route {
    let behindCaller = false;
    for (let i = 0; i < this.replicas.length; i++) {
      const replica = this.replicas[(this.next + i) % this.replicas.length]!;
      if (replica.state !== "ok" || replica.replayLsn === undefined) continue;
      if (minLsn !== undefined && replica.replayLsn < minLsn) {
        behindCaller = true;
        continue;
      }
      this.next = (this.next + i + 1) % this.replicas.length;
      return { prisma: replica.prisma, replica, reason: "replica" };
    }
    return {
      prisma: this.options.primary,
      replica: undefined,
      reason: behindCaller ? "caller_position" : "no_replica",
    };
  }

  /** A request's statement failed on `replica` because it could not be reached: reads leave it until a probe finds it back. */
  unreachable(replica: Replica): void {
    this.setState(replica, "down");
  }

  /**
   * The primary's current WAL position (`pg_current_wal_lsn()`): asked after a write has
   * committed, a replica that has replayed it sees the write.
   */
  async primaryPosition(): Promise<bigint> {
    const pool = poolOf(this.options.primary);
    if (!pool) throw new Error("The primary's client has no pool");
    const { rows } = await pool.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn");
    const lsn = parseLsn(rows[0]?.lsn ?? "");
    if (lsn === undefined) throw new Error(`pg_current_wal_lsn() returned ${JSON.stringify(rows[0]?.lsn)}`);
    return lsn;
  }

  /**
   * Whether an answer read on `replica` under data `version` may be kept in the response cache:
   * only when the replica had replayed every write this process had heard of when that version
   * began. Otherwise a lagging replica's old answer would be kept under a newer version and served
   * until the next write. After a write, answers read on replicas are kept again from the next
   * probe on.
   */
  mayKeep(replica: Replica, version: number): boolean {
    const mark = this.versionMark;
    return (
      mark !== undefined && mark.version === version && replica.replayLsn !== undefined && replica.replayLsn >= mark.lsn
    );
  }

  /**
   * The primary's position, read at a probe while data `version` was current: an answer executed
   * under that version after the probe (on the primary, or on a replica `mayKeep` accepted)
   * reflects every write committed up to it. Undefined until a probe has marked the version.
   */
  coveredPosition(version: number): bigint | undefined {
    const mark = this.versionMark;
    return mark !== undefined && mark.version === version ? mark.lsn : undefined;
  }

  /** The primary's position at the last probe. */
  get lastPrimaryPosition(): bigint | undefined {
    return this.primaryLsn;
  }

  status(): ReplicaStatus[] {
    return this.replicas.map((replica) => replica.status());
  }

  private probe(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.probing ??= this.probeAll().finally(() => (this.probing = undefined));
    return this.probing;
  }

  private async probeAll(): Promise<void> {
    let primary: bigint | undefined;
    const version = this.options.dataVersion?.current;
    try {
      primary = await this.primaryPosition();
    } catch {
      // The primary cannot be asked: replicas keep their state, lag is not measured this round.
    }
    if (primary !== undefined && version !== undefined && this.options.dataVersion?.current === version)
      this.versionMark = { version, lsn: primary };
    const now = Date.now();
    if (primary !== undefined) {
      this.primaryLsn = primary;
      const last = this.marks.at(-1);
      if (!last || primary > last.lsn) this.marks.push({ at: now, lsn: primary });
    }
    await Promise.all(this.replicas.map((replica) => this.probeReplica(replica, now)));
    // Marks every replica has replayed are no longer needed (keep the newest as the reference).
    const slowest = this.replicas.reduce<bigint | undefined>(
      (min, replica) =>
        replica.replayLsn === undefined ? min : min === undefined || replica.replayLsn < min ? replica.replayLsn : min,
      undefined,
    );
    while (this.marks.length > 1 && slowest !== undefined && this.marks[0]!.lsn <= slowest) this.marks.shift();
    // Bounded whatever happens: a replica gone for good does not keep marks for ever.
    const horizon = now - Math.max(this.options.maxLagMs * 2, 60_000);
    while (this.marks.length > 1 && this.marks[0]!.at < horizon) this.marks.shift();
  }

  private async probeReplica(replica: Replica, now: number): Promise<void> {
    const pool = poolOf(replica.prisma);
    if (!pool) return;
    let replay: bigint | undefined;
    try {
      const { rows } = await withTimeout(
        // On a connection of the replica's own: the pool's `query` would fall back to the primary.
        onConnection(pool, (client) =>
          client.query<{ replay: string | null; current: string | null }>(
            // A server not in recovery (a promoted replica, or the primary itself given as a
            // replica) is taken to be at its own current position.
            `SELECT pg_last_wal_replay_lsn()::text AS replay,
                    CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END AS current`,
          ),
        ),
        Math.max(this.options.probeIntervalMs, 1_000),
      );
      replay = parseLsn(rows[0]?.replay ?? rows[0]?.current ?? "");
    } catch {
      replay = undefined;
    }
    if (replay === undefined) {
      this.setState(replica, "down");
      return;
    }
    replica.replayLsn = replay;
    const oldestUnreplayed = this.marks.find((mark) => mark.lsn > replay);
    replica.lagMs = oldestUnreplayed ? now - oldestUnreplayed.at : 0;
    this.setState(replica, replica.lagMs > this.options.maxLagMs ? "lagging" : "ok");
  }

  private setState(replica: Replica, state: ReplicaState): void {
    const previous = replica.state;
    if (state === "down") replica.lagMs = undefined;
    replica.state = state;
    if (previous !== state && !this.stopped) this.options.onStateChange?.(replica.status(), previous);
  }
}

/** Runs `work` on a connection taken from `pool`, returned afterwards (closed if the work failed). */
async function onConnection<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    const result = await work(client);
    client.release();
    return result;
  } catch (error) {
    client.release(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
