import express from "express";
import { execute, GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from "graphql";
import type { Caller } from "../access/caller";
import { mayRead, mayReadContact } from "../access/authorize";
import { isDatabaseUnavailable } from "../db/errors";
import { countSqlStatements, SqlStatementCounter } from "../db/sql-statement-counter";
import { ErrorCode } from "../graphql/errors";
import { RETRY_AFTER_SECONDS } from "../graphql/service-unavailable";
import type { Logger } from "../observability/logger";
import type { Metrics } from "../observability/metrics";
import { requestIdOf } from "../observability/request-id";
import { toCsv, type Cell } from "./csv";
import { EXPORT_LISTS, ListNotFound, type ExportList, type RunQuery } from "./lists";
import { EXPORT_OPENAPI } from "./openapi";
import { BadParameter, checkedPathParameter, checkedQuery } from "./parameters";

export interface ExportOptions {
  /** The API's executable schema: the lists are read through it, with its resolvers, loaders and access rules. */
  schema: GraphQLSchema;
  /** Authentication and the rate limit, exactly as for /graphql: the caller, or the error refusing the request. */
  admit(req: express.Request, res: express.Response): Promise<{ caller: Caller } | { error: unknown }>;
  /** A fresh per-request GraphQL context for the caller (loaders live for one request). */
  contextFor(caller: Caller, requestId: string): object;
  logger: Logger;
  metrics: Metrics;
  /** Send the number of SQL statements a request took as the header `x-sql-statements`. */
  exposeSqlStatementCount: boolean;
}

const FORMATS = ["csv", "json"] as const;

/** Every route under /export, as Express paths: each list in each format, and the OpenAPI description. */
export function exportRoutes(): string[] {
  return ["/openapi.json", ...EXPORT_LISTS.flatMap((list) => FORMATS.map((format) => `${list.path}.${format}`))];
}

const STATUS: Record<string, number> = {
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.SERVICE_UNAVAILABLE]: 503,
};

/** An error an export answers with: an HTTP status and a JSON body `{ error: { code, message, … } }`. */
class ExportError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * Read-only CSV and JSON lists under /export, for those who do not write GraphQL. Each list is
 * read through the GraphQL schema (the same resolvers, services, loaders and access rules; contact
 * columns only for keys with `read:contact`), authenticated and rate-limited as /graphql is.
 */
export function exportRouter(options: ExportOptions): express.Router {
  const router = express.Router({ caseSensitive: true, strict: true });
  const documents = new Map<string, DocumentNode>();
  const documentOf = (query: string): DocumentNode => {
    let document = documents.get(query);
    if (!document) {
      document = parse(query);
      const problems = validate(options.schema, document);
      if (problems.length > 0) throw new Error(`An export query does not fit the schema: ${problems[0]?.message}`);
      documents.set(query, document);
    }
    return document;
  };
  router.get("/openapi.json", (_req, res) => {
    res.json(EXPORT_OPENAPI);
  });
  for (const list of EXPORT_LISTS) {
    for (const format of FORMATS) {
      router.get(`${list.path}.${format}`, (req, res) => serve(list, format, req, res));
    }
  }
  router.use((req, res) => {
    answerError(
      res,
      new ExportError(ErrorCode.NOT_FOUND, `No export at ${req.path}; the list is at /export/openapi.json`),
    );
  });

  async function serve(list: ExportList, format: "csv" | "json", req: express.Request, res: express.Response) {
    const requestId = requestIdOf(req.header("x-request-id"));
    res.setHeader("x-request-id", requestId);
    const statements = new SqlStatementCounter();
    const started = process.hrtime.bigint();
    let caller: Caller | undefined;
    try {
      const admitted = await options.admit(req, res);
      if ("error" in admitted) throw errorOf(admitted.error, requestId, options.logger);
      caller = admitted.caller;
      if (!mayRead(caller))
        throw new ExportError(ErrorCode.UNAUTHENTICATED, "This service needs an API key (Authorization: Bearer …)");
      const path = Object.fromEntries(
        Object.entries(req.params as Record<string, string>).map(([name, value]) => [
          name,
          checkedPathParameter(name, value),
        ]),
      );
      const { values, delimiter } = checkedQuery(
        req.query as Record<string, unknown>,
        list.parameters,
        format === "csv",
      );
      const contact = mayReadContact(caller);
      const context = options.contextFor(caller, requestId);
      const run: RunQuery = async (query, variables) => {
        const result = await execute({
          schema: options.schema,
          document: documentOf(query),
          variableValues: variables,
          contextValue: context,
        });
        const [error] = result.errors ?? [];
        // No data at all: the variables did not fit their types (a day that does not exist, say).
        if (error) throw errorOf(error, requestId, options.logger, !("data" in result) || result.data === undefined);
        return result.data ?? {};
      };
      const rows = await countSqlStatements(statements, () => list.rows(run, { path, query: values, contact }));
      const columns = list.columns(contact);
      if (options.exposeSqlStatementCount) res.setHeader("x-sql-statements", String(statements.count));
      res.setHeader("cache-control", "no-store");
      if (format === "csv") {
        res.type("text/csv; charset=utf-8");
        res.setHeader("content-disposition", `attachment; filename="${fileName(list, path)}.csv"`);
        res.send(toCsv(columns, rows, delimiter));
      } else {
        res.json({ items: rows.map((row) => objectOf(columns, row)) });
      }
      log("export request", rows.length);
    } catch (error) {
      const answer =
        error instanceof ExportError
          ? error
          : error instanceof BadParameter
            ? new ExportError(ErrorCode.BAD_USER_INPUT, error.message, { parameter: error.parameter })
            : error instanceof ListNotFound
              ? new ExportError(ErrorCode.NOT_FOUND, error.message)
              : errorOf(error, requestId, options.logger);
      answerError(res, answer, requestId);
      log("export request refused", undefined, answer.code);
    }

    function log(message: string, rows?: number, code?: string) {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      options.metrics.exportRequests.inc({ list: list.name, outcome: code ?? "ok" });
      options.metrics.exportDuration.observe({ list: list.name }, seconds);
      options.logger.info(
        {
          requestId,
          caller: caller?.name ?? null,
          export: req.path,
          rows,
          durationMs: Math.round(seconds * 1000),
          sqlStatements: statements.count,
          errorCodes: code ? [code] : [],
        },
        message,
      );
    }
  }

  return router;
}

function objectOf(columns: readonly string[], row: readonly Cell[]): Record<string, Cell> {
  return Object.fromEntries(columns.map((column, index) => [column, row[index] ?? null]));
}

function fileName(list: ExportList, path: Record<string, string>): string {
  return list.path
    .replace(/:(\w+)/g, (_match, name: string) => path[name] ?? name)
    .replace(/^\//, "")
    .replaceAll("/", "-");
}

/**
 * The answer to an error: its own code when it has one of the API's codes; BAD_USER_INPUT for
 * variables that did not fit; SERVICE_UNAVAILABLE when the database could not be reached; else
 * an internal error, logged with the request id.
 */
function errorOf(error: unknown, requestId: string, logger: Logger, badVariables = false): ExportError {
  if (error instanceof ExportError) return error;
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (isDatabaseUnavailable(original))
    return new ExportError(ErrorCode.SERVICE_UNAVAILABLE, "The database is not available; try again shortly.");
  if (error instanceof GraphQLError) {
    const code = error.extensions.code;
    if (typeof code === "string" && code in STATUS) {
      const details: Record<string, unknown> = {};
      if (typeof error.extensions.retryAfterSeconds === "number")
        details.retryAfterSeconds = error.extensions.retryAfterSeconds;
      return new ExportError(code, error.message, details);
    }
    if (badVariables && code === undefined) return new ExportError(ErrorCode.BAD_USER_INPUT, error.message);
  }
  logger.error({ err: error, requestId }, "Unexpected error while exporting a list");
  return new ExportError(ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error");
}

function answerError(res: express.Response, error: ExportError, requestId?: string): void {
  const status = STATUS[error.code] ?? 500;
  if (error.code === ErrorCode.SERVICE_UNAVAILABLE) res.setHeader("retry-after", String(RETRY_AFTER_SECONDS));
  const retryAfter = error.details.retryAfterSeconds;
  if (error.code === ErrorCode.RATE_LIMITED && typeof retryAfter === "number")
    res.setHeader("retry-after", String(retryAfter));
  res.status(status).json({
    error: { code: error.code, message: error.message, ...error.details, ...(requestId ? { requestId } : {}) },
  });
}
