/**
 * Sync benchmark: `syncMemberships` over HTTP against the API on an embedded and an external
 * PostgreSQL. On a freshly seeded database it syncs N memberships (default 10 000) into the
 * groups of the county with the most groups, runs the identical list again (everything
 * unchanged), then a list with 5 % of the rows changed, then 50 000 rows into one
 * group (--big-rows), sent as a list longer than one request is: in chunks of 5 000 to an opened
 * run (openMembershipSync, addMembershipSyncRows, startOpenedMembershipSync), waited for by polling
 * syncRun. Prints wall time, rows/s, SQL statements per request, the longest event-loop stall in
 * the server during the request (its `kg_nodejs_eventloop_lag_max_seconds` metric, which
 * prom-client measures with monitorEventLoopDelay and resets at each scrape) and the server's
 * peak memory.
 *
 *   npm run bench:sync                     # both databases
 *   npm run bench:sync -- --only embedded  # or: external
 *   options: --rows N (default 10000), --big-rows N (default 50000; 0 leaves the case out)
 *   the external server is DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres
 */
import "reflect-metadata";
import os from "node:os";
import { parseArgs } from "node:util";
import { createPrismaClient } from "../src/db/prisma";
import { createApiKey } from "../src/access/api-keys";
import { seedReferenceData } from "../src/seed/seed";
import { MAX_SYNC_ROWS } from "../src/modules/sync/sync.inputs";
import { log, peakRssMb, prepareDatabase, selectTargets, startApi, type BenchDatabase, type Target } from "./support";

const SYNC = `mutation Sync($input: SyncMembershipsInput!) {
  syncMemberships(input: $input) { applied counts { created updated unchanged ended failed peopleCreated } failures { index errors { field message } } }
}`;

type Counts = Record<"created" | "updated" | "unchanged" | "ended" | "failed" | "peopleCreated", number>;
type Row = {
  externalId: string;
  person: Record<string, string>;
  group: string;
  role: string;
  representing: string;
  validFrom: string;
  validTo: string | null;
};

interface Scenario {
  name: string;
  rows: Row[];
  /** "bench" unless given. */
  sourceSystem?: string;
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
  stallMs: number;
  counts: Counts;
}

const { values: options } = parseArgs({
  options: {
    only: { type: "string" },
    rows: { type: "string", default: "10000" },
    "big-rows": { type: "string", default: "50000" },
  },
});
const rowCount = Number(options.rows);
const bigRowCount = Number(options["big-rows"]);

async function main(): Promise<void> {
  if (options.only && options.only !== "embedded" && options.only !== "external")
    throw new Error("--only takes embedded or external");
  const targets = selectTargets(options.only);
  const results: Measurement[] = [];
  let setup = "";
  for (const target of targets) {
    const database = await prepareSyncDatabase(target);
    try {
      const server = await startApi(database.url);
      try {
        setup = `county ${database.countyCode}: ${database.groups.length} LPOs, representing ${database.representing}`;
        for (const scenario of scenarios(database)) {
          await longestStallMs(server.url); // resets the server's measurement
          const measurement = await measure(server.url, database.apiKey, database.countyCode, scenario);
          const stallMs = await longestStallMs(server.url);
          const result = { target, ...measurement, stallMs, peakRssMb: await peakRssMb(server.process) };
          results.push(result);
          log(
            `${target} ${scenario.name}: ${result.seconds.toFixed(2)} s, ${result.rowsPerSecond.toFixed(0)} rows/s, ${result.sqlStatements} SQL, stall ${stallMs.toFixed(0)} ms, peak RSS ${result.peakRssMb} MB`,
          );
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

/** What the sync runs need beyond the database itself. */
interface SyncFixture {
  apiKey: string;
  countyCode: string;
  groups: string[];
  representing: string;
}

type PreparedDatabase = BenchDatabase & SyncFixture;

/** A new database, migrated and seeded (no memberships), with an API key for the county that has the most groups. */
function prepareSyncDatabase(target: Target): Promise<PreparedDatabase> {
  return prepareDatabase(
    target,
    { namePrefix: "kg_bench_sync", steps: "migrate, seed" },
    async (url): Promise<SyncFixture> => {
      const prisma = createPrismaClient({ url, poolSize: 2 });
      try {
        await seedReferenceData(prisma);
        const perCounty = await prisma.group.groupBy({
          by: ["countyCode"],
          where: { countyCode: { not: null } },
          _count: { _all: true },
        });
        perCounty.sort(
          (a, b) => b._count._all - a._count._all || (a.countyCode ?? "").localeCompare(b.countyCode ?? ""),
        );
        const countyCode = perCounty[0]?.countyCode;
        if (!countyCode) throw new Error("The seeded database has no regional groups");
        const groups = await prisma.group.findMany({
          where: { countyCode, kind: "LPO" },
          select: { slug: true },
          orderBy: { slug: "asc" },
        });
        const region = await prisma.organisation.findFirstOrThrow({
          where: { kind: "REGION", countyCode },
          select: { slug: true },
        });
        const { key } = await createApiKey(prisma, { name: "bench-sync", scopes: [`write:region:${countyCode}`] });
        return { apiKey: key, countyCode, groups: groups.map((group) => group.slug), representing: region.slug };
      } finally {
        await prisma.$disconnect();
      }
    },
  );
}

/** N rows over the county's LPOs: one chair per group, the rest members, every row a different person. */
function scenarios({ groups, representing }: SyncFixture): Scenario[] {
  const given = ["Anna", "Erik", "Maria", "Johan", "Karin", "Lars", "Sofia", "Per", "Eva", "Mikael", "Elin", "Anders"];
  const family = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Lindqvist",
    "Åström",
  ];
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
  // Another source, one group: every row a member, every row a new person.
  const big: Row[] = Array.from({ length: bigRowCount }, (_, i) => ({
    externalId: `bench-big-m-${i}`,
    person: {
      externalId: `bench-big-p-${i}`,
      givenName: given[i % given.length]!,
      familyName: family[Math.floor(i / given.length) % family.length]!,
    },
    group: groups[0]!,
    role: "MEMBER",
    representing,
    validFrom: "2024-01-01",
    validTo: null,
  }));
  return [
    { name: "initial", rows, expected: { created: rowCount, failed: 0, peopleCreated: rowCount } },
    { name: "identical re-run", rows, expected: { unchanged: rowCount, created: 0, updated: 0, failed: 0 } },
    {
      name: "5 % changed",
      rows: changed,
      expected: { updated: changedCount, unchanged: rowCount - changedCount, failed: 0 },
    },
    ...(bigRowCount > 0
      ? [
          {
            name: `${bigRowCount} into one group`,
            rows: big,
            sourceSystem: "bench-big",
            expected: { created: bigRowCount, failed: 0 },
          },
        ]
      : []),
  ];
}

async function measure(
  url: string,
  apiKey: string,
  countyCode: string,
  scenario: Scenario,
): Promise<Omit<Measurement, "target" | "peakRssMb" | "stallMs">> {
  if (scenario.rows.length > MAX_SYNC_ROWS) return measureInChunks(url, apiKey, countyCode, scenario);
  const body = JSON.stringify({
    query: SYNC,
    variables: {
      input: {
        sourceSystem: scenario.sourceSystem ?? "bench",
        scope: { countyCode },
        mode: "MERGE",
        memberships: scenario.rows,
      },
    },
  });
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
  if (result.errors || !sync)
    throw new Error(
      `${scenario.name}: HTTP ${response.status} ${JSON.stringify(result.errors ?? result).slice(0, 2000)}`,
    );
  const wrong = Object.entries(scenario.expected).filter(
    ([name, value]) => sync.counts[name as keyof Counts] !== value,
  );
  if (!sync.applied || wrong.length > 0) {
    throw new Error(
      `${scenario.name}: expected ${JSON.stringify(scenario.expected)}, got applied ${sync.applied} ${JSON.stringify(sync.counts)}; failures ${JSON.stringify(sync.failures.slice(0, 3))}`,
    );
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

const CHUNK_ROWS = 5_000;
const OPEN = `mutation($input: SyncMembershipsInput!) { openMembershipSync(input: $input) { id } }`;
const ADD = `mutation($input: AddSyncRowsInput!) { addMembershipSyncRows(input: $input) { rowsTotal } }`;
const START_OPENED = `mutation($id: ID!) { startOpenedMembershipSync(id: $id) { status } }`;
const RUN = `query($id: ID!) {
  syncRun(id: $id) { status error applied counts { created updated unchanged ended failed peopleCreated } }
}`;

/** A list longer than one request: chunks to an opened run, started, then polled until it finished. */
async function measureInChunks(
  url: string,
  apiKey: string,
  countyCode: string,
  scenario: Scenario,
): Promise<Omit<Measurement, "target" | "peakRssMb" | "stallMs">> {
  let bytes = 0;
  const call = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const body = JSON.stringify({ query, variables });
    bytes += Buffer.byteLength(body);
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body,
    });
    const result = (await response.json()) as { data?: T; errors?: unknown[] };
    if (result.errors || !result.data)
      throw new Error(`${scenario.name}: HTTP ${response.status} ${JSON.stringify(result.errors).slice(0, 2000)}`);
    return result.data;
  };
  const start = performance.now();
  const settings = { sourceSystem: scenario.sourceSystem ?? "bench", scope: { countyCode }, mode: "MERGE" };
  const { id } = (await call<{ openMembershipSync: { id: string } }>(OPEN, { input: { ...settings, memberships: [] } }))
    .openMembershipSync;
  for (let offset = 0; offset < scenario.rows.length; offset += CHUNK_ROWS)
    await call(ADD, { input: { runId: id, offset, memberships: scenario.rows.slice(offset, offset + CHUNK_ROWS) } });
  await call(START_OPENED, { id });
  type Run = { status: string; error: string | null; applied: boolean | null; counts: Counts | null };
  let run: Run = { status: "QUEUED", error: null, applied: null, counts: null };
  while (run.status === "QUEUED" || run.status === "RUNNING") {
    await new Promise((resolve) => setTimeout(resolve, 50));
    run = (await call<{ syncRun: Run }>(RUN, { id })).syncRun;
  }
  const seconds = (performance.now() - start) / 1000;
  const counts = run.counts;
  if (run.status !== "SUCCEEDED" || !counts) throw new Error(`${scenario.name}: the run ${run.status}: ${run.error}`);
  const wrong = Object.entries(scenario.expected).filter(([name, value]) => counts[name as keyof Counts] !== value);
  if (!run.applied || wrong.length > 0)
    throw new Error(`${scenario.name}: expected ${JSON.stringify(scenario.expected)}, got ${JSON.stringify(run)}`);
  return {
    scenario: `${scenario.name} (${scenario.rows.length / CHUNK_ROWS} chunks)`,
    seconds,
    rowsPerSecond: scenario.rows.length / seconds,
    sqlStatements: -1,
    megabytesSent: bytes / 2 ** 20,
    counts,
  };
}

/** The server's longest event-loop stall since the last scrape, in ms; scraping resets it. */
async function longestStallMs(graphqlUrl: string): Promise<number> {
  const text = await (await fetch(graphqlUrl.replace(/\/graphql$/, "/metrics"))).text();
  const value = /^kg_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text)?.[1];
  if (value === undefined) throw new Error("The server's metrics have no kg_nodejs_eventloop_lag_max_seconds");
  return Number(value) * 1000;
}

function printReport(results: Measurement[], setup: string): void {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(
    `\n${new Date().toISOString().slice(0, 10)} · ${os.cpus().length} × ${cpu} · ${Math.round(os.totalmem() / 2 ** 30)} GiB · Node ${process.version} · ${rowCount} rows · ${setup}\n`,
  );
  console.log(
    "| database | run | result | wall s | rows/s | SQL/request | request MB | longest stall ms | server peak RSS MB |",
  );
  console.log("|---|---|---|---:|---:|---:|---:|---:|---:|");
  for (const r of results) {
    const counts = `${r.counts.created} created, ${r.counts.updated} updated, ${r.counts.unchanged} unchanged`;
    console.log(
      `| ${r.target} | ${r.scenario} | ${counts} | ${r.seconds.toFixed(2)} | ${r.rowsPerSecond.toFixed(0)} | ${r.sqlStatements} | ${r.megabytesSent.toFixed(1)} | ${r.stallMs.toFixed(0)} | ${r.peakRssMb} |`,
    );
  }
  console.log("\nPeak RSS is the server's high-water mark since it started, so it covers the runs before it too.");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
