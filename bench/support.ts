/**
 * What the benchmarks share: a fresh, migrated database on an embedded or external PostgreSQL,
 * the API in its own process as it runs in production, and what processes cost: CPU time and
 * peak memory read from /proc (Linux; elsewhere they are reported as unknown).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../src/db/embedded-postgres";
import { freePort } from "../src/db/free-port";
import { applyMigrations, PROJECT_ROOT } from "../src/db/migrate";
import { adminQuery, urlForDatabase } from "../src/db/postgres-admin";
import pg from "pg";

export type Target = "embedded" | "external";

/** Used when DATABASE_URL is not set. */
const DEFAULT_EXTERNAL_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

/** Both targets in order, or only the one `--only` names. */
export function selectTargets(only: string | undefined): Target[] {
  return (["embedded", "external"] as const).filter((target) => !only || only === target);
}

/** A PostgreSQL server to create the benchmark database on. */
interface PostgresServer {
  /** URL of the server's maintenance database. */
  adminUrl: string;
  /** The embedded server's data directory; undefined for the external one. */
  dataDir?: string;
  stop(): Promise<void>;
}

/**
 * The external server (DATABASE_URL, else the local default), which is left running, or a new
 * embedded server in a temporary directory that `stop` removes.
 */
async function startPostgres(target: Target): Promise<PostgresServer> {
  if (target === "external")
    return { adminUrl: process.env.DATABASE_URL ?? DEFAULT_EXTERNAL_URL, stop: async () => {} };
  const dir = await mkdtemp(path.join(os.tmpdir(), "kunskapsgraf-bench-"));
  const dataDir = path.join(dir, "pg");
  const embedded = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  return {
    adminUrl: embedded.url("postgres"),
    dataDir,
    stop: async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface BenchDatabase {
  url: string;
  /**
   * CPU time (ms) PostgreSQL has spent so far on this benchmark, per process id: on the embedded
   * server every process of the cluster (the postmaster and its children), on the external one
   * the backends connected to the benchmark's database (other databases' work is not counted).
   * Undefined where /proc does not show them (another machine, another user).
   */
  postgresCpu(): Promise<Map<number, number> | undefined>;
  /** Drops the database, then stops its server if it was started for the benchmark. */
  stop(): Promise<void>;
}

export interface DatabaseOptions {
  /** The database is named `${namePrefix}_${timestamp}`. */
  namePrefix: string;
  /** What the preparation does, for the progress line, e.g. "migrate, seed". */
  steps: string;
}

/**
 * A new, uniquely named database on the target's server, migrated, then filled by `populate`
 * (seed data, keys, …), whose result is returned along with the database. If anything fails the
 * database is dropped and the server stopped before the error is rethrown.
 */
export async function prepareDatabase<T extends object>(
  target: Target,
  { namePrefix, steps }: DatabaseOptions,
  populate: (url: string) => Promise<T>,
): Promise<T & BenchDatabase> {
  const server = await startPostgres(target);
  const name = `${namePrefix}_${Date.now().toString(36)}`;
  const stop = async () => {
    await adminQuery(server.adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await server.stop();
  };
  try {
    await adminQuery(server.adminUrl, `CREATE DATABASE "${name}"`);
    const url = urlForDatabase(server.adminUrl, name);
    log(`${target}: preparing ${name} (${steps})`);
    await applyMigrations(url);
    const postgresCpu = () => (server.dataDir ? clusterCpu(server.dataDir) : backendCpu(url, name));
    return { ...(await populate(url)), url, postgresCpu, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface ApiProcess {
  /** The GraphQL endpoint. */
  url: string;
  process: ChildProcess;
  /** Sends SIGTERM and resolves when the process has exited. */
  stop(): Promise<void>;
}

/**
 * The API as it runs in production: its own process, started with `node dist/main.js` on a free
 * port, without migrating or seeding and reporting SQL statement counts. `env` is added to that
 * environment. Resolves once the API answers its health check. BENCH_SERVER_NODE_ARGS (e.g.
 * "--cpu-prof --cpu-prof-dir=/tmp/prof") is given to the server's node, which NODE_OPTIONS cannot do
 * for every flag.
 */
export async function startApi(databaseUrl: string, env: Record<string, string> = {}): Promise<ApiProcess> {
  const port = await freePort();
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(/\s+/).filter((arg) => arg !== "");
  const child = spawn(process.execPath, [...nodeArgs, path.join(PROJECT_ROOT, "dist", "main.js")], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      MIGRATE_ON_START: "false",
      SEED_ON_START: "false",
      EXPOSE_SQL_STATEMENT_COUNT: "true",
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  await waitUntilHealthy(port, child);
  return { url: `http://127.0.0.1:${port}/graphql`, process: child, stop: () => stopProcess(child) };
}

/** Polls /healthz until it answers; gives up after about 30 s of refused connections or when the process exits. */
async function waitUntilHealthy(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {
      if (attempt > 300 || child.exitCode !== null) throw new Error("The API did not start");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

const CLOCK_TICK_MS = 10; // USER_HZ is 100 on every Linux architecture in use

/** CPU time (user + system, ms) of a process so far, or undefined where /proc cannot tell. */
export async function processCpuMs(pid: number): Promise<number | undefined> {
  try {
    return cpuOfStat(await readFile(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return undefined;
  }
}

/** utime + stime of a /proc/<pid>/stat line (fields 14 and 15, counted after the command's closing parenthesis). */
function cpuOfStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
}

function parentOfStat(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

/** CPU of the embedded cluster's postmaster (the first line of postmaster.pid) and its children, per pid. */
export async function clusterCpu(dataDir: string): Promise<Map<number, number> | undefined> {
  let postmaster: number;
  try {
    postmaster = Number((await readFile(path.join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0]);
  } catch {
    return undefined;
  }
  const cpu = new Map<number, number>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => undefined);
    if (stat && (Number(entry) === postmaster || parentOfStat(stat) === postmaster))
      cpu.set(Number(entry), cpuOfStat(stat));
  }
  return cpu;
}

/** CPU of the external server's backends connected to the benchmark database, per pid. */
async function backendCpu(url: string, database: string): Promise<Map<number, number> | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
      [database],
    );
    const cpu = new Map<number, number>();
    for (const { pid } of rows) {
      const ms = await processCpuMs(pid);
      if (ms === undefined) return undefined;
      cpu.set(pid, ms);
    }
    return cpu;
  } finally {
    await client.end();
  }
}

/**
 * CPU spent between two readings of `postgresCpu`: each process's growth, counting processes
 * that started in between from zero (a process that ended in between takes its time with it).
 */
export function cpuSpent(
  before: Map<number, number> | undefined,
  after: Map<number, number> | undefined,
): number | undefined {
  if (!before || !after) return undefined;
  let spent = 0;
  for (const [pid, ms] of after) spent += ms - (before.get(pid) ?? 0);
  return spent;
}

/** The process's peak resident memory so far (VmHWM) in MB, or "?" where /proc cannot tell. */
export async function peakRssMb(child: ChildProcess): Promise<string> {
  try {
    const status = await readFile(`/proc/${child.pid}/status`, "utf8");
    return (Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]) / 1024).toFixed(0);
  } catch {
    return "?";
  }
}

/** The `p`th percentile (nearest rank) of values sorted in ascending order; 0 when there are none. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Progress goes to stderr so that stdout carries only the report. */
export function log(message: string): void {
  console.error(message);
}
