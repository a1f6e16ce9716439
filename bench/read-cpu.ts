/**
 * Server CPU per request: the intranet operations sent one after another by a few clients to the
 * API in its own process, on an embedded PostgreSQL with the generated data set; the API's user +
 * system CPU time (from /proc) over N requests, divided by N. PostgreSQL's CPU is not included.
 * Wall-clock speed is `npm run bench`'s business; this isolates what the Node process spends.
 *
 *   npx tsx bench/read-cpu.ts                      # every intranet operation
 *   options: --only chain,region-lpo-members --requests N (default 1500) --concurrency N (default 4)
 *            --scale N (data set, default 1)
 *            --variant 'name:KEY=value KEY=value' (repeatable: the API once per variant, with that environment,
 *            on the same database; e.g. --variant base: --variant 'semi64:NODE_OPTIONS=--max-semi-space-size=64')
 *   the server is dist/main.js as built (npm run build)
 */
import "reflect-metadata";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { generateDataset } from "../src/dataset/generate";
import { createPrismaClient } from "../src/db/prisma";
import { seedReferenceData } from "../src/seed/seed";
import { INTRANET_OPERATIONS, type Operation } from "./queries";
import { log, prepareDatabase, startApi } from "./support";

const { values: options } = parseArgs({
  options: {
    only: { type: "string" },
    requests: { type: "string", default: "1500" },
    concurrency: { type: "string", default: "4" },
    scale: { type: "string", default: "1" },
    variant: { type: "string", multiple: true },
  },
});
const requests = Number(options.requests);
const concurrency = Number(options.concurrency);
const scale = Number(options.scale);
const only = options.only?.split(",");

/** The process's user + system CPU time in milliseconds, from /proc/<pid>/stat (Linux only). */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) start at state; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticksPerSecond = 100;
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

async function post(url: string, operation: Operation): Promise<number> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: operation.query, variables: operation.variables }),
  });
  const body = (await response.json()) as { errors?: unknown[]; extensions?: { sqlStatements?: number } };
  if (body.errors) throw new Error(`${operation.name} failed: ${JSON.stringify(body.errors)}`);
  return body.extensions?.sqlStatements ?? -1;
}

async function send(url: string, operation: Operation, count: number): Promise<void> {
  let left = count;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) await post(url, operation);
    }),
  );
}

async function main(): Promise<void> {
  const database = await prepareDatabase(
    "embedded",
    { namePrefix: "kg_bench_cpu", steps: `migrate, seed, data set ×${scale}` },
    async (url) => {
      const prisma = createPrismaClient({ url, poolSize: 2 });
      await seedReferenceData(prisma);
      await generateDataset(prisma, { scale });
      await prisma.$disconnect();
      return {};
    },
  );
  const rows: string[] = [];
  const variants = (options.variant ?? ["default:"]).map((spec) => {
    const [name = "", settings = ""] = spec.split(/:(.*)/s);
    const env = Object.fromEntries(
      settings
        .split(" ")
        .filter(Boolean)
        .map((setting) => setting.split(/=(.*)/s).slice(0, 2) as [string, string]),
    );
    return { name, env };
  });
  try {
    for (const variant of variants) await measureVariant(database.url, variant, rows);
  } finally {
    await database.stop();
  }
  console.log(
    `\nNode ${process.version} · data set ×${scale} · ${requests} requests × operation · ${concurrency} clients\n`,
  );
  console.log("| variant | operation | server CPU ms/request | req/s | SQL/request |");
  console.log("|---|---|---:|---:|---:|");
  for (const row of rows) console.log(row);
}

async function measureVariant(
  databaseUrl: string,
  variant: { name: string; env: Record<string, string> },
  rows: string[],
): Promise<void> {
  const server = await startApi(databaseUrl, {
    RATE_LIMIT_ANONYMOUS_REQUESTS: "10000000",
    RATE_LIMIT_ANONYMOUS_COST: "1000000000",
    ...variant.env,
  });
  try {
    const pid = server.process.pid;
    if (pid === undefined) throw new Error("The API process has no pid");
    for (const operation of INTRANET_OPERATIONS.filter((op) => !only || only.includes(op.name))) {
      await send(server.url, operation, Math.max(100, requests / 5));
      const sqlStatements = await post(server.url, operation);
      const before = await cpuMs(pid);
      const start = performance.now();
      await send(server.url, operation, requests);
      const elapsed = performance.now() - start;
      const perRequest = ((await cpuMs(pid)) - before) / requests;
      log(`${variant.name} ${operation.name}: ${perRequest.toFixed(2)} ms CPU/request, ${sqlStatements} SQL`);
      rows.push(
        `| ${variant.name} | ${operation.name} | ${perRequest.toFixed(2)} | ${((requests * 1000) / elapsed).toFixed(0)} | ${sqlStatements} |`,
      );
    }
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
