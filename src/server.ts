import http from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import express from "express";
import type { Config } from "./config";
import type { Database } from "./db/prisma";
import { countSqlStatements, SqlStatementCounter } from "./db/sql-statement-counter";
import { createContext, type Context } from "./graphql/context";
import { createFormatError } from "./graphql/format-error";
import { buildGraphQLSchema } from "./graphql/schema";

export interface Logger {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface ServerOptions {
  config: Pick<Config, "port" | "host" | "introspection" | "exposeSqlStatementCount"> & Partial<Pick<Config, "dataloaderBatching">>;
  prisma: Database;
  logger: Logger;
}

export interface RunningServer {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql */
  url: string;
  stop(): Promise<void>;
}

type RequestContext = Context & { sqlStatements: SqlStatementCounter };

/** Builds and starts the HTTP server. Tests call it with port 0 and use the returned URL. */
export async function startServer({ config, prisma, logger }: ServerOptions): Promise<RunningServer> {
  const app = express();
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<RequestContext>({
    schema: await buildGraphQLSchema(),
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    formatError: createFormatError((error) => logger.error("Unexpected error while executing a request", error)),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Apollo's default landing page loads from a CDN; the service must work offline.
      ApolloServerPluginLandingPageDisabled(),
      // No HTTP caching hints are used; the plugin would otherwise run a hook on every field.
      ApolloServerPluginCacheControlDisabled(),
      ...(config.exposeSqlStatementCount ? [reportSqlStatements()] : []),
    ],
  });
  await apollo.start();

  app.disable("x-powered-by");
  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.use(
    "/graphql",
    // Every statement the request causes is counted against it.
    (_req, res, next) => countSqlStatements((res.locals.sqlStatements = new SqlStatementCounter()), () => next()),
    express.json({ limit: "1mb" }),
    expressMiddleware(apollo, {
      context: async ({ res }) => ({ ...createContext(prisma, { batching: config.dataloaderBatching ?? true }), sqlStatements: res.locals.sqlStatements as SqlStatementCounter }),
    }),
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(config.port, config.host, resolve);
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  return { url: `http://${host}:${port}/graphql`, stop: () => apollo.stop() };
}

function reportSqlStatements(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind === "single") {
            response.body.singleResult.extensions = {
              ...response.body.singleResult.extensions,
              sqlStatements: contextValue.sqlStatements.count,
            };
          }
        },
      };
    },
  };
}
