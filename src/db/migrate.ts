import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** Runs the Prisma CLI (WASM engine, no native binaries) against `databaseUrl`. */
export async function runPrismaCli(args: string[], databaseUrl: string): Promise<string> {
  const cli = require.resolve("prisma/build/index.js");
  try {
    const { stdout } = await run(process.execPath, [cli, ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
      maxBuffer: 32 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`prisma ${args.join(" ")} failed:\n${stderr || stdout}`);
  }
}

/** Applies pending migrations from prisma/migrations (`prisma migrate deploy`). */
export async function applyMigrations(databaseUrl: string): Promise<void> {
  await runPrismaCli(["migrate", "deploy"], databaseUrl);
}
