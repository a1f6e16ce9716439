/**
 * Response-cache benchmark: the chain operation repeated over HTTP against the API in its own
 * process with the cache off and on, beside a floor server (node:http and pg, one SQL statement
 * per request, nothing else), on an embedded PostgreSQL with the 1× data set.
 *
 *   npm run build && npx tsc -p bench/tsconfig.json && node dist-bench/bench/cache.js
 *   options: --concurrency N (default 8) --seconds N (a round, default 3) --rounds N (default 5)
 */
import "reflect-metadata";
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import os from "node:os";
import { parseArgs } from "node:util";
import { generateDataset } from "../src/dataset/generate";
import { createPrismaClient } from "../src/db/prisma";
import { freePort } from "../src/db/free-port";
import { seedReferenceData } from "../src/seed/seed";
import { INTRANET_OPERATIONS } from "./queries";
import { log, peakRssMb, percentile, prepareDatabase, startApi } from "./support";

const { values: options } = parseArgs({
  options: {
    concurrency: { type: "string", default: "8" },
    seconds: { type: "string", default: "3" },
    rounds: { type: "string", default: "5" },
  },
});
const concurrency = Number(options.concurrency);
const seconds = Number(options.seconds);
const roundCount = Number(options.rounds);

/**
 * The least a server answering over HTTP from PostgreSQL can do: parse the body, one statement,
 * JSON out; padded to PAD_TO bytes when set, so that it writes as much as the API does.
 */
const FLOOR_SERVER = `
const http = require("node:http");
const pg = require("pg");
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", async () => {
    JSON.parse(Buffer.concat(chunks).toString());
    const { rows } = await pool.query("SELECT name FROM region WHERE county_code = $1", ["22"]);
    const answer = JSON.stringify({ data: { region: rows[0] } });
    const padding = Math.max(0, Number(process.env.PAD_TO ?? 0) - answer.length - 14);
    const body = padding > 0 ? JSON.stringify({ data: { region: rows[0] }, padding: "x".repeat(padding) }) : answer;
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
}).listen(Number(process.env.PORT), "127.0.0.1");
`;

interface Result {
  server: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  cache: string;
  bytes: number;
  rss: string;
}

async function main(): Promise<void> {
  const chain = INTRANET_OPERATIONS.find((operation) => operation.name === "chain")!;
  const body = JSON.stringify({ query: chain.query });
  const database = await prepareDatabase(
    "embedded",
    { namePrefix: "kg_bench_cache", steps: "migrate, seed, data set ×1" },
    async (url) => {
      const prisma = createPrismaClient({ url, poolSize: 2 });
      await seedReferenceData(prisma);
      await generateDataset(prisma, { scale: 1 });
      await prisma.$disconnect();
      return {};
    },
  );
  const servers: { name: string; url: string; process: ChildProcess; stop(): Promise<void> }[] = [];
  const rounds: Record<string, Omit<Result, "server" | "rss">[]> = {};
  try {
    for (const cache of ["off", "on"]) {
      const api = await startApi(database.url, {
        RESPONSE_CACHE: cache,
        EXPOSE_SQL_STATEMENT_COUNT: "false",
        RATE_LIMIT_ANONYMOUS_REQUESTS: "10000000",
        RATE_LIMIT_ANONYMOUS_COST: "1000000000",
        LOG_LEVEL: "warn",
      });
      servers.push({ name: `API, cache ${cache}`, ...api });
    }
    const apiBytes = (await post(servers[0]!.url, body)).bytes;
    for (const padTo of [0, apiBytes]) {
      const port = await freePort();
      const floor = spawn(process.execPath, ["-e", FLOOR_SERVER], {
        env: { ...process.env, DATABASE_URL: database.url, PORT: String(port), PAD_TO: String(padTo) },
        stdio: ["ignore", "ignore", "inherit"],
      });
      servers.push({
        name: `floor (node:http + pg, 1 statement${padTo ? ", as many bytes as the API" : ""})`,
        url: `http://127.0.0.1:${port}/`,
        process: floor,
        stop: async () => void floor.kill("SIGTERM"),
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // The machine may be shared: the servers take turns, round after round, so that a busy moment
    // weighs on all of them alike, and each is reported by its median round.
    for (let round = 0; round < roundCount; round++)
      for (const server of servers) (rounds[server.name] ??= []).push(await measure(server.url, body));
    const results: Result[] = [];
    for (const server of servers) {
      const measured = [...rounds[server.name]!].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
      results.push({
        server: server.name,
        ...measured[Math.floor(measured.length / 2)]!,
        rss: await peakRssMb(server.process),
      });
    }
    const cached = rounds["API, cache on"]!;
    const floors = rounds[servers[3]!.name]!;
    const ratios = cached.map((r, i) => r.requestsPerSecond / floors[i]!.requestsPerSecond).sort((a, b) => a - b);
    console.log(
      `\n${new Date().toISOString().slice(0, 10)} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"} · Node ${process.version} · load average ${os.loadavg()[0]!.toFixed(1)} · chain, ${concurrency} concurrent clients, ${roundCount} rounds of ${seconds} s\n`,
    );
    console.log("| server | req/s (median round) | p50 ms | p99 ms | x-cache | response bytes | peak RSS MB |");
    console.log("|---|---:|---:|---:|---|---:|---:|");
    for (const r of results)
      console.log(
        `| ${r.server} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.cache} | ${r.bytes} | ${r.rss} |`,
      );
    console.log(
      `\ncached ÷ floor of the same size, per round: ${ratios.map((ratio) => ratio.toFixed(2)).join(", ")} (median ${ratios[Math.floor(ratios.length / 2)]!.toFixed(2)})`,
    );
  } finally {
    for (const server of servers) await server.stop();
    await database.stop();
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function post(url: string, body: string): Promise<{ status: number; cache: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (response) => {
        let bytes = 0;
        response.on("data", (chunk: Buffer) => (bytes += chunk.length));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, cache: String(response.headers["x-cache"] ?? "-"), bytes }),
        );
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

async function measure(url: string, body: string) {
  for (let i = 0; i < 20; i++) await post(url, body);
  const sample = await post(url, body);
  if (sample.status !== 200) throw new Error(`${url} answered ${sample.status}`);
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const sent = performance.now();
        await post(url, body);
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  log(`${url}: ${(latencies.length / elapsed).toFixed(0)} req/s`);
  return {
    requestsPerSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cache: sample.cache,
    bytes: sample.bytes,
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
