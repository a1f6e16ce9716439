import pg from "pg";
import { latestMigrationName } from "../db/migrations";

/**
 * Export and import of the whole model as versioned JSON: every row of every table, ids and
 * timestamps included, so a restore is exact and an export of a restored database is
 * byte-identical to the export it came from. PostgreSQL renders and parses the rows itself
 * (row_to_json / json_populate_recordset), so every column type round-trips unchanged.
 */
export const EXPORT_FORMAT = "kunskapsgraf-export";
export const EXPORT_FORMAT_VERSION = 1;

/** Tables in an order that satisfies the foreign keys, each with its primary-key order. */
export const TABLES: readonly { name: string; orderBy: string }[] = [
  { name: "healthcare_region", orderBy: "id" },
  { name: "region", orderBy: "id" },
  { name: "region_healthcare_region", orderBy: "region_id, healthcare_region_id" },
  { name: "municipality", orderBy: "id" },
  { name: "organisation", orderBy: "id" },
  { name: "governance_group", orderBy: "id" },
  { name: "group_mirror", orderBy: "group_id, program_area_id" },
  { name: "hosting", orderBy: "id" },
  { name: "group_participation", orderBy: "id" },
  { name: "group_relation", orderBy: "from_group_id, to_group_id, kind" },
  { name: "other_name", orderBy: "id" },
  { name: "expected_count", orderBy: "kind" },
  { name: "person", orderBy: "id" },
  { name: "person_contact", orderBy: "person_id" },
  { name: "membership", orderBy: "id" },
  { name: "api_key", orderBy: "id" },
  { name: "audit_event", orderBy: "id" },
];

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
export async function exportDatabase(url: string, { audit = true }: ExportOptions = {}): Promise<string> {
  return withClient(url, async (client) => {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const lines = [`{"format":${JSON.stringify(EXPORT_FORMAT)},"formatVersion":${EXPORT_FORMAT_VERSION},"migration":${JSON.stringify(await appliedMigration(client))},"tables":{`];
    const tables = TABLES.filter((table) => audit || table.name !== "audit_event");
    for (const [index, { name, orderBy }] of tables.entries()) {
      const { rows } = await client.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${name}" t ORDER BY ${orderBy}`);
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
export async function importDatabase(url: string, text: string, { replace = false }: ImportOptions = {}): Promise<Record<string, number>> {
  const data = parseExport(text);
  return withClient(url, async (client) => {
    const migration = await appliedMigration(client);
    if (data.migration !== migration) {
      throw new TransferError(`The export is of schema ${data.migration}, the database is at ${migration}: migrate both to the same version first`);
    }
    await client.query("BEGIN");
    try {
      if (replace) {
        await client.query(`TRUNCATE ${TABLES.map(({ name }) => `"${name}"`).join(", ")}`);
      } else {
        const { rows } = await client.query<{ rows: string }>(`SELECT (${TABLES.map(({ name }) => `(SELECT count(*) FROM "${name}")`).join(" + ")})::text AS rows`);
        if (rows[0]?.rows !== "0") throw new TransferError("The database already holds data: import into an empty (migrated) database, or pass --replace");
      }
      const counts: Record<string, number> = {};
      for (const { name } of TABLES) {
        const rows = orderForInsert(name, data.tables[name] ?? []);
        for (let start = 0; start < rows.length; start += 5_000) {
          await client.query(`INSERT INTO "${name}" SELECT * FROM json_populate_recordset(NULL::"${name}", $1::json)`, [JSON.stringify(rows.slice(start, start + 5_000))]);
        }
        counts[name] = rows.length;
      }
      // The change feed continues after the imported events.
      await client.query(`SELECT setval(pg_get_serial_sequence('audit_event', 'id'), coalesce(max("id"), 0) + 1, false) FROM "audit_event"`);
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

function parseExport(text: string): ExportDocument {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new TransferError("The file is not JSON");
  }
  const document = data as Partial<ExportDocument>;
  if (document.format !== EXPORT_FORMAT) throw new TransferError(`The file is not a ${EXPORT_FORMAT} file`);
  if (document.formatVersion !== EXPORT_FORMAT_VERSION) {
    throw new TransferError(`The file has format version ${String(document.formatVersion)}; this version reads ${EXPORT_FORMAT_VERSION}`);
  }
  if (typeof document.migration !== "string" || typeof document.tables !== "object" || document.tables === null) throw new TransferError("The file is incomplete");
  const unknown = Object.keys(document.tables).filter((name) => !TABLES.some((table) => table.name === name));
  if (unknown.length > 0) throw new TransferError(`The file has tables this version does not know: ${unknown.join(", ")}`);
  return document as ExportDocument;
}

/** Groups refer to groups (appointing body, mirrored NPO): referenced rows go first. */
function orderForInsert(table: string, rows: Row[]): Row[] {
  if (table !== "governance_group") return rows;
  const depth = new Map<unknown, number>();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const depthOf = (row: Row, seen = new Set<unknown>()): number => {
    const known = depth.get(row.id);
    if (known !== undefined) return known;
    if (seen.has(row.id)) throw new TransferError(`Groups refer to each other in a cycle (${String(row.id)})`);
    seen.add(row.id);
    const references = [row.parent_id, row.program_area_id].map((id) => byId.get(id)).filter((ref): ref is Row => ref !== undefined);
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
  if (name !== latestMigrationName()) throw new TransferError(`The database is at ${name}, this version at ${latestMigrationName()}: apply the migrations first`);
  return name;
}
