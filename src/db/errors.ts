import { Prisma } from "../generated/prisma/client";

/** A PostgreSQL error behind a Prisma error: its SQLSTATE and the constraint it names, if any. */
export interface DatabaseError {
  sqlState: string;
  constraint: string | undefined;
}

interface AdapterCause {
  originalCode?: string;
  code?: string;
  originalMessage?: string;
  message?: string;
  constraint?: { index?: string };
}

export function databaseErrorOf(error: unknown): DatabaseError | undefined {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return undefined;
  const cause = (error.meta?.driverAdapterError as { cause?: AdapterCause } | undefined)?.cause;
  const sqlState = cause?.originalCode ?? cause?.code;
  if (!cause || !sqlState) return undefined;
  const message = cause.originalMessage ?? cause.message ?? "";
  return { sqlState, constraint: cause.constraint?.index ?? /constraint "([^"]+)"/.exec(message)?.[1] };
}

export const UNIQUE_VIOLATION = "23505";
export const EXCLUSION_VIOLATION = "23P01";
export const CHECK_VIOLATION = "23514";
export const FOREIGN_KEY_VIOLATION = "23503";
export const SERIALIZATION_FAILURE = "40001";
export const DEADLOCK_DETECTED = "40P01";

/**
 * SQLSTATEs that mean the database cannot serve the request now, though it may shortly:
 * connection exceptions (class 08), the server shutting down, crashed or starting up
 * (57P01–57P03), too many connections (53300), and a statement cancelled (57014), which is what
 * DATABASE_STATEMENT_TIMEOUT_MS does.
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300|57014)$/;

/** Prisma's codes for the same: unreachable, timed out, connection closed, pool or transaction wait expired, too many connections. */
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028", "P2037"]);

/** What the driver adapter calls a lost or unreachable server. */
const UNAVAILABLE_ADAPTER_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
]);

/** Socket errors of a connection that could not be made or was lost. */
const UNAVAILABLE_SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNABORTED",
]);

/** pg and pg-pool report some losses only in words. */
const UNAVAILABLE_MESSAGES = [
  /Connection terminated/i, // unexpectedly, or due to connection timeout
  /timeout exceeded when trying to connect/i, // pg-pool: no connection within connectionTimeoutMillis
  /Query read timeout/i, // pg: the client-side bound on a statement
  /is not queryable/i, // pg: a client whose connection has failed or was closed
  /Can't reach database server/i,
  /Server has closed the connection/i,
  /Timed out fetching a new connection from the connection pool/i,
];

/**
 * Whether an error means the database is unavailable (down, restarting, unreachable, frozen or
 * overloaded) rather than that the request is wrong or the code is: the one place where every
 * form in which Prisma, its driver adapter, pg and pg-pool report that is recognised. Causes,
 * the adapter error Prisma wraps and the value graphql-js wraps when what was thrown is not an
 * `Error` of its realm (`thrownValue`, e.g. a socket error under Jest's module sandbox) are followed.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    seen.add(current);
    const fields = current as {
      code?: unknown;
      originalCode?: unknown;
      kind?: unknown;
      message?: unknown;
      cause?: unknown;
      originalError?: unknown;
      thrownValue?: unknown;
      meta?: { driverAdapterError?: unknown };
    };
    if (
      typeof fields.code === "string" &&
      (UNAVAILABLE_SQLSTATE.test(fields.code) ||
        UNAVAILABLE_PRISMA_CODES.has(fields.code) ||
        UNAVAILABLE_SOCKET_CODES.has(fields.code))
    )
      return true;
    if (typeof fields.originalCode === "string" && UNAVAILABLE_SQLSTATE.test(fields.originalCode)) return true;
    if (typeof fields.kind === "string" && UNAVAILABLE_ADAPTER_KINDS.has(fields.kind)) return true;
    if (
      typeof fields.message === "string" &&
      UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(fields.message as string))
    )
      return true;
    pending.push(fields.cause, fields.originalError, fields.thrownValue, fields.meta?.driverAdapterError);
  }
  return false;
}
