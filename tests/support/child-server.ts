import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const MAIN = path.join(__dirname, "..", "..", "dist", "main.js");

export interface ChildServer {
  child: ChildProcess;
  url: string;
  /** Everything the process has written to stdout and stderr so far. */
  output(): string;
}

export interface ChildServerOptions {
  /** Environment variables beyond the defaults below (tracing's, REDIS_URL …); they may override them. */
  env?: NodeJS.ProcessEnv;
  /** Arguments of node before the script, e.g. `--require` of a probe. */
  nodeArgs?: string[];
  /** Opens an IPC channel to the child (`child.send`, `child.on("message")`). */
  ipc?: boolean;
}

/**
 * The built server (`dist/main.js`) as a process of its own, for tests that kill it or run several
 * side by side; resolves with its URL once it says it is ready. By default on an existing,
 * migrated and seeded database (no migrations or seed on start); `env` adds or overrides settings.
 */
export async function startChildServer(
  databaseUrl: string,
  { env: extra = {}, nodeArgs = [], ipc = false }: ChildServerOptions = {},
): Promise<ChildServer> {
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: "0",
    NODE_ENV: "test",
    MIGRATE_ON_START: "false",
    SEED_ON_START: "false",
    LOG_LEVEL: "info",
    ...extra,
  };
  const child = spawn(process.execPath, [...nodeArgs, MAIN], {
    env,
    stdio: ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start: ${output}`)), 90_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready at (http[^\s"]+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}: ${output}`));
    });
  });
  return { child, url, output: () => output };
}

/** Stops a child server with SIGTERM and waits for it to exit; kills it after `timeoutMs`. */
export async function stopChildServer(server: ChildServer, timeoutMs = 15_000): Promise<number | null> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill("SIGTERM");
  });
}
