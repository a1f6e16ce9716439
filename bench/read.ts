/**
 * Read benchmark: the intranet operations over HTTP, with concurrency, against the API on an
 * embedded and an external PostgreSQL, with DataLoader batching on and off (the naive
 * one-query-per-field resolvers). Prints requests/s, p50/p99 latency, SQL statements per
 * request and the server's peak memory.
 *
 *   npm run bench                     # both databases
 *   npm run bench -- --only embedded  # or: external
 *   options: --scale N (data set, default 1) --concurrency N (default 8) --seconds N (default 5)
 *   the external server is DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres
 */
import "reflect-metadata";
import os from "node:os";
import { parseArgs } from "node:util";
import { generateDataset } from "../src/dataset/generate";
import { createPrismaClient } from "../src/db/prisma";
import { seedReferenceData } from "../src/seed/seed";
import { INTRANET_OPERATIONS, type Operation } from "./queries";
import {
  log,
  peakRssMb,
  prepareDatabase,
  selectTargets,
  startApi,
  type ApiProcess,
  type BenchDatabase,
  type Target,
} from "./support";

interface Measurement {
  target: string;
  loaders: "on" | "off";
  operation: string;
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  sqlStatements: number;
}

const { values: options } = parseArgs({
  options: {
    only: { type: "string" },
    scale: { type: "string", default: "1" },
    concurrency: { type: "string", default: "8" },
    seconds: { type: "string", default: "5" },
  },
});
const scale = Number(options.scale);
const concurrency = Number(options.concurrency);
const seconds = Number(options.seconds);

async function main(): Promise<void> {
  const targets = selectTargets(options.only);
  const results: Measurement[] = [];
  const memory: string[] = [];
  for (const target of targets) {
    const database = await prepareReadDatabase(target);
    try {
      for (const batching of [true, false]) {
        const server = await startReadApi(database.url, batching);
        try {
          for (const operation of INTRANET_OPERATIONS) {
            const measurement = await measure(server.url, operation, batching ? seconds : Math.max(2, seconds / 2));
            results.push({ target, loaders: batching ? "on" : "off", ...measurement });
            log(
              `${target} loaders ${batching ? "on " : "off"} ${operation.name}: ${measurement.requestsPerSecond.toFixed(0)} req/s, p50 ${measurement.p50.toFixed(1)} ms, p99 ${measurement.p99.toFixed(1)} ms, ${measurement.sqlStatements} SQL`,
            );
          }
          memory.push(
            `${target}, loaders ${batching ? "on" : "off"}: server peak RSS ${await peakRssMb(server.process)} MB`,
          );
        } finally {
          await server.stop();
        }
      }
    } finally {
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

/** The API with DataLoader batching on or off. */
function startReadApi(databaseUrl: string, batching: boolean): Promise<ApiProcess> {
  return startApi(databaseUrl, {
    DATALOADER_BATCHING: String(batching),
    // The load generator is one anonymous client far above any sensible per-address limit.
    RATE_LIMIT_ANONYMOUS_REQUESTS: "10000000",
  });
}

async function post(url: string, operation: Operation): Promise<{ sqlStatements: number }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: operation.query, variables: operation.variables }),
  });
  const body = (await response.json()) as { errors?: unknown[]; extensions?: { sqlStatements?: number } };
  if (body.errors) throw new Error(`${operation.name} failed: ${JSON.stringify(body.errors)}`);
  return { sqlStatements: body.extensions?.sqlStatements ?? -1 };
}

async function measure(url: string, operation: Operation, durationSeconds: number) {
  for (let i = 0; i < 10; i++) await post(url, operation);
  const { sqlStatements } = await post(url, operation);
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + durationSeconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const sent = performance.now();
        await post(url, operation);
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  return {
    operation: operation.name,
    requests: latencies.length,
    requestsPerSecond: latencies.length / elapsed,
    p50: percentile(50),
    p99: percentile(99),
    sqlStatements,
  };
}

function printReport(results: Measurement[], memory: string[]): void {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(
    `\n${new Date().toISOString().slice(0, 10)} · ${os.cpus().length} × ${cpu} · ${Math.round(os.totalmem() / 2 ** 30)} GiB · Node ${process.version} · data set ×${scale} · ${concurrency} concurrent clients\n`,
  );
  console.log("| database | loaders | operation | req/s | p50 ms | p99 ms | SQL/request |");
  console.log("|---|---|---|---:|---:|---:|---:|");
  for (const r of results) {
    console.log(
      `| ${r.target} | ${r.loaders} | ${r.operation} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.sqlStatements} |`,
    );
  }
  console.log("");
  for (const line of memory) console.log(`- ${line}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
