/**
 * Replication benchmark: two API processes (`node dist/main.js`) on a PostgreSQL primary and a
 * streaming replica made from the machine's PostgreSQL server binaries (initdb, pg_basebackup;
 * see tests/support/replicated-postgres.ts), sharing Redis, with the response cache off so that
 * every read reaches a database. The intranet mix (bench/queries.ts) is sent round robin to
 * both processes by --concurrency clients, in four phases, the first three of --seconds each:
 *
 *   primary only      the processes without DATABASE_READ_URL: every read on the primary
 *   replica           the processes with the replica: reads on the replica
 *   replica + writes  as before, while one integration syncs --sync-rows memberships of a
 *                     region again and again (every row changed each time) and another caller
 *                     renames a group on one process and at once reads it on the other
 *   nightly syncs     as before, while every region with LPOs syncs --region-rows memberships
 *                     at the same moment (each with its own key, half through each process),
 *                     then the identical lists again; the phase lasts as long as they do
 *
 * Per phase: reads/s, p50/p99, CPU per read of the API processes together, of the primary and of
 * the replica (each cluster's processes, /proc), and where the processes sent reads
 * (`kg_read_routing_total`). With writes: syncs and rows per second, replication lag and the
 * read-your-writes check. Lag is measured from outside: the primary's `pg_current_wal_lsn()` and
 * the replica's `pg_last_wal_replay_lsn()` are sampled every --sample-ms; a primary position's
 * lag is the time until the first replica sample that has replayed it. The primary's own view
 * (`pg_stat_replication.replay_lag`) is reported beside it.
 *
 *   npm run bench:replication
 *   options: --seconds N (per phase, default 20) --concurrency N (default 8) --sync-rows N
 *   (default 2000) --region-rows N (default 2000) --sample-ms N (default 10)
 *   KG_PG_BIN names the PostgreSQL binaries' directory; REDIS_URL the Redis (default local)
 */
import "reflect-metadata";
import os from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { createApiKey } from "../src/access/api-keys";
import { generateDataset } from "../src/dataset/generate";
import { applyMigrations } from "../src/db/migrate";
import { parseLsn } from "../src/db/read-replicas";
import { createPrismaClient } from "../src/db/prisma";
import { seedReferenceData } from "../src/seed/seed";
import {
  postgresBinaries,
  startReplicatedPostgres,
  type ReplicatedPostgres,
} from "../tests/support/replicated-postgres";
import { INTRANET_OPERATIONS } from "./queries";
import { clusterCpu, cpuSpent, log, peakRssMb, percentile, processCpuMs, startApi, type ApiProcess } from "./support";

const { values: options } = parseArgs({
  options: {
    seconds: { type: "string", default: "20" },
    concurrency: { type: "string", default: "8" },
    "sync-rows": { type: "string", default: "2000" },
    "region-rows": { type: "string", default: "2000" },
    "sample-ms": { type: "string", default: "10" },
  },
});
const seconds = Number(options.seconds);
const concurrency = Number(options.concurrency);
const syncRows = Number(options["sync-rows"]);
const regionRows = Number(options["region-rows"]);
const sampleMs = Number(options["sample-ms"]);
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

const SYNC = `mutation Sync($input: SyncMembershipsInput!) {
  syncMemberships(input: $input) { applied counts { created updated unchanged failed } }
}`;
const RENAME = `mutation Rename($input: UpdateGroupInput!) { updateGroup(input: $input) { name version } }`;
const READ_BACK = `query ReadBack($slug: String!) { group(slug: $slug) { id name version } }`;
const RENAMED_GROUP = "psykisk-halsa";

/** A region's sync: its key (`write:region:<countyCode>`), its LPOs and the region's organisation. */
interface RegionSync {
  key: string;
  countyCode: string;
  groups: string[];
  representing: string;
}

interface Fixture {
  /** The region with the most LPOs: the one syncing again and again. */
  busiest: RegionSync;
  /** Every region with LPOs, for the nightly syncs. */
  regions: RegionSync[];
  renameKey: string;
}

type Load = "reads" | "sync-loop" | "nightly";

interface Phase {
  name: string;
  reads: number;
  readsPerSecond: number;
  p50: number;
  p99: number;
  apiCpuMsPerRead: number | undefined;
  primaryCpuMsPerRead: number | undefined;
  replicaCpuMsPerRead: number | undefined;
  routing: Map<string, number>;
  /** Whether the phase wrote; its lag and notes are reported then. */
  wrote: boolean;
  lag: LagFigures;
  /** What the writers did, for the report. */
  notes: string[];
}

interface LagFigures {
  samples: number;
  p50: number;
  p99: number;
  max: number;
  /** The largest `pg_stat_replication.replay_lag` seen, ms; undefined when the view never showed one. */
  primaryViewMax: number | undefined;
  walMegabytes: number;
}

async function main(): Promise<void> {
  const bin = postgresBinaries();
  if (!bin) throw new Error("No PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup): set KG_PG_BIN");
  log(`PostgreSQL binaries: ${bin}`);
  const cluster = await startReplicatedPostgres(bin, { logStatements: false, fsync: true });
  const phases: Phase[] = [];
  const memory: string[] = [];
  try {
    const fixture = await prepare(cluster);
    const primaryUrl = cluster.primaryUrl("kunskapsgraf");
    const common = {
      RESPONSE_CACHE: "off",
      REDIS_URL,
      RATE_LIMIT_REDIS_PREFIX: `kg-bench-replication-${Date.now().toString(36)}`,
      // The load generator is one address and two keys far above any sensible limit.
      RATE_LIMIT_ANONYMOUS_REQUESTS: "10000000",
      RATE_LIMIT_ANONYMOUS_COST: "1000000000",
      RATE_LIMIT_KEY_REQUESTS: "10000000",
      RATE_LIMIT_KEY_COST: "1000000000",
    };
    const withReplica = {
      ...common,
      DATABASE_READ_URL: cluster.replicaUrl("kunskapsgraf"),
      READ_REPLICA_MAX_LAG_MS: "5000",
      READ_REPLICA_PROBE_INTERVAL_MS: "1000",
    };
    for (const [name, env, load] of [
      ["primary only", common, "reads"],
      ["replica", withReplica, "reads"],
      ["replica + writes", withReplica, "sync-loop"],
      ["nightly syncs", withReplica, "nightly"],
    ] as const) {
      const apis = await Promise.all([startApi(primaryUrl, env), startApi(primaryUrl, env)]);
      try {
        phases.push(await runPhase(name, apis, cluster, fixture, load));
        memory.push(
          `${name}: peak RSS ${(await Promise.all(apis.map((api) => peakRssMb(api.process)))).join(", ")} MB`,
        );
      } finally {
        await Promise.all(apis.map((api) => api.stop()));
      }
    }
  } finally {
    await cluster.stop();
  }
  printReport(phases, memory);
}

/** The database on the primary: migrated, seeded, the generated data set, two API keys; then caught up on the replica. */
async function prepare(cluster: ReplicatedPostgres): Promise<Fixture> {
  const admin = new pg.Client({ connectionString: cluster.primaryUrl("postgres") });
  await admin.connect();
  await admin.query("CREATE DATABASE kunskapsgraf");
  await admin.end();
  const url = cluster.primaryUrl("kunskapsgraf");
  log("preparing the primary (migrate, seed, data set ×1)");
  await applyMigrations(url);
  const prisma = createPrismaClient({ url, poolSize: 2 });
  try {
    await seedReferenceData(prisma);
    const summary = await generateDataset(prisma, { scale: 1 });
    log(`${summary.memberships} memberships, ${summary.people} people`);
    const lpos = await prisma.group.findMany({
      where: { countyCode: { not: null }, kind: "LPO" },
      select: { slug: true, countyCode: true },
      orderBy: { slug: "asc" },
    });
    const regions: RegionSync[] = [];
    for (const countyCode of [...new Set(lpos.map((group) => group.countyCode!))].sort()) {
      const region = await prisma.organisation.findFirstOrThrow({ where: { kind: "REGION", countyCode } });
      regions.push({
        key: (await createApiKey(prisma, { name: `bench-sync-${countyCode}`, scopes: [`write:region:${countyCode}`] }))
          .key,
        countyCode,
        groups: lpos.filter((group) => group.countyCode === countyCode).map((group) => group.slug),
        representing: region.slug,
      });
    }
    const busiest = [...regions].sort(
      (a, b) => b.groups.length - a.groups.length || a.countyCode.localeCompare(b.countyCode),
    )[0]!;
    log(`${regions.length} regions with LPOs; the busiest, ${busiest.countyCode}, has ${busiest.groups.length}`);
    const fixture: Fixture = {
      busiest,
      regions,
      renameKey: (await createApiKey(prisma, { name: "bench-rename", scopes: ["write"] })).key,
    };
    await cluster.caughtUp(120_000);
    return fixture;
  } finally {
    await prisma.$disconnect();
  }
}

async function post(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  apiKey?: string,
): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (body.errors || !response.ok || !body.data)
    throw new Error(`HTTP ${response.status}: ${JSON.stringify(body.errors ?? body).slice(0, 1000)}`);
  return body.data;
}

/** `kg_read_routing_total` of a process, by `target/reason`. */
async function routing(api: ApiProcess): Promise<Map<string, number>> {
  const text = await (await fetch(api.url.replace(/\/graphql$/, "/metrics"))).text();
  const counts = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = /^kg_read_routing_total\{target="(\w+)",reason="(\w+)"\} (\d+)/.exec(line);
    if (match) counts.set(`${match[1]}/${match[2]}`, Number(match[3]));
  }
  return counts;
}

async function routingOfAll(apis: ApiProcess[]): Promise<Map<string, number>> {
  const total = new Map<string, number>();
  for (const counts of await Promise.all(apis.map(routing)))
    for (const [key, value] of counts) total.set(key, (total.get(key) ?? 0) + value);
  return total;
}

async function cpuOf(apis: ApiProcess[], cluster: ReplicatedPostgres) {
  const [api, primary, replica] = await Promise.all([
    Promise.all(apis.map((one) => processCpuMs(one.process.pid!))),
    clusterCpu(cluster.primaryDataDir),
    clusterCpu(cluster.replicaDataDir),
  ]);
  return {
    api: api.every((ms): ms is number => ms !== undefined) ? api.reduce((a, b) => a + b, 0) : undefined,
    primary,
    replica,
  };
}

async function runPhase(
  name: string,
  apis: ApiProcess[],
  cluster: ReplicatedPostgres,
  fixture: Fixture,
  load: Load,
): Promise<Phase> {
  log(`${name}: warming up`);
  for (const api of apis)
    for (const operation of INTRANET_OPERATIONS) await post(api.url, operation.query, operation.variables);
  // The sampler's own statements run on both clusters in every phase alike.
  const sampler = await LagSampler.start(cluster, sampleMs);
  const routingBefore = await routingOfAll(apis);
  const cpuBefore = await cpuOf(apis, cluster);
  const start = performance.now();
  const end = start + seconds * 1000;
  // The nightly syncs take as long as they take: reads go on until they are done.
  let readsUntil = load === "nightly" ? Infinity : end;
  const latencies: number[] = [];
  let next = 0;
  const readers = Array.from({ length: concurrency }, async () => {
    while (performance.now() < readsUntil) {
      const operation = INTRANET_OPERATIONS[next % INTRANET_OPERATIONS.length]!;
      const api = apis[next++ % apis.length]!;
      const sent = performance.now();
      await post(api.url, operation.query, operation.variables);
      latencies.push(performance.now() - sent);
    }
  });
  const writers = async (): Promise<string[]> => {
    if (load === "reads") return [];
    if (load === "nightly") return nightlySyncs(apis, fixture.regions).finally(() => (readsUntil = 0));
    // A sync under way at the end is waited for, and its CPU counted: the writes' rate is over that time.
    const [syncs, readBack] = await Promise.all([
      syncLoop(apis[0]!, fixture.busiest, end),
      readYourWritesLoop(apis, fixture, end),
    ]);
    const elapsed = (performance.now() - start) / 1000;
    return [
      `${syncs} syncs of ${syncRows} rows of region ${fixture.busiest.countyCode}, every row changed (${((syncs * syncRows) / elapsed).toFixed(0)} rows/s)`,
      `read-your-writes: ${readBack.reads} renames each read back at once through the other process, ${readBack.stale} stale`,
    ];
  };
  let readSeconds = 0;
  let notes: string[];
  try {
    // One Promise.all over readers and writers: a failure in any of them ends the phase at once
    // (and the caller stops the processes), none is left unobserved.
    [, notes] = await Promise.all([
      Promise.all(readers).then(() => (readSeconds = (performance.now() - start) / 1000)),
      writers(),
    ]);
  } catch (error) {
    readsUntil = 0;
    await sampler.stop().catch(() => {});
    throw error;
  }
  const cpuAfter = await cpuOf(apis, cluster);
  const routingAfter = await routingOfAll(apis);
  const lag = await sampler.stop();
  latencies.sort((a, b) => a - b);
  const perRead = (spent: number | undefined) => (spent === undefined ? undefined : spent / latencies.length);
  const routed = new Map([...routingAfter].map(([key, value]) => [key, value - (routingBefore.get(key) ?? 0)]));
  const phase: Phase = {
    name,
    reads: latencies.length,
    readsPerSecond: latencies.length / readSeconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    apiCpuMsPerRead: perRead(
      cpuBefore.api === undefined || cpuAfter.api === undefined ? undefined : cpuAfter.api - cpuBefore.api,
    ),
    primaryCpuMsPerRead: perRead(cpuSpent(cpuBefore.primary, cpuAfter.primary)),
    replicaCpuMsPerRead: perRead(cpuSpent(cpuBefore.replica, cpuAfter.replica)),
    routing: routed,
    wrote: load !== "reads",
    lag,
    notes,
  };
  log(
    `${name}: ${phase.readsPerSecond.toFixed(0)} reads/s, p50 ${phase.p50.toFixed(1)} ms, p99 ${phase.p99.toFixed(1)} ms, routing ${JSON.stringify(Object.fromEntries(routed))}` +
      (phase.wrote ? `, lag p50 ${lag.p50} p99 ${lag.p99} max ${lag.max} ms; ${notes.join("; ")}` : ""),
  );
  return phase;
}

/** `count` memberships of a region over its LPOs, every row a different person, ending on `validTo`. */
function regionRowsOf(region: RegionSync, prefix: string, count: number, validTo: string | null) {
  return Array.from({ length: count }, (_, i) => ({
    externalId: `${prefix}-m-${i}`,
    person: { externalId: `${prefix}-p-${i}`, givenName: "Anna", familyName: `Sync ${i}` },
    group: region.groups[i % region.groups.length]!,
    role: "MEMBER",
    representing: region.representing,
    validFrom: "2024-01-01",
    validTo,
  }));
}

interface SyncCounts {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}

async function sync(
  api: ApiProcess,
  region: RegionSync,
  sourceSystem: string,
  memberships: unknown[],
): Promise<SyncCounts> {
  const data = await post(
    api.url,
    SYNC,
    { input: { sourceSystem, scope: { countyCode: region.countyCode }, mode: "MERGE", memberships } },
    region.key,
  );
  const counts = (data.syncMemberships as { counts: SyncCounts }).counts;
  if (counts.failed > 0) throw new Error(`sync of ${region.countyCode}: ${JSON.stringify(counts)}`);
  return counts;
}

/** Syncs the same `syncRows` memberships again and again, each time with every row's end date changed; returns how many ran. */
async function syncLoop(api: ApiProcess, region: RegionSync, end: number): Promise<number> {
  let runs = 0;
  while (performance.now() < end) {
    const validTo = runs % 2 === 0 ? "2027-12-31" : "2028-12-31";
    await sync(api, region, "bench-replication", regionRowsOf(region, "bench-repl", syncRows, validTo));
    runs++;
  }
  return runs;
}

/**
 * Every region syncs `regionRows` new memberships at the same moment, half of them through each
 * process, then the identical lists again (all unchanged): the nightly run of every region's
 * integration. Returns the report's lines.
 */
async function nightlySyncs(apis: ApiProcess[], regions: RegionSync[]): Promise<string[]> {
  const lines: string[] = [];
  for (const [round, expect] of [
    ["initial", "created"],
    ["identical re-run", "unchanged"],
  ] as const) {
    const start = performance.now();
    const durations = await Promise.all(
      regions.map(async (region, index) => {
        const counts = await sync(
          apis[index % apis.length]!,
          region,
          "bench-nightly",
          regionRowsOf(region, `bench-night-${region.countyCode}`, regionRows, null),
        );
        if (counts[expect] !== regionRows)
          throw new Error(`${round} sync of ${region.countyCode}: ${JSON.stringify(counts)}`);
        return performance.now() - start;
      }),
    );
    const wall = (performance.now() - start) / 1000;
    durations.sort((a, b) => a - b);
    lines.push(
      `${round}: ${regions.length} regions × ${regionRows} rows at once (${expect}) in ${wall.toFixed(1)} s (${((regions.length * regionRows) / wall).toFixed(0)} rows/s); the first region done after ${(durations[0]! / 1000).toFixed(1)} s, the median after ${(durations[Math.floor(durations.length / 2)]! / 1000).toFixed(1)} s`,
    );
  }
  return lines;
}

/**
 * Renames a group through one process and reads it at once through the other with the same key
 * (no header: the key's last write is shared through Redis); a read that does not see the new
 * name is stale.
 */
async function readYourWritesLoop(
  apis: ApiProcess[],
  fixture: Fixture,
  end: number,
): Promise<{ reads: number; stale: number }> {
  let reads = 0;
  let stale = 0;
  const before = (await post(apis[0]!.url, READ_BACK, { slug: RENAMED_GROUP }, fixture.renameKey)).group as {
    id: string;
    version: number;
  };
  let version = before.version;
  for (let i = 0; performance.now() < end; i++) {
    const name = `Psykisk hälsa ${i}`;
    const renamed = (
      await post(
        apis[i % 2]!.url,
        RENAME,
        { input: { id: before.id, expectedVersion: version, name } },
        fixture.renameKey,
      )
    ).updateGroup as { version: number };
    version = renamed.version;
    const read = (await post(apis[(i + 1) % 2]!.url, READ_BACK, { slug: RENAMED_GROUP }, fixture.renameKey)).group as {
      name: string;
    };
    reads++;
    if (read.name !== name) stale++;
  }
  return { reads, stale };
}

/** Samples the primary's WAL position and the replica's replay position, each on its own connection. */
class LagSampler {
  private readonly primarySamples: { at: number; lsn: bigint }[] = [];
  private readonly replicaSamples: { at: number; lsn: bigint }[] = [];
  private primaryViewMax: number | undefined;
  private running = true;
  private readonly loops: Promise<void>[];

  private constructor(
    private readonly primary: pg.Client,
    private readonly replica: pg.Client,
    intervalMs: number,
  ) {
    this.loops = [
      this.loop(intervalMs, async () => {
        const { rows } = await primary.query<{ lsn: string; replay_lag_ms: string | null }>(
          `SELECT pg_current_wal_lsn()::text AS lsn,
                  (SELECT extract(epoch FROM max(replay_lag)) * 1000 FROM pg_stat_replication)::text AS replay_lag_ms`,
        );
        this.primarySamples.push({ at: performance.now(), lsn: parseLsn(rows[0]!.lsn)! });
        const viewed = rows[0]!.replay_lag_ms;
        if (viewed !== null) this.primaryViewMax = Math.max(this.primaryViewMax ?? 0, Number(viewed));
      }),
      this.loop(intervalMs, async () => {
        const { rows } = await replica.query<{ lsn: string }>("SELECT pg_last_wal_replay_lsn()::text AS lsn");
        this.replicaSamples.push({ at: performance.now(), lsn: parseLsn(rows[0]!.lsn)! });
      }),
    ];
  }

  static async start(cluster: ReplicatedPostgres, intervalMs: number): Promise<LagSampler> {
    const primary = new pg.Client({ connectionString: cluster.primaryUrl("postgres") });
    const replica = new pg.Client({ connectionString: cluster.replicaUrl("postgres") });
    await Promise.all([primary.connect(), replica.connect()]);
    return new LagSampler(primary, replica, intervalMs);
  }

  private async loop(intervalMs: number, sample: () => Promise<void>): Promise<void> {
    while (this.running) {
      await sample();
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  async stop(): Promise<LagFigures> {
    this.running = false;
    await Promise.all(this.loops);
    await Promise.all([this.primary.end(), this.replica.end()]);
    const lags: number[] = [];
    let previous: bigint | undefined;
    let replicaIndex = 0;
    for (const sample of this.primarySamples) {
      // Only positions the primary had moved to since its last sample: a write to replicate.
      if (previous !== undefined && sample.lsn > previous) {
        // Both series move forward in time and position, so a replica sample that is too early or
        // behind for this position is so for every later one too.
        const replayedBy = (candidate: { at: number; lsn: bigint }) =>
          candidate.at >= sample.at && candidate.lsn >= sample.lsn;
        while (replicaIndex < this.replicaSamples.length && !replayedBy(this.replicaSamples[replicaIndex]!))
          replicaIndex++;
        const replayed = this.replicaSamples[replicaIndex];
        if (replayed) lags.push(replayed.at - sample.at);
      }
      previous = sample.lsn;
    }
    lags.sort((a, b) => a - b);
    const first = this.primarySamples[0]?.lsn ?? 0n;
    const last = this.primarySamples.at(-1)?.lsn ?? 0n;
    return {
      samples: lags.length,
      p50: Math.round(percentile(lags, 50)),
      p99: Math.round(percentile(lags, 99)),
      max: Math.round(lags.at(-1) ?? 0),
      primaryViewMax: this.primaryViewMax === undefined ? undefined : Math.round(this.primaryViewMax),
      walMegabytes: Number(last - first) / 2 ** 20,
    };
  }
}

function ms(value: number | undefined): string {
  return value === undefined ? "?" : value.toFixed(2);
}

function printReport(phases: Phase[], memory: string[]): void {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(
    `\n${new Date().toISOString().slice(0, 10)} · ${os.cpus().length} × ${cpu} · ${Math.round(os.totalmem() / 2 ** 30)} GiB · Node ${process.version} · data set ×1 · 2 API processes · ${concurrency} concurrent readers · ${seconds} s per phase · response cache off\n`,
  );
  console.log(
    "| phase | reads/s | p50 ms | p99 ms | API CPU ms/read | primary CPU ms/read | replica CPU ms/read | reads on replica | on primary (why) |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---|");
  for (const phase of phases) {
    const onReplica = [...phase.routing].filter(([key]) => key.startsWith("replica/")).reduce((a, [, v]) => a + v, 0);
    const onPrimary = [...phase.routing]
      .filter(([key, value]) => key.startsWith("primary/") && value > 0)
      .map(([key, value]) => `${value} ${key.slice("primary/".length)}`)
      .join(", ");
    console.log(
      `| ${phase.name} | ${phase.readsPerSecond.toFixed(0)} | ${phase.p50.toFixed(1)} | ${phase.p99.toFixed(1)} | ${ms(phase.apiCpuMsPerRead)} | ${ms(phase.primaryCpuMsPerRead)} | ${ms(phase.replicaCpuMsPerRead)} | ${onReplica} | ${onPrimary || "0"} |`,
    );
  }
  for (const phase of phases) {
    if (!phase.wrote) continue;
    console.log(`\n${phase.name}, ${phase.lag.walMegabytes.toFixed(1)} MB of WAL:`);
    for (const note of phase.notes) console.log(`- ${note}`);
    console.log(
      `- replication lag over ${phase.lag.samples} advances of the primary sampled every ${sampleMs} ms: p50 ${phase.lag.p50} ms, p99 ${phase.lag.p99} ms, max ${phase.lag.max} ms; pg_stat_replication.replay_lag max ${phase.lag.primaryViewMax ?? "not shown"} ms`,
    );
  }
  console.log("\nCPU per read includes the writes' CPU in the phases that write.");
  for (const line of memory) console.log(`- ${line}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
