/**
 * Start benchmark: wall time from the command to the first 200 of `/readyz` (the API answering
 * and its database reachable), on the embedded database, for
 *
 *   cold  the first start on an empty data directory: initdb, migrations, seed (dist built)
 *   warm  a later start on that directory: initialised, migrated and seeded
 *
 * each through `npm start` (which first checks whether dist is current) and `node dist/main.js`.
 * Each start is stopped with SIGTERM and its database shut down before the next begins.
 *
 *   npm run bench:start
 *   options: --runs N (warm starts of each command, default 3) --cold-runs N (default 1)
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { freePort } from "../src/db/free-port";
import { PROJECT_ROOT } from "../src/db/migrate";
import { log } from "./support";

const COMMANDS = {
  "npm start": ["npm", ["start", "--silent"]],
  "node dist/main.js": [process.execPath, [path.join(PROJECT_ROOT, "dist", "main.js")]],
} as const satisfies Record<string, readonly [string, readonly string[]]>;
type Command = keyof typeof COMMANDS;

const READY_TIMEOUT_MS = 180_000;

const { values: options } = parseArgs({
  options: { runs: { type: "string", default: "3" }, "cold-runs": { type: "string", default: "1" } },
});
const runs = Number(options.runs);
const coldRuns = Number(options["cold-runs"]);

/** Starts `command` on `dataDir`, returns the seconds until /readyz answered 200, and stops it. */
async function timeStart(command: Command, dataDir: string): Promise<number> {
  const [executable, args] = COMMANDS[command];
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    EMBEDDED_DB_DIR: dataDir,
    EMBEDDED_DB_PORT: String(await freePort()),
    LOG_LEVEL: "warn",
  };
  delete env.DATABASE_URL;
  const started = performance.now();
  // Its own process group, so that SIGTERM reaches npm's child too.
  const child = spawn(executable, args, {
    cwd: PROJECT_ROOT,
    env,
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command} exited (${child.exitCode}) before it was ready`);
      if (performance.now() - started > READY_TIMEOUT_MS) throw new Error(`${command} was not ready in time`);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (response) => response.status === 200,
        () => false,
      );
      if (ready) return (performance.now() - started) / 1000;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    if (child.exitCode === null) process.kill(-child.pid!, "SIGTERM");
    await exited;
    // npm may exit before its child has shut the database down; the next start must find it stopped.
    for (let waited = 0; existsSync(path.join(dataDir, "postmaster.pid")) && waited < 60_000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function main(): Promise<void> {
  const root = await mkdtemp(path.join(os.tmpdir(), "kunskapsgraf-start-"));
  const results = new Map<string, number[]>();
  const record = (label: string, seconds: number) => {
    results.set(label, [...(results.get(label) ?? []), seconds]);
    log(`${label}: ${seconds.toFixed(2)} s`);
  };
  try {
    for (const command of Object.keys(COMMANDS) as Command[]) {
      let dataDir = "";
      for (let run = 0; run < coldRuns; run++) {
        dataDir = path.join(root, `${command.replace(/\W+/g, "-")}-${run}`, "pg");
        record(`${command}, cold`, await timeStart(command, dataDir));
      }
      if (coldRuns === 0) {
        dataDir = path.join(root, "warm", "pg");
        await timeStart(command, dataDir);
      }
      for (let run = 0; run < runs; run++) record(`${command}, warm`, await timeStart(command, dataDir));
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(
    `\n${new Date().toISOString().slice(0, 10)} · ${os.cpus().length} × ${cpu} · ${Math.round(os.totalmem() / 2 ** 30)} GiB · Node ${process.version} · seconds to the first 200 of /readyz\n`,
  );
  console.log("| start | runs | min | median | max |");
  console.log("|---|---:|---:|---:|---:|");
  for (const [label, seconds] of results) {
    const sorted = [...seconds].sort((a, b) => a - b);
    const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
    console.log(
      `| ${label} | ${sorted.length} | ${sorted[0]!.toFixed(2)} | ${median.toFixed(2)} | ${sorted.at(-1)!.toFixed(2)} |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
