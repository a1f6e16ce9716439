import "reflect-metadata";
import http from "node:http";
import { isUtf8 } from "node:buffer";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import express from "express";
import cors from "cors";
import { loadConfig, type Config } from "./config";
import { PROJECT_ROOT } from "./db/migrate";
import { poolOf, type Database } from "./db/prisma";
import { countSqlStatements, SqlStatementCounter } from "./db/sql-statement-counter";
import { createContext, type Context } from "./graphql/context";
import { ErrorCode, GraphQLErrorWithCode } from "./graphql/errors";
import { createFormatError } from "./graphql/format-error";
import { MaskedInternalError, RETRY_AFTER_SECONDS, ServiceUnavailableError } from "./graphql/service-unavailable";
import { isDatabaseUnavailable } from "./db/errors";
import { buildGraphQLSchema } from "./graphql/schema";
import type { ModuleDescriptor } from "./graphql/module";
import { MODULES, registryOf } from "./app";
import type { Logger } from "./observability/logger";
import type { RequestTrace, Tracing } from "./observability/tracing";
import { Metrics } from "./observability/metrics";
import { createReadinessCheck } from "./observability/readiness";
import { requestIdOf } from "./observability/request-id";
import { authenticate } from "./access/api-keys";
import { createRateLimiter, rateLimitHeaders, type RateLimitState } from "./access/rate-limit";
import { mayRead } from "./access/authorize";
import { armorProtection, costLimitPlugin, executionTimeoutPlugin } from "./graphql/limits";
import { requestGuards, SupportedOperationTypesRule } from "./graphql/request-guards";
import type { Scope } from "./access/scopes";
import type { Caller } from "./access/caller";
import { GraphQLError } from "graphql";
import { DataVersion } from "./db/data-version";
import { CallerPositions } from "./db/caller-positions";
import { ReadReplicas } from "./db/read-replicas";
import { loaderFactory } from "./graphql/loader";
import { MIN_POSITION_HEADER, readRouting, requiredPosition } from "./graphql/read-routing";
import { exportRouter } from "./export-http/router";
import { earlyBodyProblem, ResponseCache, type CacheAware, type CacheSlot } from "./graphql/response-cache";
import { createPersistedQueryCache } from "./graphql/persisted-queries";
import {
  loadTrustedDocuments,
  trustedDocumentRefusal,
  trustedDocumentsMiddleware,
  type TrustedDocumentVerdict,
} from "./graphql/trusted-documents";

export type { Logger };

export interface ServerOptions {
  /** Settings left out take their defaults (see src/config.ts). */
  config: Partial<Config>;
  prisma: Database;
  logger: Logger;
  /** The modules to serve; the API's own (src/app/modules.ts) unless given. */
  modules?: readonly ModuleDescriptor[];
  /** OpenTelemetry, when an OTLP endpoint is configured (src/main.ts starts it); no spans without. */
  tracing?: Tracing;
}

export interface RunningServer {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql */
  url: string;
  /** Where Prometheus scrapes: on the API's port, or on METRICS_PORT when set. */
  metricsUrl: string;
  /** Stops accepting connections, lets in-flight requests finish within the grace period, then closes the rest. */
  stop(): Promise<void>;
}

type RequestContext = Context &
  CacheAware & {
    sqlStatements: SqlStatementCounter;
    requestId: string;
    trace?: RequestTrace;
    cost?: number;
    clientAddress: string;
  };

/** Authentication and the rate limit, done once per request: the caller, or why it was refused. */
type Admission = { caller: Caller; refused: false } | { caller: Caller | undefined; refused: true; error: unknown };

const GRAPHIQL_DIR = path.join(PROJECT_ROOT, "dist", "graphiql");

/** Builds and starts the HTTP server. Tests call it with port 0 and use the returned URL. */
export async function startServer({
  config: given,
  prisma,
  logger,
  modules = MODULES,
  tracing,
}: ServerOptions): Promise<RunningServer> {
  const registry = registryOf(modules);
  const config: Config = { ...loadConfig({}), ...given };
  const app = express();
  // Only the proxies named (or the given number of hops) may tell the client's address.
  app.set("trust proxy", Array.isArray(config.trustProxy) ? [...config.trustProxy] : config.trustProxy);
  // Read first: a missing or wrong manifest stops the start before anything is opened.
  const trustedDocuments =
    config.trustedDocuments.mode === "off"
      ? new Map<string, string>()
      : loadTrustedDocuments(config.trustedDocuments.file);
  const armor = armorProtection({ ...config.queryLimits, blockFieldSuggestions: config.environment === "production" });
  const rateLimiter = createRateLimiter(config.rateLimit);
  const persistedQueryCache = config.persistedQueries.enabled
    ? createPersistedQueryCache({
        maxBytes: config.persistedQueries.maxBytes,
        redisUrl: config.rateLimit.redisUrl,
        redisPrefix: config.rateLimit.redisPrefix,
      })
    : undefined;
  const metrics = new Metrics(poolOf(prisma), config.metrics.operationNames);
  const anonymousScopes: Scope[] = config.anonymousAccess === "none" ? [] : ["read"];
  const admission = (req: express.Request, res: express.Response): Promise<Admission> =>
    ((res.locals.admission as Promise<Admission> | undefined) ??= admit(req));
  const admit = async (req: express.Request): Promise<Admission> => {
    let caller: Caller | undefined;
    try {
      caller = await authenticate(prisma, req.header("authorization"), anonymousScopes);
      await rateLimiter.consume(caller, req.ip ?? "unknown");
      return { caller, refused: false };
    } catch (error) {
      return { caller, refused: true, error };
    }
  };
  const dataVersion = config.responseCache.enabled ? await followDataVersion(prisma, logger) : undefined;
  const readReplicas =
    config.databaseReadUrls.length > 0 ? await startReadReplicas(config, prisma, logger, dataVersion) : undefined;
  const callerPositions = readReplicas
    ? new CallerPositions(config.rateLimit.redisUrl, `${config.rateLimit.redisPrefix}:lsn:`)
    : undefined;
  if (readReplicas) metrics.observeReplicas(() => readReplicas.status());
  const readiness = createReadinessCheck(prisma, readReplicas && (() => readReplicas.status()));
  const loaderOptions = {
    batching: config.dataloaderBatching ?? true,
    onBatch: (size: number) => metrics.batchSize.observe(size),
  };
  const responseCache =
    dataVersion &&
    new ResponseCache({
      dataVersion,
      maxBytes: config.responseCache.maxBytes,
      metrics,
      logger,
      exposeSqlStatementCount: config.exposeSqlStatementCount,
      spend: (req, caller, cost) => spendOrUndefined(rateLimiter.spend(caller, req.ip ?? "unknown", cost)),
      ...(readReplicas && callerPositions
        ? {
            freshness: {
              covered: () => readReplicas.coveredPosition(dataVersion.current),
              required: (req, caller) => {
                const sent = req.headers[MIN_POSITION_HEADER];
                return requiredPosition(typeof sent === "string" ? sent : undefined, caller, callerPositions);
              },
            },
          }
        : {}),
    });
  const cachedAdmission = async (req: express.Request, res: express.Response): Promise<Caller | undefined> => {
    const admitted = await admission(req, res);
    return admitted.refused ? undefined : admitted.caller;
  };
  // Anonymous hits are answered before Express (see ResponseCache.front).
  const httpServer = http.createServer(
    responseCache
      ? responseCache.front(app, cachedAdmission, {
          corsEnabled: config.corsOrigins.length > 0,
          bodyLimitBytes: config.requestBodyLimitBytes,
        })
      : app,
  );
  const schema = await buildGraphQLSchema(modules);
  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    // Every request must be one a browser preflights: a content type a form cannot send
    // (application/json), or a non-empty `apollo-require-preflight` or `x-apollo-operation-name`
    // header; else 400 before anything runs. Keys travel in a header no browser adds by itself, so
    // this is not about stolen credentials: anonymous reads need none, and a page on another site
    // could make its visitors' browsers run and time queries from their network position (an
    // intranet that reaches this API). GET never runs mutations, but it reads.
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // Automatic persisted queries (APQ), in memory or shared through Redis; off with PERSISTED_QUERIES=off.
    persistedQueries: persistedQueryCache
      ? { cache: persistedQueryCache, ttl: config.persistedQueries.ttlSeconds }
      : false,
    parseOptions: { maxTokens: config.queryLimits.maxTokens },
    validationRules: [...armor.validationRules, SupportedOperationTypesRule],
    formatError: createFormatError(
      (error) => logger.error({ err: error }, "Unexpected error while executing a request"),
      config.queryLimits.maxTokens,
    ),
    plugins: [
      ...armor.plugins,
      costLimitPlugin<RequestContext>(config.queryLimits.maxCost, async (context, cost) => {
        context.rateLimit = await rateLimiter.spend(context.caller, context.clientAddress, cost);
      }),
      reportRateLimit(),
      executionTimeoutPlugin<RequestContext>(config.executionTimeoutMs),
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownGraceMs ?? 10_000 }),
      // Apollo's default landing page loads from a CDN; the service must work offline.
      ApolloServerPluginLandingPageDisabled(),
      // No HTTP caching hints are used; the plugin would otherwise run a hook on every field.
      ApolloServerPluginCacheControlDisabled(),
      requireReadAccess(),
      requestGuards<RequestContext>(),
      ...(responseCache ? [responseCache.plugin<RequestContext>()] : []),
      ...(readReplicas && callerPositions
        ? [
            readRouting<RequestContext>({
              replicas: readReplicas,
              positions: callerPositions,
              rebind: (context, client) => {
                context.prisma = client;
                context.loaders = registry.createLoaders(
                  client,
                  loaderFactory({
                    ...loaderOptions,
                    ...(context.trace ? { traceBatch: context.trace.batch.bind(context.trace) } : {}),
                  }),
                );
              },
              routed: (target, reason) => metrics.readRouting.inc({ target, reason }),
            }),
          ]
        : []),
      ...(tracing ? [traceRequests()] : []),
      observeRequests(metrics, logger, config.exposeSqlStatementCount),
    ],
  });
  await apollo.start();
  const background = modules.flatMap((module) => (module.background ? [module.background({ prisma, logger })] : []));

  app.disable("x-powered-by");
  // The root leads to GraphiQL (a browser asking /graphql for HTML gets the IDE).
  app.get("/", (_req, res) => {
    res.redirect(302, "graphql");
  });
  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    const { ready, checks } = await readiness();
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not ready", checks });
  });
  const serveMetrics: express.RequestHandler = async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  };
  // With METRICS_PORT, /metrics is served only there (e.g. on an interface only Prometheus reaches).
  const metricsServer =
    config.metrics.port === undefined
      ? undefined
      : await listen(
          express().disable("x-powered-by").get("/metrics", serveMetrics),
          config.metrics.port,
          config.metrics.host,
        );
  if (!metricsServer) app.get("/metrics", serveMetrics);
  // GraphiQL, bundled at build time: a browser asking the endpoint for HTML gets the IDE.
  app.use("/graphiql", express.static(GRAPHIQL_DIR, { index: false, maxAge: "1h" }));
  app.get("/graphql", (req, res, next) => {
    if (
      req.query.query === undefined &&
      req.accepts(["application/json", "application/graphql-response+json", "text/html"]) === "text/html"
    ) {
      res.sendFile(path.join(GRAPHIQL_DIR, "index.html"));
    } else {
      next();
    }
  });
  if (config.corsOrigins.length > 0) {
    app.use(
      ["/graphql", "/export"],
      cors({
        origin: config.corsOrigins.includes("*") ? true : [...config.corsOrigins],
        allowedHeaders: [
          "content-type",
          "authorization",
          "x-request-id",
          "apollo-require-preflight",
          MIN_POSITION_HEADER,
        ],
        exposedHeaders: [
          "x-request-id",
          "retry-after",
          MIN_POSITION_HEADER,
          "x-ratelimit-limit",
          "x-ratelimit-remaining",
          "x-ratelimit-used",
          "x-ratelimit-reset",
          "x-ratelimit-cost",
        ],
        maxAge: 600,
      }),
    );
  }
  // CSV and JSON lists, read through the same schema, authenticated and rate-limited as /graphql.
  app.use(
    "/export",
    exportRouter({
      schema,
      async admit(req, res) {
        const admitted = await admission(req, res);
        return admitted.refused ? { error: admitted.error } : { caller: admitted.caller };
      },
      contextFor: (caller, requestId) => createContext(prisma, registry, loaderOptions, { caller, requestId }),
      logger,
      metrics,
      exposeSqlStatementCount: config.exposeSqlStatementCount,
    }),
  );
  app.use(
    "/graphql",
    (req, res, next) => {
      const requestId = (res.locals.requestId = requestIdOf(req.header("x-request-id")));
      res.setHeader("x-request-id", requestId);
      // Every statement the request causes is counted against it.
      const counted = () => countSqlStatements((res.locals.sqlStatements = new SqlStatementCounter()), () => next());
      if (!tracing) return counted();
      // With tracing, the request's span is the parent of everything it does; it ends with the
      // answer (see observeRequests), or when the connection closes before one.
      const trace = (res.locals.trace = tracing.startRequest(requestId, req.method));
      res.once("close", () => trace.end());
      trace.run(counted);
    },
    earlyBodyProblem(),
    express.json({ limit: config.requestBodyLimitBytes, verify: refuseInvalidUtf8 }),
    ...(responseCache ? [responseCache.middleware(cachedAdmission)] : []),
    // After the response cache, which keys on the request as sent (a hit was a registered document).
    trustedDocumentsMiddleware(config.trustedDocuments.mode, trustedDocuments),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = res.locals.requestId as string;
        const trace = res.locals.trace as RequestTrace | undefined;
        const admitted = await admission(req, res);
        // Refused before Apollo's plugins run: logged and counted here, or it would leave no trace.
        const refuse = (error: unknown, caller: Caller | undefined): GraphQLError => {
          const refusal = refusalOf(error, { requestId, traceId: trace?.traceId }, logger);
          const code = String(refusal.extensions.code);
          metrics.requests.inc({ operation: metrics.operationLabel(undefined, false), outcome: "error" });
          metrics.errors.inc({ code });
          logger.info({ requestId, caller: caller?.name ?? null, errorCodes: [code] }, "graphql request refused");
          trace?.end([code]);
          return refusal;
        };
        if (admitted.refused) throw refuse(admitted.error, admitted.caller);
        const { caller } = admitted;
        const verdict = res.locals.trustedDocument as TrustedDocumentVerdict | undefined;
        const distrusted = trustedDocumentRefusal(verdict, caller);
        if (distrusted) throw refuse(distrusted, caller);
        return {
          ...createContext(
            prisma,
            registry,
            { ...loaderOptions, ...(trace ? { traceBatch: trace.batch.bind(trace) } : {}) },
            { caller, requestId },
          ),
          sqlStatements: res.locals.sqlStatements as SqlStatementCounter,
          requestId,
          clientAddress: req.ip ?? "unknown",
          ...(trace ? { trace } : {}),
          responseCacheSlot: res.locals.responseCacheSlot as CacheSlot | undefined,
          // An unregistered document an admin key may run is not served to others from the cache.
          uncacheable: verdict?.kind === "unregistered",
        };
      },
    }),
  );
  // A body that never reached GraphQL (not JSON, not UTF-8, too large) is answered as GraphQL
  // errors are, not with Express's HTML page.
  app.use("/graphql", answerBodyProblem(config.requestBodyLimitBytes));

  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(config.port, config.host, resolve);
    });
  } catch (error) {
    metricsServer?.close();
    await Promise.all(background.map((work) => work.stop()));
    await dataVersion?.stop();
    await persistedQueryCache?.close();
    await readReplicas?.stop();
    callerPositions?.close();
    throw error;
  }
  return {
    url: `${baseUrl(httpServer, config.host)}/graphql`,
    metricsUrl: `${metricsServer ? baseUrl(metricsServer, config.metrics.host) : baseUrl(httpServer, config.host)}/metrics`,
    async stop() {
      await apollo.stop();
      await Promise.all(background.map((work) => work.stop()));
      await rateLimiter.close();
      await persistedQueryCache?.close();
      await dataVersion?.stop();
      await readReplicas?.stop();
      callerPositions?.close();
      if (metricsServer) await new Promise((resolve) => metricsServer.close(resolve));
    },
  };
}

/** The data version of the database under `prisma`, followed through a LISTEN connection of its own. */
async function followDataVersion(prisma: Database, logger: Logger): Promise<DataVersion> {
  const connectionString = poolOf(prisma)?.options.connectionString;
  if (connectionString === undefined) throw new Error("The response cache needs the database's connection string");
  const dataVersion = new DataVersion({ connectionString, logger });
  await dataVersion.start();
  return dataVersion;
}

/** The read replicas of DATABASE_READ_URL, probed once before the first request. */
async function startReadReplicas(
  config: Config,
  primary: Database,
  logger: Logger,
  dataVersion: DataVersion | undefined,
): Promise<ReadReplicas> {
  const replicas = new ReadReplicas({
    primary,
    urls: config.databaseReadUrls,
    poolSize: config.readReplicas.poolSize ?? config.databasePoolSize,
    connectTimeoutMs: config.databaseConnectTimeoutMs,
    statementTimeoutMs: config.databaseStatementTimeoutMs,
    maxLagMs: config.readReplicas.maxLagMs,
    probeIntervalMs: config.readReplicas.probeIntervalMs,
    dataVersion,
    onStateChange: (replica, previous) => {
      const message = `read replica ${replica.name}: ${previous} → ${replica.state}`;
      if (replica.state === "ok") logger.info({ replica }, message);
      else logger.warn({ replica }, `${message}; its reads go to the primary`);
    },
  });
  await replicas.start();
  return replicas;
}

async function listen(app: express.Express, port: number, host: string): Promise<http.Server> {
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  return server;
}

function baseUrl(server: http.Server, host: string): string {
  const { port } = server.address() as AddressInfo;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/**
 * One log line and the metrics of every GraphQL request: operation name, duration, SQL
 * statements, error codes. A masked internal error carries the request id, which is also in
 * the server's log of it, so a caller can quote it.
 */
function observeRequests(
  metrics: Metrics,
  logger: Logger,
  exposeSqlStatementCount: boolean,
): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ request, response, contextValue: context, operationName, errors }) {
          if (isRequestErrorForLegacyClient(request.http?.headers.get("accept"), response.http.status, errors))
            response.http.status = 200;
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const operation = metrics.operationLabel(operationName, context.caller.keyId !== null);
          const statements = context.sqlStatements.count;
          // The codes the caller sees: formatting turns database failures into SERVICE_UNAVAILABLE.
          const answered = response.body.kind === "single" ? response.body.singleResult.errors : undefined;
          const codes = (answered ?? errors ?? []).map((error) =>
            String(error.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR),
          );
          metrics.requests.inc({ operation, outcome: codes.length > 0 ? "error" : "ok" });
          metrics.duration.observe({ operation }, seconds);
          metrics.sqlStatements.observe({ operation }, statements);
          for (const code of codes) metrics.errors.inc({ code });
          if (response.body.kind === "single") {
            const result = response.body.singleResult;
            for (const error of result.errors ?? []) {
              if (
                error.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR ||
                error.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE
              )
                Object.assign(error.extensions, failureIds(context.requestId, context.trace?.traceId));
            }
            // The database being unavailable is the server's state, not the request's fault: 503, and when to come back.
            if (codes.includes(ErrorCode.SERVICE_UNAVAILABLE)) {
              response.http.status = 503;
              response.http.headers.set("retry-after", String(RETRY_AFTER_SECONDS));
            }
            if (exposeSqlStatementCount) result.extensions = { ...result.extensions, sqlStatements: statements };
          }
          logger.info(
            {
              requestId: context.requestId,
              caller: context.caller.name,
              operationName: operationName ?? null,
              durationMs: Math.round(seconds * 1000),
              sqlStatements: statements,
              errorCodes: codes,
            },
            "graphql request",
          );
          context.trace?.end(codes);
        },
      };
    },
  };
}

/**
 * The error a request refused while its context is built gets: its own when it has a code
 * (UNAUTHENTICATED, RATE_LIMITED), SERVICE_UNAVAILABLE when the database could not be asked
 * (the API key lookup), else a masked internal error. Both of the latter carry the request id
 * (and the trace id, when tracing is on).
 */
function refusalOf(
  error: unknown,
  ids: { requestId: string; traceId: string | undefined },
  logger: Logger,
): GraphQLError {
  if (error instanceof GraphQLError && typeof error.extensions.code === "string") return error;
  const extensions = failureIds(ids.requestId, ids.traceId);
  if (isDatabaseUnavailable(error)) return new ServiceUnavailableError(undefined, extensions);
  logger.error({ err: error, requestId: ids.requestId }, "Unexpected error while authenticating a request");
  return new MaskedInternalError(extensions);
}

/** What an INTERNAL_SERVER_ERROR or SERVICE_UNAVAILABLE carries for the caller to quote. */
function failureIds(requestId: string, traceId: string | undefined): { requestId: string; traceId?: string } {
  return traceId === undefined ? { requestId } : { requestId, traceId };
}

/**
 * Spans of the GraphQL phases (parse, validate, execute) under the request's span, which is
 * named after the operation. Parsing and validation are skipped, and so get no span, for a
 * document Apollo Server has already parsed and validated. No hook runs per field.
 */
function traceRequests(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ contextValue: { trace } }) {
      if (!trace) return;
      return {
        async parsingDidStart() {
          const end = trace.startPhase("parse");
          return async (error) => end(error);
        },
        async validationDidStart() {
          const end = trace.startPhase("validate");
          return async (errors) => end(errors?.[0]);
        },
        async didResolveOperation({ operation, operationName }) {
          trace.nameOperation(operation?.operation, operationName ?? undefined);
        },
        async executionDidStart() {
          const end = trace.startPhase("execute");
          return {
            async executionDidEnd(error) {
              end(error);
            },
          };
        },
      };
    },
  };
}

/** body-parser's failures, with the status it chose: 400, 413 or 415. */
interface BodyProblem {
  status?: number;
  type?: string;
}

const BODY_PROBLEMS: Record<string, (limit: number) => string> = {
  "entity.parse.failed": () => "The request body is not valid JSON.",
  "encoding.invalid": () => "The request body is not valid UTF-8.",
  "entity.too.large": (limit) =>
    `The request body is larger than ${limit} bytes, the limit (REQUEST_BODY_LIMIT_BYTES).`,
  "charset.unsupported": () => "The request body must be UTF-8 JSON.",
  "encoding.unsupported": () => "The request body's content encoding is not supported.",
};

function answerBodyProblem(limit: number): express.ErrorRequestHandler {
  return (error: BodyProblem, _req, res, next) => {
    const describe = error.type === undefined ? undefined : BODY_PROBLEMS[error.type];
    if (res.headersSent || !describe || error.status === undefined || error.status >= 500) {
      next(error);
      return;
    }
    res.status(error.status).json({
      errors: [
        { message: describe(limit), extensions: { code: "BAD_REQUEST", requestId: res.locals.requestId as string } },
      ],
    });
  };
}

/** JSON must be UTF-8; bytes that are not would otherwise turn silently into replacement characters. */
function refuseInvalidUtf8(_req: unknown, _res: unknown, body: Buffer): void {
  if (!isUtf8(body))
    throw Object.assign(new Error("The request body is not valid UTF-8"), { status: 400, type: "encoding.invalid" });
}

/** The `x-ratelimit-*` headers of a request that spent its cost (a refused one has them from its error). */
function reportRateLimit(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (!contextValue.rateLimit) return;
          for (const [name, value] of rateLimitHeaders(contextValue.rateLimit)) response.http.headers.set(name, value);
        },
      };
    },
  };
}

/** Where the budget stands after spending, or undefined when it could not pay (RATE_LIMITED). */
async function spendOrUndefined(spending: Promise<RateLimitState>): Promise<RateLimitState | undefined> {
  try {
    return await spending;
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions.code === ErrorCode.RATE_LIMITED) return undefined;
    throw error;
  }
}

/** With ANONYMOUS_ACCESS=none, reading needs a key too; any valid key may read the public structure. */
function requireReadAccess(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue: { caller } }) {
          if (!mayRead(caller)) {
            throw new GraphQLErrorWithCode(
              "This service needs an API key (Authorization: Bearer …)",
              ErrorCode.UNAUTHENTICATED,
              { http: { status: 401 } },
            );
          }
        },
      };
    },
  };
}

const REQUEST_ERROR_CODES = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", ErrorCode.BAD_USER_INPUT]);

/**
 * GraphQL over HTTP: a client that accepts only `application/json` gets parse, validation and
 * variable errors with status 200 (the spec's SHOULD for the legacy media type); one that accepts
 * `application/graphql-response+json` gets 400, as Apollo Server answers by default.
 */
function isRequestErrorForLegacyClient(
  accept: string | undefined,
  status: number | undefined,
  errors: readonly { extensions?: Record<string, unknown> }[] | undefined,
): boolean {
  if (status !== 400 || !errors?.length || accept?.includes("application/graphql-response+json")) return false;
  return errors.every((error) => REQUEST_ERROR_CODES.has(String(error.extensions?.code)));
}
