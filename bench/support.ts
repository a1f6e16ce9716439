/**
 * What the benchmarks share: a fresh, migrated database on an embedded or external PostgreSQL,
 * the API in its own process as it runs in production, and the server's peak memory.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../src/db/embedded-postgres";
import { freePort } from "../src/db/free-port";
import { applyMigrations, PROJECT_ROOT } from "../src/db/migrate";
import { adminQuery, urlForDatabase } from "../src/db/postgres-admin";

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
  const embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), port: await freePort() });
  return {
    adminUrl: embedded.url("postgres"),
    stop: async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface BenchDatabase {
  url: string;
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
    return { ...(await populate(url)), url, stop };
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
 * environment. Resolves once the API answers its health check.
 */
export async function startApi(databaseUrl: string, env: Record<string, string> = {}): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "dist", "main.js")], {
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

/** The process's peak resident memory so far (VmHWM) in MB, or "?" where /proc cannot tell. */
export async function peakRssMb(child: ChildProcess): Promise<string> {
  try {
    const status = await readFile(`/proc/${child.pid}/status`, "utf8");
    return (Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]) / 1024).toFixed(0);
  } catch {
    return "?";
  }
}

/** Progress goes to stderr so that stdout carries only the report. */
export function log(message: string): void {
  console.error(message);
}
