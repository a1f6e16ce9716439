import "reflect-metadata";
import { createPrismaClient, type Database } from "../../src/db/prisma";
import { startServer } from "../../src/server";
import { createTestDatabase, type DatasetScale, type TestDatabase } from "./test-database";

export interface TestServer {
  url: string;
  prisma: Database;
  database: TestDatabase;
  errors: unknown[];
  stop(): Promise<void>;
}

/** The real HTTP server on a free port over a fresh copy of the seeded database. */
export interface TestServerOptions {
  dataset?: DatasetScale;
  /** DataLoader batching; off gives the naive one-query-per-field resolvers. @default true */
  batching?: boolean;
  poolSize?: number;
}

export async function startTestServer({ dataset, batching = true, poolSize = 4 }: TestServerOptions = {}): Promise<TestServer> {
  const database = await createTestDatabase({ dataset });
  const prisma = createPrismaClient({ url: database.url, poolSize });
  const errors: unknown[] = [];
  const server = await startServer({
    config: { port: 0, host: "127.0.0.1", introspection: true, exposeSqlStatementCount: true, dataloaderBatching: batching },
    prisma,
    logger: { info: () => {}, error: (_message, error) => errors.push(error) },
  });
  return {
    url: server.url,
    prisma,
    database,
    errors,
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
  extensions?: { sqlStatements?: number };
}

/** POSTs an operation the way any GraphQL client does. */
export async function gql<Data = Record<string, unknown>>(url: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<Data>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse<Data>;
}
