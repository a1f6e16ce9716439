import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort } from "../src/db/free-port";
import { gql } from "./support/test-server";

const MAIN = path.join(__dirname, "..", "dist", "main.js");

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts the built service the way `npm start` does, on an embedded database in `dataDir`. */
async function startService(dataDir: string, dbPort: number): Promise<Started> {
  const env: NodeJS.ProcessEnv = { ...process.env, EMBEDDED_DB_DIR: dataDir, EMBEDDED_DB_PORT: String(dbPort), PORT: "0", NODE_ENV: "test" };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [MAIN], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 90 s:\n${output}`)), 90_000);
    const check = () => {
      const match = /ready at (http[^\s"]+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });
  return { child, url, output: () => output };
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners("exit");
    child.once("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

describe("npm start on the embedded database", () => {
  let dir: string;
  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error("dist/main.js is missing: `npm test` builds it first (pretest)");
    dir = await mkdtemp(path.join(os.tmpdir(), "kunskapsgraf-start-"));
    // mkdtemp makes the directory private (0700): the service must still reach its data as `postgres`.
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("initialises, migrates and seeds on first start, reuses the data on the second, and stops cleanly", async () => {
    const dataDir = path.join(dir, "pg");
    const dbPort = await freePort();

    const first = await startService(dataDir, dbPort);
    const result = await gql<{ healthcareRegions: unknown[]; regions: unknown[] }>(first.url, "{ healthcareRegions { slug } regions { countyCode } }");
    expect(result.data!.healthcareRegions).toHaveLength(6);
    expect(first.output()).toMatch(/Reference data loaded \(\d+ rows written\)/);
    expect(await stop(first.child)).toBe(0);
    expect(existsSync(path.join(dataDir, "postmaster.pid"))).toBe(false);

    const second = await startService(dataDir, dbPort);
    expect(second.output()).toContain("Reference data is up to date");
    const again = await gql<{ regions: unknown[] }>(second.url, "{ regions { countyCode } }");
    expect(again.data!.regions).toHaveLength(21);

    // A second process on the same data directory is refused and leaves the running one serving.
    const intruder = await startService(dataDir, dbPort).then(
      () => "started",
      (error: Error) => error.message,
    );
    expect(intruder).toContain("is in use by process");
    const still = await gql<{ regions: unknown[] }>(second.url, "{ regions { countyCode } }");
    expect(still.data!.regions).toHaveLength(21);
    expect(await stop(second.child)).toBe(0);
  });

  it("fails fast with a readable message on a malformed DATABASE_URL", async () => {
    const child = spawn(process.execPath, [MAIN], { env: { ...process.env, DATABASE_URL: "not a url" }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('DATABASE_URL="not a url" is not a PostgreSQL URL');
    expect(stderr).not.toMatch(/\n[ \t]+at /);
  });
});
