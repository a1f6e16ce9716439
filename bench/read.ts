/**
 * Read benchmark: the intranet operations of bench/queries.ts over HTTP, with concurrency, on an
 * embedded and an external PostgreSQL, against three servers running side by side:
 *
 *   floor     bench/floor.ts: node:http + pg, one hand-written SQL statement per operation
 *             building the answer as JSON in PostgreSQL; its answer is checked equal to the API's
 *   uncached  the API (`node dist/main.js`) with RESPONSE_CACHE=off
 *   cached    the API with RESPONSE_CACHE=on, asked the same request again and again
 *
 * For each operation, rounds of floor / uncached / cached alternate (so drift on a shared machine
 * hits all three alike) and each figure is the median over the rounds: requests/s, p50/p99
 * latency, the server's CPU ms per request (/proc/<pid>/stat), PostgreSQL's CPU ms per request
 * (the embedded cluster's processes, or the external server's backends of the benchmark
 * database), SQL statements per request, and each server's peak RSS; ratios are to the floor.
 *
 *   npm run bench                     # both databases
 *   npm run bench -- --only embedded  # or: external
 *   options: --scale N (data set, default 1) --concurrency N (default 8) --seconds N (per round,
 *   default 2) --rounds N (default 3) --operations chain,search (default all)
 *   the external server is DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres
 */
import "reflect-metadata";
import { spawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { isDeepStrictEqual, parseArgs } from "node:util";
import { generateDataset } from "../src/dataset/generate";
import { createPrismaClient } from "../src/db/prisma";
import { seedReferenceData } from "../src/seed/seed";
import { INTRANET_OPERATIONS, type Operation } from "./queries";
import {
  cpuSpent,
  log,
  peakRssMb,
  percentile,
  prepareDatabase,
  processCpuMs,
  selectTargets,
  startApi,
  type BenchDatabase,
  type Target,
} from "./support";

const VARIANTS = ["floor", "uncached", "cached"] as const;
type Variant = (typeof VARIANTS)[number];

interface Server {
  variant: Variant;
  process: ChildProcess;
  /** Where an operation is POSTed. */
  endpoint(operation: Operation): string;
  /** The request body for an operation. */
  body(operation: Operation): string;
  stop(): Promise<void>;
}

interface Round {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  serverCpuMs: number | undefined;
  postgresCpuMs: number | undefined;
}

interface Measurement extends Round {
  target: Target;
  operation: string;
  variant: Variant;
  sqlStatements: number;
}

const { values: options } = parseArgs({
  options: {
    only: { type: "string" },
    scale: { type: "string", default: "1" },
    concurrency: { type: "string", default: "8" },
    seconds: { type: "string", default: "2" },
    rounds: { type: "string", default: "3" },
    operations: { type: "string" },
  },
});
const scale = Number(options.scale);
const concurrency = Number(options.concurrency);
const seconds = Number(options.seconds);
const rounds = Number(options.rounds);
const operations = options.operations
  ? INTRANET_OPERATIONS.filter((operation) => options.operations!.split(",").includes(operation.name))
  : INTRANET_OPERATIONS;

async function main(): Promise<void> {
  const results: Measurement[] = [];
  const memory: string[] = [];
  for (const target of selectTargets(options.only)) {
    const database = await prepareReadDatabase(target);
    const servers: Server[] = [];
    try {
      servers.push(await startFloorServer(database.url));
      servers.push(await startApiServer(database.url, "uncached"));
      servers.push(await startApiServer(database.url, "cached"));
      for (const operation of operations) {
        const sqlStatements = await checkAnswers(servers, operation);
        const byVariant = new Map<Variant, Round[]>(VARIANTS.map((variant) => [variant, []]));
        for (let round = 0; round < rounds; round++)
          for (const server of servers) byVariant.get(server.variant)!.push(await measure(server, operation, database));
        for (const variant of VARIANTS) {
          const result = {
            target,
            operation: operation.name,
            variant,
            sqlStatements: sqlStatements.get(variant)!,
            ...medianOf(byVariant.get(variant)!),
          };
          results.push(result);
          log(
            `${target} ${operation.name} ${variant}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, server CPU ${ms(result.serverCpuMs)} ms, PostgreSQL CPU ${ms(result.postgresCpuMs)} ms, ${result.sqlStatements} SQL`,
          );
        }
      }
      for (const server of servers)
        memory.push(`${target}, ${server.variant}: peak RSS ${await peakRssMb(server.process)} MB`);
    } finally {
      for (const server of servers) await server.stop();
      await database.stop();
    }
  }
  printReport(results, memory);
}

/** A new database, migrated and seeded, with the generated data set at --scale. */
function prepareReadDatabase(target: Target): Promise<BenchDatabase> {
  return prepareDatabase(
    target,
    { namePrefix: "kg_bench", steps: `migrate, seed, data set ×${scale}` },
    async (url) => {
      const prisma = createPrismaClient({ url, poolSize: 2 });
      await seedReferenceData(prisma);
      const summary = await generateDataset(prisma, { scale });
      await prisma.$disconnect();
      log(`${target}: ${summary.memberships} memberships, ${summary.people} people`);
      return {};
    },
  );
}

/** The API with its response cache off (uncached) or on (cached). */
async function startApiServer(databaseUrl: string, variant: "uncached" | "cached"): Promise<Server> {
  const api = await startApi(databaseUrl, {
    RESPONSE_CACHE: variant === "cached" ? "on" : "off",
    // The load generator is one anonymous client far above any sensible per-address limit.
    RATE_LIMIT_ANONYMOUS_REQUESTS: "10000000",
    RATE_LIMIT_ANONYMOUS_COST: "1000000000",
  });
  return {
    variant,
    process: api.process,
    endpoint: () => api.url,
    body: (operation) => JSON.stringify({ query: operation.query, variables: operation.variables }),
    stop: api.stop,
  };
}

/** The floor in its own process (so its CPU is its own), with the API's pool size. */
async function startFloorServer(databaseUrl: string): Promise<Server> {
  const child = spawn(process.execPath, [path.join(__dirname, "floor.js"), databaseUrl, "10"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`The floor exited (${code})`)));
  });
  return {
    variant: "floor",
    process: child,
    endpoint: (operation) => `${url}/${operation.name}`,
    body: () => "{}",
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

async function post(server: Server, operation: Operation): Promise<{ data: unknown; sqlStatements: number }> {
  const response = await fetch(server.endpoint(operation), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: server.body(operation),
  });
  const body = (await response.json()) as {
    data?: unknown;
    errors?: unknown[];
    extensions?: { sqlStatements?: number };
  };
  if (body.errors || !response.ok)
    throw new Error(`${server.variant} ${operation.name} failed: ${JSON.stringify(body.errors ?? response.status)}`);
  return { data: body.data, sqlStatements: body.extensions?.sqlStatements ?? -1 };
}

/**
 * Every server gives the same answer (the floor's equal to the API's `data`, lists in the same
 * order), before anything is timed; returns each server's SQL statements per request. The cached
 * API is asked twice, so its count is that of a repeated request.
 */
async function checkAnswers(servers: Server[], operation: Operation): Promise<Map<Variant, number>> {
  const counts = new Map<Variant, number>();
  const answers = new Map<Variant, unknown>();
  for (const server of servers) {
    const first = await post(server, operation);
    const repeated = await post(server, operation);
    answers.set(server.variant, first.data);
    counts.set(server.variant, repeated.sqlStatements);
    if (!isDeepStrictEqual(first.data, repeated.data))
      throw new Error(`${server.variant} answers ${operation.name} differently when asked again`);
  }
  const floor = answers.get("floor");
  for (const [variant, answer] of answers)
    if (!isDeepStrictEqual(answer, floor))
      throw new Error(
        `The floor's answer to ${operation.name} differs from ${variant}'s:\nfloor: ${JSON.stringify(floor)}\n${variant}: ${JSON.stringify(answer)}`,
      );
  log(`${operation.name}: the floor's answer equals the API's`);
  return counts;
}

/** One round: `concurrency` clients sending the operation for --seconds after a warm-up. */
async function measure(server: Server, operation: Operation, database: BenchDatabase): Promise<Round> {
  for (let i = 0; i < 10; i++) await post(server, operation);
  const latencies: number[] = [];
  const [serverBefore, postgresBefore] = await Promise.all([processCpuMs(server.process.pid!), database.postgresCpu()]);
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const sent = performance.now();
        await post(server, operation);
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  const [serverAfter, postgresAfter] = await Promise.all([processCpuMs(server.process.pid!), database.postgresCpu()]);
  latencies.sort((a, b) => a - b);
  const perRequest = (spent: number | undefined) => (spent === undefined ? undefined : spent / latencies.length);
  return {
    requestsPerSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    serverCpuMs: perRequest(
      serverBefore === undefined || serverAfter === undefined ? undefined : serverAfter - serverBefore,
    ),
    postgresCpuMs: perRequest(cpuSpent(postgresBefore, postgresAfter)),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Each figure's median over the rounds. */
function medianOf(measured: Round[]): Round {
  const of = (pick: (round: Round) => number | undefined) => {
    const values = measured.map(pick);
    return values.every((value): value is number => value !== undefined) ? median(values) : undefined;
  };
  return {
    requestsPerSecond: of((round) => round.requestsPerSecond)!,
    p50: of((round) => round.p50)!,
    p99: of((round) => round.p99)!,
    serverCpuMs: of((round) => round.serverCpuMs),
    postgresCpuMs: of((round) => round.postgresCpuMs),
  };
}

function ms(value: number | undefined): string {
  return value === undefined ? "?" : value.toFixed(2);
}

function ratio(value: number | undefined, floor: number | undefined): string {
  return value === undefined || floor === undefined || floor === 0 ? "?" : `${(value / floor).toFixed(1)}×`;
}

function printReport(results: Measurement[], memory: string[]): void {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(
    `\n${new Date().toISOString().slice(0, 10)} · ${os.cpus().length} × ${cpu} · ${Math.round(os.totalmem() / 2 ** 30)} GiB · Node ${process.version} · data set ×${scale} · ${concurrency} concurrent clients · ${rounds} rounds of ${seconds} s, medians\n`,
  );
  console.log(
    "| database | operation | server | req/s | p50 ms | p99 ms | server CPU ms/req | PostgreSQL CPU ms/req | SQL/req | req/s ÷ floor | CPU ÷ floor |",
  );
  console.log("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of results) {
    const floor = results.find((f) => f.target === r.target && f.operation === r.operation && f.variant === "floor")!;
    const total = (m: Measurement) =>
      m.serverCpuMs === undefined || m.postgresCpuMs === undefined ? undefined : m.serverCpuMs + m.postgresCpuMs;
    console.log(
      `| ${r.target} | ${r.operation} | ${r.variant} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${ms(r.serverCpuMs)} | ${ms(r.postgresCpuMs)} | ${r.sqlStatements} | ${ratio(r.requestsPerSecond, floor.requestsPerSecond)} | ${ratio(total(r), total(floor))} |`,
    );
  }
  console.log("\nCPU ÷ floor: (server + PostgreSQL) CPU per request over the floor's.");
  for (const line of memory) console.log(`- ${line}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
