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
