import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const MAIN = path.join(__dirname, "..", "..", "dist", "main.js");

/**
 * The built server (`dist/main.js`) as a process of its own on an existing, migrated and seeded
 * database, for tests that kill it or need a second process; resolves with its URL once it says it
 * is ready. `env` adds settings (REDIS_URL, say).
 */
export async function startChildServer(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string }> {
  const childEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: "0",
    NODE_ENV: "test",
    MIGRATE_ON_START: "false",
    SEED_ON_START: "false",
    LOG_LEVEL: "info",
    ...env,
  };
  const child = spawn(process.execPath, [MAIN], { env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
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
    // What it says on standard error (why it stopped, say) goes into the error too.
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    // "close" comes after the output streams have ended, so the error holds all of it.
    child.once("close", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}: ${output}`));
    });
  });
  return { child, url };
}
