import pg from "pg";
import { latestMigrationName } from "../db/migrations";
import type { TableDeclaration } from "../graphql/module";

/**
 * Export and import of the whole model as versioned JSON: every row of every table, ids and
 * timestamps included, so a restore is exact and an export of a restored database is
 * byte-identical to the export it came from. PostgreSQL renders and parses the rows itself
 * (row_to_json / json_populate_recordset), so every column type round-trips unchanged.
 */
export const EXPORT_FORMAT = "kunskapsgraf-export";
export const EXPORT_FORMAT_VERSION = 1;

/** The tables to export and import: the modules' declarations, referenced tables first (src/app orders them). */
export type TransferTables = readonly TableDeclaration[];

/** Tables that are not part of an export, and why. */
export const NOT_TRANSFERRED: Readonly<Record<string, string>> = {
  _prisma_migrations: "the migration history: both sides are migrated to the same version instead",
  seed_state: "start-up bookkeeping of this database; an import clears it so the seed runs again",
};

export class TransferError extends Error {}

type Row = Record<string, unknown>;

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SET TIME ZONE 'UTC'");
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface ExportOptions {
  /** Include the audit trail (it is most of a busy database). @default true */
  audit?: boolean;
}

/** The database as export JSON text: one row a line, rows in primary-key order. */
export async function exportDatabase(
  url: string,
  tables: TransferTables,
  { audit = true }: ExportOptions = {},
): Promise<string> {
  return withClient(url, async (client) => {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const lines = [
      `{"format":${JSON.stringify(EXPORT_FORMAT)},"formatVersion":${EXPORT_FORMAT_VERSION},"migration":${JSON.stringify(await appliedMigration(client))},"tables":{`,
    ];
    const exported = tables.filter((table) => audit || table.name !== "audit_event");
    for (const [index, { name, orderBy }] of exported.entries()) {
      const { rows } = await client.query<{ row: string }>(
        `SELECT row_to_json(t)::text AS row FROM "${name}" t ORDER BY ${orderBy}`,
      );
      lines.push(`${index === 0 ? "" : "],"}${JSON.stringify(name)}:[`);
      rows.forEach(({ row }, rowIndex) => lines.push(`${rowIndex === 0 ? "" : ","}${row}`));
    }
    lines.push("]}}");
    await client.query("COMMIT");
    return `${lines.join("\n")}\n`;
  });
}

export interface ImportOptions {
  /** Empty every table first; otherwise a database with data is refused. */
  replace?: boolean;
}

/** Loads an export into a migrated database, in one transaction: all of it or nothing. */
export async function importDatabase(
  url: string,
  tables: TransferTables,
  text: string,
  { replace = false }: ImportOptions = {},
): Promise<Record<string, number>> {
  const data = parseExport(text, tables);
  return withClient(url, async (client) => {
    const migration = await appliedMigration(client);
    if (data.migration !== migration) {
      throw new TransferError(
        `The export is of schema ${data.migration}, the database is at ${migration}: migrate both to the same version first`,
      );
    }
    await client.query("BEGIN");
    try {
      if (replace) {
        await client.query(`TRUNCATE ${tables.map(({ name }) => `"${name}"`).join(", ")}`);
      } else {
        const { rows } = await client.query<{ rows: string }>(
          `SELECT (${tables.map(({ name }) => `(SELECT count(*) FROM "${name}")`).join(" + ")})::text AS rows`,
        );
        if (rows[0]?.rows !== "0")
          throw new TransferError(
            "The database already holds data: import into an empty (migrated) database, or pass --replace",
          );
      }
      // The seed runs again on the next start: it reconciles the imported reference rows.
      await client.query(`DELETE FROM "seed_state"`); // see NOT_TRANSFERRED
      const counts: Record<string, number> = {};
      for (const table of tables) {
        const { name } = table;
        const rows = orderForInsert(table, data.tables[name] ?? []);
        for (let start = 0; start < rows.length; start += 5_000) {
          await client.query(`INSERT INTO "${name}" SELECT * FROM json_populate_recordset(NULL::"${name}", $1::json)`, [
            JSON.stringify(rows.slice(start, start + 5_000)),
          ]);
        }
        counts[name] = rows.length;
      }
      // The change feed continues after the imported events.
      await client.query(
        `SELECT setval(pg_get_serial_sequence('audit_event', 'id'), coalesce(max("id"), 0) + 1, false) FROM "audit_event"`,
      );
      await client.query("COMMIT");
      return counts;
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    }
  });
}

interface ExportDocument {
  format: string;
  formatVersion: number;
  migration: string;
  tables: Record<string, Row[]>;
}

function parseExport(text: string, tables: TransferTables): ExportDocument {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new TransferError("The file is not JSON");
  }
  const document = data as Partial<ExportDocument>;
  if (document.format !== EXPORT_FORMAT) throw new TransferError(`The file is not a ${EXPORT_FORMAT} file`);
  if (document.formatVersion !== EXPORT_FORMAT_VERSION) {
    throw new TransferError(
      `The file has format version ${String(document.formatVersion)}; this version reads ${EXPORT_FORMAT_VERSION}`,
    );
  }
  if (typeof document.migration !== "string" || typeof document.tables !== "object" || document.tables === null)
    throw new TransferError("The file is incomplete");
  const unknown = Object.keys(document.tables).filter((name) => !tables.some((table) => table.name === name));
  if (unknown.length > 0)
    throw new TransferError(`The file has tables this version does not know: ${unknown.join(", ")}`);
  return document as ExportDocument;
}

/** Rows that refer to rows of their own table (a group to its appointing body, its mirrored NPO): referenced rows go first. */
function orderForInsert(table: TableDeclaration, rows: Row[]): Row[] {
  const columns = table.selfReferences ?? [];
  if (columns.length === 0) return rows;
  const depth = new Map<unknown, number>();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const depthOf = (row: Row, seen = new Set<unknown>()): number => {
    const known = depth.get(row.id);
    if (known !== undefined) return known;
    if (seen.has(row.id))
      throw new TransferError(`Rows of ${table.name} refer to each other in a cycle (${String(row.id)})`);
    seen.add(row.id);
    const references = columns.map((column) => byId.get(row[column])).filter((ref): ref is Row => ref !== undefined);
    const value = references.length === 0 ? 0 : 1 + Math.max(...references.map((ref) => depthOf(ref, seen)));
    depth.set(row.id, value);
    return value;
  };
  return [...rows].sort((a, b) => depthOf(a) - depthOf(b));
}

async function appliedMigration(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ name: string }>(
    "SELECT max(migration_name) AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
  );
  const name = rows[0]?.name;
  if (!name) throw new TransferError("The database has no migrations applied");
  if (name !== latestMigrationName())
    throw new TransferError(
      `The database is at ${name}, this version at ${latestMigrationName()}: apply the migrations first`,
    );
  return name;
}
