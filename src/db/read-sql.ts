import diagnostics_channel from "node:diagnostics_channel";
import pg from "pg";
import type { Prisma } from "../generated/prisma/client";
import { isDatabaseUnavailable } from "./errors";
import { poolOf, type Database } from "./prisma";
import { ContextPreservingPool } from "./sql-statement-counter";
import { SqlRowError, text, type RowDecoder } from "./sql";

/**
 * The read path's SQL: a `Prisma.sql` template (values become parameters, identifiers are
 * constant text, as everywhere else) sent straight to the pg pool under the Prisma client as a
 * named prepared statement, and its rows checked by a `row({ … })` decoder from src/db/sql.ts.
 * Reads skip the ORM's per-query work (compiling each query in its Wasm engine, building and
 * mapping its result), which cost more CPU than everything else in a request together. Writes
 * stay with Prisma. Statements sent here are counted and refused past the read deadline like any
 * other: that happens in the pool and its clients (src/db/sql-statement-counter.ts).
 *
 * Values come back in the shapes the decoders know from Prisma's raw queries: `date` and
 * `timestamptz` as Date (a `date` at UTC midnight, whatever the server's time zone), `int8` as
 * bigint, `uuid`, `text` and enums as strings, `text[]` as arrays.
 */

const DATE_OID = 1082;
const INT8_OID = 20;

/** A `date` (`YYYY-MM-DD`, or `infinity`, which the schema's dates never hold) at UTC midnight. */
function parseDate(value: string): Date {
  return new Date(`${value}T00:00:00.000Z`);
}

const readTypes = {
  getTypeParser(oid: number, format?: "text" | "binary"): (value: string) => unknown {
    if (oid === DATE_OID) return parseDate;
    if (oid === INT8_OID) return BigInt;
    return pg.types.getTypeParser(oid, format as "text");
  },
} as pg.CustomTypesConfig;

/**
 * A statement's name on the connection for each distinct text: PostgreSQL parses and plans a
 * named statement once per connection. One query may have a few texts (a period condition is
 * `TRUE` when every period counts), each gets its own name. A query whose text is put together
 * from many optional parts (the filters of `groups`) could have hundreds; past
 * `VARIANTS_PER_QUERY` texts it runs unnamed, so callers cannot fill the server's memory with
 * prepared statements.
 */
const VARIANTS_PER_QUERY = 32;
const statementNames = new Map<string, string>();
const variantCounts = new Map<string, number>();

function statementName(name: string, text: string): string | undefined {
  const known = statementNames.get(text);
  if (known !== undefined) return known;
  const variants = variantCounts.get(name) ?? 0;
  const named = variants < VARIANTS_PER_QUERY ? `${name}_${variants}` : undefined;
  variantCounts.set(name, variants + 1);
  // Unnamed texts are not remembered either: they may be unbounded in number.
  if (named !== undefined) statementNames.set(text, named);
  return named;
}

/** A read statement as sent: its name, text and parameter values. */
export interface ReadStatement {
  name: string;
  text: string;
  values: unknown[];
}

/**
 * Every read statement, as sent, for tools that check what the read path does (the query-plan
 * test EXPLAINs them); publishing costs nothing while nobody subscribes.
 */
export const readStatements = diagnostics_channel.channel("kunskapsgraf:read-sql");

/**
 * Whether a read that failed on a replica may be sent to the primary instead: the replica is
 * unreachable or shutting down, or cancelled the statement because of a conflict with recovery
 * (40001 on a standby). Not a statement timeout (57014): that statement would be as slow there.
 */
function replicaFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === "57014") return false;
  return code === "40001" || isDatabaseUnavailable(error);
}

/** Runs reads on the pool under a Prisma client. */
export class SqlReader {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Runs one query as the prepared statement `name` and checks each row. `name` says what the
   * query reads (`group_by_slug`); queries must not share one.
   */
  async rows<Row>(name: string, query: Prisma.Sql, decode: RowDecoder<Row>): Promise<Row[]> {
    const statement = statementName(name, query.text);
    if (readStatements.hasSubscribers)
      readStatements.publish({ name, text: query.text, values: query.values } satisfies ReadStatement);
    const result = await this.pool.query<Record<string, unknown>>({
      ...(statement === undefined ? {} : { name: statement }),
      text: query.text,
      values: query.values,
      types: readTypes,
    });
    if (!Array.isArray(result.rows)) throw new SqlRowError("(result)", "a list of rows", result.rows);
    return result.rows.map(decode);
  }
}

const readers = new WeakMap<Database, SqlReader>();

/**
 * Makes every statement a replica's client sends outside a transaction (the read path's and
 * Prisma's) run again on the primary's pool when the replica cannot answer it (`replicaFailure`),
 * and tells `unavailable`: the caller sees no error.
 */
export function readWithFallback(
  replica: Database,
  fallback: { pool: pg.Pool; unavailable(error: unknown): void },
): void {
  const pool = poolOf(replica);
  if (!(pool instanceof ContextPreservingPool))
    throw new Error("This database client has no pg pool to read through (use createPrismaClient)");
  pool.readFallback = { ...fallback, mayRetry: replicaFailure };
}

/** The reader over a client's pool; every client made by createPrismaClient has one. */
export function sqlReader(prisma: Database): SqlReader {
  let reader = readers.get(prisma);
  if (!reader) {
    const pool = poolOf(prisma);
    if (!pool) throw new Error("This database client has no pg pool to read through (use createPrismaClient)");
    readers.set(prisma, (reader = new SqlReader(pool)));
  }
  return reader;
}

const keyText = text();

/**
 * A decoder for the rows of a batch query that returns, beside each row's own columns, a text
 * column `key`: which of the batch's keys found the row (a row may be found by several).
 */
export function keyedRow<Row>(decode: RowDecoder<Row>): RowDecoder<{ key: string; row: Row }> {
  return (value) => ({ key: keyText((value as { key?: unknown }).key, "key"), row: decode(value) });
}
