import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const MAIN = path.join(__dirname, "..", "..", "dist", "main.js");

export interface ChildServerOptions {
  /** Environment variables beyond the defaults below, e.g. tracing's. */
  env?: Record<string, string>;
  /** Arguments of node before the script, e.g. `--require` of a probe. */
  nodeArgs?: string[];
  /** Opens an IPC channel to the child (`child.send`, `child.on("message")`). */
  ipc?: boolean;
}

/**
 * The built server (`dist/main.js`) as a process of its own on an existing, migrated and seeded
 * database, for tests that kill it; resolves with its URL once it says it is ready.
 */
export async function startChildServer(
  databaseUrl: string,
  { env: extra = {}, nodeArgs = [], ipc = false }: ChildServerOptions = {},
): Promise<{ child: ChildProcess; url: string }> {
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
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start: ${output}`)), 60_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready at (http[^\s"]+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once("exit", (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
  return { child, url };
}
