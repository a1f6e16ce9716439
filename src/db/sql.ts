import type { Prisma } from "../generated/prisma/client";

/**
 * The one style for raw SQL: a `Prisma.sql` template (values become parameters, identifiers are
 * constant text) run through `queryRows` with a decoder that checks every row at the edge, or
 * through `execute` for statements without rows. The decoders know what Prisma's raw queries
 * return over the pg adapter: `date`/`timestamptz` as Date, `bigint` (e.g. `count(*)`) as bigint,
 * `uuid`, `text` and enums as strings, arrays as arrays.
 */
export type SqlClient = Pick<Prisma.TransactionClient, "$queryRaw" | "$executeRaw">;

/** PostgreSQL returned a value of another shape than the query's decoder expects: a defect, reported as an internal error. */
export class SqlRowError extends Error {
  /** `value` is described by its type only (rows may hold personal data), unless `shown` spells it. */
  constructor(
    readonly column: string,
    expected: string,
    value: unknown,
    shown?: string,
  ) {
    super(`Raw SQL column "${column}": expected ${expected}, got ${shown ?? describe(value)}`);
    this.name = "SqlRowError";
  }
}

/** Checks one column's value; throws SqlRowError naming the column otherwise. */
export type Decoder<T> = (value: unknown, column: string) => T;

export type RowDecoder<Row> = (row: unknown) => Row;

function describe(value: unknown): string {
  if (value === undefined) return "no such column";
  if (value === null) return "null";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "an invalid Date" : "a Date";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

export function text(): Decoder<string> {
  return (value, column) => {
    if (typeof value !== "string") throw new SqlRowError(column, "text", value);
    return value;
  };
}

export function boolean(): Decoder<boolean> {
  return (value, column) => {
    if (typeof value !== "boolean") throw new SqlRowError(column, "a boolean", value);
    return value;
  };
}

/** A safe integer (PostgreSQL `int2`/`int4`). */
export function int(): Decoder<number> {
  return (value, column) => {
    if (typeof value !== "number" || !Number.isSafeInteger(value)) throw new SqlRowError(column, "an integer", value);
    return value;
  };
}

/** A finite number (PostgreSQL `float8`). */
export function float(): Decoder<number> {
  return (value, column) => {
    if (typeof value !== "number" || !Number.isFinite(value)) throw new SqlRowError(column, "a finite number", value);
    return value;
  };
}

/** PostgreSQL `int8`, e.g. `count(*)`: Prisma returns a bigint. */
export function bigint(): Decoder<bigint> {
  return (value, column) => {
    if (typeof value !== "bigint") throw new SqlRowError(column, "a bigint", value);
    return value;
  };
}

/** PostgreSQL `date` or `timestamptz`: a valid Date. */
export function date(): Decoder<Date> {
  return (value, column) => {
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new SqlRowError(column, "a Date", value);
    return value;
  };
}

export function nullable<T>(decoder: Decoder<T>): Decoder<T | null> {
  return (value, column) => (value === null ? null : decoder(value, column));
}

export function array<T>(decoder: Decoder<T>): Decoder<T[]> {
  return (value, column) => {
    if (!Array.isArray(value)) throw new SqlRowError(column, "an array", value);
    return value.map((element, index) => decoder(element, `${column}[${index}]`));
  };
}

/** One of a closed set of strings, e.g. an enum's values. */
export function oneOf<const Values extends readonly string[]>(values: Values): Decoder<Values[number]> {
  return (value, column) => {
    if (typeof value !== "string" || !values.includes(value))
      throw new SqlRowError(
        column,
        `one of ${values.join(", ")}`,
        value,
        typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : undefined,
      );
    return value as Values[number];
  };
}

/**
 * A row decoder from one decoder per column; columns the query returns beyond these are dropped.
 * `prototypeOf` gives decoded rows a prototype, e.g. their GraphQL object type's: type-graphql
 * hands a field resolver its parent as is when it is an instance of the type, and otherwise
 * copies it into a new instance on every call.
 */
export function row<Shape extends Record<string, Decoder<unknown>>>(
  shape: Shape,
  prototypeOf?: (record: Record<string, unknown>) => object,
): RowDecoder<{ [Column in keyof Shape]: ReturnType<Shape[Column]> }> {
  const columns = Object.entries(shape);
  return (value) => {
    if (typeof value !== "object" || value === null) throw new SqlRowError("(row)", "an object", value);
    const record = value as Record<string, unknown>;
    const decoded = (prototypeOf ? Object.create(prototypeOf(record)) : {}) as Record<string, unknown>;
    for (const [column, decoder] of columns) {
      if (!(column in record)) throw new SqlRowError(column, "a value", undefined);
      decoded[column] = decoder(record[column], column);
    }
    return decoded as { [Column in keyof Shape]: ReturnType<Shape[Column]> };
  };
}

/** Runs a query (one statement) and checks each row. */
export async function queryRows<Row>(client: SqlClient, query: Prisma.Sql, decode: RowDecoder<Row>): Promise<Row[]> {
  const rows: unknown = await client.$queryRaw(query);
  if (!Array.isArray(rows)) throw new SqlRowError("(result)", "a list of rows", rows);
  return rows.map(decode);
}

/** Runs a statement without rows (one statement); the number of rows it changed. */
export function execute(client: SqlClient, statement: Prisma.Sql): Promise<number> {
  return client.$executeRaw(statement);
}
