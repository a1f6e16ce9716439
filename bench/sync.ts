/**
 * Sync benchmark: `syncMemberships` over HTTP against the API on an embedded and an external
 * PostgreSQL. On a freshly seeded database it syncs N memberships (default 10 000) into the
 * groups of the county with the most groups, runs the identical list again (everything
 * unchanged), then a list with 5 % of the rows changed. Prints wall time, rows/s, SQL statements
 * per request and the server's peak memory.
 *
 *   npm run bench:sync                     # both databases
 *   npm run bench:sync -- --only embedded  # or: external
 *   options: --rows N (default 10000)
 *   the external server is DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres
 */
import "reflect-metadata";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startEmbeddedPostgres } from "../src/db/embedded-postgres";
import { freePort } from "../src/db/free-port";
import { applyMigrations, PROJECT_ROOT } from "../src/db/migrate";
import { adminQuery, urlForDatabase } from "../src/db/postgres-admin";
import { createPrismaClient } from "../src/db/prisma";
import { createApiKey } from "../src/modules/access/api-keys";
import { seedReferenceData } from "../src/seed/seed";

const SYNC = `mutation Sync($input: SyncMembershipsInput!) {
  syncMemberships(input: $input) { applied counts { created updated unchanged ended failed peopleCreated } failures { index errors { field message } } }
}`;

type Target = "embedded" | "external";
type Counts = Record<"created" | "updated" | "unchanged" | "ended" | "failed" | "peopleCreated", number>;
type Row = { externalId: string; person: Record<string, string>; group: string; role: string; representing: string; validFrom: string; validTo: string | null };

interface Scenario {
  name: string;
  rows: Row[];
  expected: Partial<Counts>;
}

interface Measurement {
  target: Target;
  scenario: string;
  seconds: number;
  rowsPerSecond: number;
  sqlStatements: number;
  megabytesSent: number;
  peakRssMb: string;
  counts: Counts;
}

const { values: options } = parseArgs({ options: { only: { type: "string" }, rows: { type: "string", default: "10000" } } });
const rowCount = Number(options.rows);

async function main(): Promise<void> {
  if (options.only && options.only !== "embedded" && options.only !== "external") throw new Error("--only takes embedded or external");
  const targets = (["embedded", "external"] as const).filter((target) => !options.only || options.only === target);
  const results: Measurement[] = [];
  let setup = "";
  for (const target of targets) {
    const database = await prepareDatabase(target);
    try {
      const server = await startApi(database.url);
      try {
        setup = `county ${database.countyCode}: ${database.groups.length} LPOs, representing ${database.representing}`;
        for (const scenario of scenarios(database)) {
          const measurement = await measure(server.url, database.apiKey, database.countyCode, scenario);
          const result = { target, ...measurement, peakRssMb: await peakRssMb(server.process) };
          results.push(result);
          log(`${target} ${scenario.name}: ${result.seconds.toFixed(2)} s, ${result.rowsPerSecond.toFixed(0)} rows/s, ${result.sqlStatements} SQL, peak RSS ${result.peakRssMb} MB`);
        }
      } finally {
        await server.stop();
      }
    } finally {
      await database.stop();
    }
  }
  printReport(results, setup);
}

interface PreparedDatabase {
  url: string;
  apiKey: string;
  countyCode: string;
  groups: string[];
  representing: string;
  stop(): Promise<void>;
}

/** A new database, migrated and seeded (no memberships), with an API key for the county that has the most groups. */
async function prepareDatabase(target: Target): Promise<PreparedDatabase> {
  let adminUrl = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  let stopServer = async () => {};
  if (target === "embedded") {
    const dir = await mkdtemp(path.join(os.tmpdir(), "kunskapsgraf-bench-"));
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), port: await freePort() });
    adminUrl = embedded.url("postgres");
    stopServer = async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }
  const name = `kg_bench_sync_${Date.now().toString(36)}`;
  const stop = async () => {
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await stopServer();
  };
  try {
    await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
    const url = urlForDatabase(adminUrl, name);
    log(`${target}: preparing ${name} (migrate, seed)`);
    await applyMigrations(url);
    const prisma = createPrismaClient({ url, poolSize: 2 });
    try {
      await seedReferenceData(prisma);
      const perCounty = await prisma.group.groupBy({ by: ["countyCode"], where: { countyCode: { not: null } }, _count: { _all: true } });
      perCounty.sort((a, b) => b._count._all - a._count._all || (a.countyCode ?? "").localeCompare(b.countyCode ?? ""));
      const countyCode = perCounty[0]?.countyCode;
      if (!countyCode) throw new Error("The seeded database has no regional groups");
      const groups = await prisma.group.findMany({ where: { countyCode, kind: "LPO" }, select: { slug: true }, orderBy: { slug: "asc" } });
      const region = await prisma.organisation.findFirstOrThrow({ where: { kind: "REGION", countyCode }, select: { slug: true } });
      const { key } = await createApiKey(prisma, { name: "bench-sync", scopes: [`write:region:${countyCode}`] });
      return { url, apiKey: key, countyCode, groups: groups.map((group) => group.slug), representing: region.slug, stop };
    } finally {
      await prisma.$disconnect();
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

/** N rows over the county's LPOs: one chair per group, the rest members, every row a different person. */
function scenarios({ groups, representing }: PreparedDatabase): Scenario[] {
  const given = ["Anna", "Erik", "Maria", "Johan", "Karin", "Lars", "Sofia", "Per", "Eva", "Mikael", "Elin", "Anders"];
  const family = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson", "Gustafsson", "Lindqvist", "Åström"];
  const rows: Row[] = Array.from({ length: rowCount }, (_, i) => ({
    externalId: `bench-m-${i}`,
    person: {
      externalId: `bench-p-${i}`,
      hsaId: `SE2321000016-B${String(i).padStart(9, "0")}`,
      givenName: given[i % given.length]!,
      familyName: family[Math.floor(i / given.length) % family.length]!,
    },
    group: groups[i % groups.length]!,
    role: i < groups.length ? "CHAIR" : "MEMBER",
    representing,
    validFrom: "2024-01-01",
    validTo: null,
  }));
  const changed = rows.map((row, i) => (i % 20 === 0 ? { ...row, validTo: "2027-12-31" } : row));
  const changedCount = Math.ceil(rowCount / 20);
  return [
    { name: "initial", rows, expected: { created: rowCount, failed: 0, peopleCreated: rowCount } },
    { name: "identical re-run", rows, expected: { unchanged: rowCount, created: 0, updated: 0, failed: 0 } },
    { name: "5 % changed", rows: changed, expected: { updated: changedCount, unchanged: rowCount - changedCount, failed: 0 } },
  ];
}

async function measure(url: string, apiKey: string, countyCode: string, scenario: Scenario): Promise<Omit<Measurement, "target" | "peakRssMb">> {
  const body = JSON.stringify({ query: SYNC, variables: { input: { sourceSystem: "bench", scope: { countyCode }, mode: "MERGE", memberships: scenario.rows } } });
  const start = performance.now();
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body,
  });
  const result = (await response.json()) as {
    data?: { syncMemberships: { applied: boolean; counts: Counts; failures: unknown[] } } | null;
    errors?: unknown[];
    extensions?: { sqlStatements?: number };
  };
  const seconds = (performance.now() - start) / 1000;
  const sync = result.data?.syncMemberships;
  if (result.errors || !sync) throw new Error(`${scenario.name}: HTTP ${response.status} ${JSON.stringify(result.errors ?? result).slice(0, 2000)}`);
  const wrong = Object.entries(scenario.expected).filter(([name, value]) => sync.counts[name as keyof Counts] !== value);
  if (!sync.applied || wrong.length > 0) {
    throw new Error(`${scenario.name}: expected ${JSON.stringify(scenario.expected)}, got applied ${sync.applied} ${JSON.stringify(sync.counts)}; failures ${JSON.stringify(sync.failures.slice(0, 3))}`);
  }
  return {
    scenario: scenario.name,
    seconds,
    rowsPerSecond: scenario.rows.length / seconds,
    sqlStatements: result.extensions?.sqlStatements ?? -1,
    megabytesSent: Buffer.byteLength(body) / 2 ** 20,
    counts: sync.counts,
  };
}

/** The API as it runs in production: its own process, started with `node dist/main.js`. */
async function startApi(databaseUrl: string): Promise<{ url: string; process: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "dist", "main.js")], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      MIGRATE_ON_START: "false",
      SEED_ON_START: "false",
      EXPOSE_SQL_STATEMENT_COUNT: "true",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let attempt = 0; ; attempt++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch {
      if (attempt > 300 || child.exitCode !== null) throw new Error("The API did not start");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** The process's peak resident memory so far (VmHWM). */
async function peakRssMb(child: ChildProcess): Promise<string> {
  try {
    const status = await readFile(`/proc/${child.pid}/status`, "utf8");
    return (Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]) / 1024).toFixed(0);
  } catch {
    return "?";
  }
}

function printReport(results: Measurement[], setup: string): void {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(`\n${new Date().toISOString().slice(0, 10)} · ${os.cpus().length} × ${cpu} · ${Math.round(os.totalmem() / 2 ** 30)} GiB · Node ${process.version} · ${rowCount} rows · ${setup}\n`);
  console.log("| database | run | result | wall s | rows/s | SQL/request | request MB | server peak RSS MB |");
  console.log("|---|---|---|---:|---:|---:|---:|---:|");
  for (const r of results) {
    const counts = `${r.counts.created} created, ${r.counts.updated} updated, ${r.counts.unchanged} unchanged`;
    console.log(`| ${r.target} | ${r.scenario} | ${counts} | ${r.seconds.toFixed(2)} | ${r.rowsPerSecond.toFixed(0)} | ${r.sqlStatements} | ${r.megabytesSent.toFixed(1)} | ${r.peakRssMb} |`);
  }
  console.log("\nPeak RSS is the server's high-water mark since it started, so it covers the runs before it too.");
}

function log(message: string): void {
  console.error(message);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
