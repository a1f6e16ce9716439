import "reflect-metadata";
import pino from "pino";
import { createPrismaClient, type Database } from "../../src/db/prisma";
import { startServer } from "../../src/server";
import type { Config } from "../../src/config";
import type { ModuleDescriptor } from "../../src/graphql/module";
import { createApiKey } from "../../src/access/api-keys";
import { createTestDatabase, type DatasetScale, type TestDatabase } from "./test-database";

export interface TestServer {
  url: string;
  metricsUrl: string;
  prisma: Database;
  database: TestDatabase;
  /** Errors the server logged. */
  errors: unknown[];
  /** Every log line the server wrote, parsed. */
  logs: Record<string, unknown>[];
  /** Headers carrying a new API key with these scopes. */
  keyHeaders(scopes: string[], name?: string): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/** The real HTTP server on a free port over a fresh copy of the seeded database. */
export interface TestServerOptions {
  dataset?: DatasetScale;
  /** DataLoader batching; off gives the naive one-query-per-field resolvers. @default true */
  batching?: boolean;
  poolSize?: number;
  /** Settings beyond the test defaults (rate limits high enough not to interfere, unless set here). */
  config?: Partial<Config>;
  /** The modules to serve; the API's own unless given (a test module added to them, say). */
  modules?: readonly ModuleDescriptor[];
}

/**
 * A test server's settings: any free port, statement counts shown, rate limits high enough not to
 * interfere, and no response cache, so that every request executes and its statement count means
 * what it says (tests/response-cache.test.ts turns the cache on).
 */
export const TEST_SERVER_CONFIG: Partial<Config> = {
  port: 0,
  responseCache: { enabled: false, maxBytes: 64 * 1024 * 1024 },
  host: "127.0.0.1",
  introspection: true,
  exposeSqlStatementCount: true,
  rateLimit: {
    windowSeconds: 60,
    keyRequests: 1_000_000,
    anonymousRequests: 1_000_000,
    keyCost: 1_000_000_000,
    anonymousCost: 1_000_000_000,
    redisUrl: undefined,
    redisPrefix: "kunskapsgraf-test",
  },
};

let keys = 0;

export async function startTestServer({
  dataset,
  batching = true,
  poolSize = 4,
  config = {},
  modules,
}: TestServerOptions = {}): Promise<TestServer> {
  const database = await createTestDatabase({ dataset });
  const prisma = createPrismaClient({ url: database.url, poolSize });
  const logs: Record<string, unknown>[] = [];
  const errors: unknown[] = [];
  const logger = pino(
    { level: "info" },
    {
      write(line: string) {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (typeof entry.level === "number" && entry.level >= 50) errors.push(entry.err);
      },
    },
  );
  const server = await startServer({
    config: { ...TEST_SERVER_CONFIG, dataloaderBatching: batching, ...config },
    prisma,
    logger,
    modules,
  });
  return {
    url: server.url,
    metricsUrl: server.metricsUrl,
    prisma,
    database,
    errors,
    logs,
    async keyHeaders(scopes, name = `test-${scopes.join("-").replace(/[^a-z0-9]+/g, "-")}-${++keys}`) {
      const { key } = await createApiKey(prisma, { name, scopes });
      return { authorization: `Bearer ${key}` };
    },
    async stop() {
      await server.stop();
      await prisma.$disconnect();
      await database.drop();
    },
  };
}

export interface GraphQLResponse<Data = Record<string, unknown>> {
  data?: Data | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  extensions?: { sqlStatements?: number; cost?: Record<string, number> };
}

/** POSTs an operation the way any GraphQL client does. */
export async function gql<Data = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<Data>> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/graphql-response+json, application/json",
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse<Data>;
}

/** The slugs of a region's LPOs, in slug order. */
export async function lpoSlugs(prisma: Database, countyCode: string): Promise<string[]> {
  const groups = await prisma.group.findMany({
    where: { countyCode, kind: "LPO" },
    orderBy: { slug: "asc" },
    select: { slug: true },
  });
  return groups.map((group) => group.slug);
}
