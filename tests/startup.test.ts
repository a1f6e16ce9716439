import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import net from "node:net";
import { promisify } from "node:util";
import { execFile } from "node:child_process";
import pg from "pg";
import { freePort } from "../src/db/free-port";
import { urlForDatabase } from "../src/db/postgres-admin";
import { gql } from "./support/test-server";
import { createTestDatabase } from "./support/test-database";

const MAIN = path.join(__dirname, "..", "dist", "main.js");

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts the built service the way `npm start` does, on an embedded database in `dataDir`. */
async function startService(
  dataDir: string,
  dbPort: number,
  onOutput?: (output: string, child: ChildProcess) => void,
): Promise<Started> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EMBEDDED_DB_DIR: dataDir,
    EMBEDDED_DB_PORT: String(dbPort),
    PORT: "0",
    NODE_ENV: "test",
  };
  delete env.DATABASE_URL;
  return startWith(env, onOutput);
}

async function startWith(
  env: NodeJS.ProcessEnv,
  onOutput?: (output: string, child: ChildProcess) => void,
  args: string[] = [],
): Promise<Started> {
  const child = spawn(process.execPath, [MAIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    onOutput?.(output, child);
  });
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
    const result = await gql<{ healthcareRegions: unknown[]; regions: unknown[] }>(
      first.url,
      "{ healthcareRegions { slug } regions { countyCode } }",
    );
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
    const child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, DATABASE_URL: "not a url" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('DATABASE_URL="not a url" is not a PostgreSQL URL');
    expect(stderr).not.toMatch(/\n[ \t]+at /);
  });
});

describe("a first start with the demonstration data", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "kunskapsgraf-demo-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const CHAIR_AND_MEMBERS = `{ group(slug: "lpo-22-psykisk-halsa") { chair { person { name } } members { totalCount } } }`;
  type ChairAndMembers = { group: { chair: { person: { name: string } } | null; members: { totalCount: number } } };

  it("loads the generated, fictitious data once with DEMO_DATA=generated (or --demo), saying so, and not again", async () => {
    const dataDir = path.join(dir, "pg");
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      EMBEDDED_DB_DIR: dataDir,
      EMBEDDED_DB_PORT: String(await freePort()),
      PORT: "0",
      NODE_ENV: "test",
    };
    delete env.DATABASE_URL;

    const first = await startWith({ ...env, DEMO_DATA: "generated" });
    expect(first.output()).toMatch(/Loaded the generated demonstration data: \d+ FICTITIOUS people/);
    const filled = await gql<ChairAndMembers>(first.url, CHAIR_AND_MEMBERS);
    expect(filled.data!.group.chair).not.toBeNull();
    expect(filled.data!.group.members.totalCount).toBeGreaterThan(3);
    expect(await stop(first.child)).toBe(0);

    // The second start, with the flag this time, finds the data and keeps the fast start.
    const second = await startWith(env, undefined, ["--demo"]);
    expect(second.output()).toContain("The generated demonstration data (FICTITIOUS people");
    expect(second.output()).not.toContain("Loaded the generated demonstration data");
    expect(second.output()).toContain("Reference data is up to date");
    expect((await gql<ChairAndMembers>(second.url, CHAIR_AND_MEMBERS)).data).toEqual(filled.data);
    expect(await stop(second.child)).toBe(0);

    // Without the switch nothing is said about it; the data stays.
    const third = await startWith(env);
    expect(third.output()).not.toContain("demonstration");
    expect(await stop(third.child)).toBe(0);
  });

  it("is refused in production and on a database at DATABASE_URL, in one line each, before any database work", async () => {
    const production = await runToExit({ NODE_ENV: "production", DEMO_DATA: "generated", PORT: "0" });
    expect(production.code).toBe(1);
    expect(production.output).toContain(
      "DEMO_DATA=generated loads fictitious people and memberships; it is refused with NODE_ENV=production",
    );
    const external = await runToExit({ DATABASE_URL: process.env.KG_TEST_ADMIN_URL!, PORT: "0" }, 60_000, ["--demo"]);
    expect(external.code).toBe(1);
    expect(external.output).toContain("DEMO_DATA=generated is for the embedded database only");
    expect(external.output).not.toMatch(NO_STACK);
  });
});

/** Runs the built service until it exits by itself; its output and exit code. */
async function runToExit(
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
  args: string[] = [],
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...process.env, NODE_ENV: "test", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearTimeout(timer);
  return { code, output };
}

/** Holds a TCP port, as another program would. */
async function occupy(): Promise<{ port: number; release: () => Promise<void> }> {
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
  return {
    port: (holder.address() as net.AddressInfo).port,
    release: () => new Promise((resolve) => holder.close(() => resolve())),
  };
}

const NO_STACK = /\n {2,}at /;

describe("a newcomer's first hour: one clear line for each problem", () => {
  const adminUrl = () => process.env.KG_TEST_ADMIN_URL!;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "kunskapsgraf-problems-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("a taken HTTP port is named before any database work starts", async () => {
    const database = await createTestDatabase();
    const taken = await occupy();
    try {
      const { code, output } = await runToExit({ DATABASE_URL: database.url, PORT: String(taken.port) });
      expect(code).toBe(1);
      expect(output).toContain(
        `Port ${taken.port} on 127.0.0.1 is taken by another program. Stop it, or choose another port with PORT=${taken.port + 1}.`,
      );
      expect(output).not.toMatch(/Reference data|Using the PostgreSQL server/);
      expect(output).not.toMatch(NO_STACK);
    } finally {
      await taken.release();
      await database.drop();
    }
  });

  it("a taken embedded database port is named with its setting, before initdb", async () => {
    const taken = await occupy();
    try {
      const env: NodeJS.ProcessEnv = {
        EMBEDDED_DB_DIR: path.join(dir, "taken-port"),
        EMBEDDED_DB_PORT: String(taken.port),
        PORT: "0",
        DATABASE_URL: "",
      };
      const { code, output } = await runToExit(env);
      expect(code).toBe(1);
      expect(output.trim()).toBe(
        `Port ${taken.port} on 127.0.0.1 is taken by another program. Stop it, or choose another port with EMBEDDED_DB_PORT=${taken.port + 1}.`,
      );
      expect(existsSync(path.join(dir, "taken-port", "PG_VERSION"))).toBe(false);
    } finally {
      await taken.release();
    }
  });

  it("an unreachable database, an unknown user and a missing database are told in one line", async () => {
    const nobody = await freePort();
    const unreachable = await runToExit({
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${nobody}/kunskapsgraf`,
      PORT: "0",
    });
    expect(unreachable.code).toBe(1);
    expect(unreachable.output.trim()).toBe(
      `Cannot reach PostgreSQL at 127.0.0.1:${nobody}: the connection was refused. Is the server running there? Check the host and port in DATABASE_URL.`,
    );

    const wrongUser = new URL(adminUrl());
    wrongUser.username = "kg_nobody";
    const refused = await runToExit({ DATABASE_URL: wrongUser.toString(), PORT: "0" });
    expect(refused.code).toBe(1);
    expect(refused.output.trim()).toMatch(
      /^PostgreSQL at 127\.0\.0\.1:\d+ refused the user "kg_nobody" \(.+\)\. Check the user and password in DATABASE_URL\.$/,
    );
  });

  it("a DATABASE_URL naming a database that does not exist yet: it is created, migrated and seeded", async () => {
    const name = `kg_test_${process.env.KG_TEST_RUN_ID}_created`;
    const started = await startWith({
      ...process.env,
      DATABASE_URL: urlForDatabase(adminUrl(), name),
      PORT: "0",
      NODE_ENV: "test",
    });
    try {
      expect(started.output()).toContain("The database did not exist and was created");
      const result = await gql<{ regions: unknown[] }>(started.url, "{ regions { countyCode } }");
      expect(result.data!.regions).toHaveLength(21);
    } finally {
      expect(await stop(started.child)).toBe(0);
    }
  });

  it("Ctrl-C during the first start stops cleanly after the current step, and the next start completes", async () => {
    const dataDir = path.join(dir, "interrupted");
    const dbPort = await freePort();
    let interrupted = false;
    const first = await startService(dataDir, dbPort, (output, child) => {
      if (!interrupted && output.includes("Embedded PostgreSQL running")) {
        interrupted = true;
        child.kill("SIGINT");
      }
    }).then(
      () => "started",
      (error: Error) => error.message,
    );
    expect(first).toMatch(/^exited with 130:/);
    expect(first).toContain("SIGINT received during start: stopping when the current step is done");
    expect(first).not.toMatch(NO_STACK);
    expect(existsSync(path.join(dataDir, "postmaster.pid"))).toBe(false);

    const second = await startService(dataDir, dbPort);
    try {
      const result = await gql<{ regions: unknown[] }>(second.url, "{ regions { countyCode } }");
      expect(result.data!.regions).toHaveLength(21);
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
  });

  it("a command run while the server holds the embedded database says exactly what to do, and that works", async () => {
    const dataDir = path.join(dir, "held");
    const dbPort = await freePort();
    const server = await startService(dataDir, dbPort);
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, EMBEDDED_DB_DIR: dataDir, EMBEDDED_DB_PORT: String(dbPort) };
      delete env.DATABASE_URL;
      const keys = path.join(__dirname, "..", "dist", "cli", "keys.js");
      const refused = await promisify(execFile)(process.execPath, [keys, "list"], { env }).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );
      expect(refused?.code).toBe(1);
      const advice = /run this command against its database with (DATABASE_URL="[^"]+") in front of it\./.exec(
        refused!.stderr,
      );
      expect(refused!.stderr.trim().split("\n")).toHaveLength(1);
      expect(advice).not.toBeNull();
      const { stdout } = await promisify(execFile)(
        "bash",
        ["-c", `${advice![1]} "${process.execPath}" "${keys}" list`],
        { env },
      );
      expect(stdout).toContain("No API keys");
    } finally {
      expect(await stop(server.child)).toBe(0);
    }
  });
});

// The test database server must never be left with a test's database held open.
afterAll(async () => {
  const client = new pg.Client({ connectionString: process.env.KG_TEST_ADMIN_URL });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "kg_test_${process.env.KG_TEST_RUN_ID}_created" WITH (FORCE)`);
  await client.end();
});
