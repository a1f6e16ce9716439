/**
 * Example integration: keeps a region's memberships in Kunskapsgraf in step with a CSV export
 * from an HR system or a catalogue. Copy it and adapt `toMembership` to your columns.
 *
 * A plain GraphQL client: Node's built-in fetch POSTs { query, variables } as JSON; no GraphQL
 * client library is needed.
 *
 * It first runs the sync as a dry run and prints what would happen. If any row fails, it stops
 * with exit code 1 and nothing is written. Otherwise it runs the real sync and prints its result.
 * Exit code 2: bad configuration or file, the API unreachable, or the API answered with errors.
 *
 *   npx tsc -p examples/tsconfig.json
 *   KG_API_KEY=kg_… node dist-examples/examples/sync-memberships-from-csv.js examples/memberships.csv --county 22
 *
 * Environment: KG_API_URL (default http://127.0.0.1:4000/graphql), KG_API_KEY (required),
 * KG_SOURCE_SYSTEM (default "hr-example"), KG_SCOPE_COUNTY (or --county).
 * Options: --county <county code>, --mode MERGE|REPLACE (default MERGE).
 * CSV columns: membership_id, person_id, hsa_id, given_name, family_name, title, group, role,
 * representing, valid_from, valid_to (dates YYYY-MM-DD; empty cells mean "none").
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const SYNC_MUTATION = `mutation Sync($input: SyncMembershipsInput!) {
  syncMemberships(input: $input) {
    runId
    applied
    counts { created updated unchanged ended failed peopleCreated }
    failures { index externalId errors { code field message } }
  }
}`;

const COLUMNS = [
  "membership_id",
  "person_id",
  "hsa_id",
  "given_name",
  "family_name",
  "title",
  "group",
  "role",
  "representing",
  "valid_from",
  "valid_to",
] as const;
type Column = (typeof COLUMNS)[number];

interface CsvRow {
  /** Line of the file the row starts on, for messages. */
  line: number;
  cells: Record<Column, string>;
}

interface SyncResult {
  runId: string;
  applied: boolean;
  counts: { created: number; updated: number; unchanged: number; ended: number; failed: number; peopleCreated: number };
  failures: { index: number; externalId: string; errors: { code: string; field: string; message: string }[] }[];
}

interface GraphQLResponse<Data> {
  data?: Data | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** A problem that stops the script with exit code 2. */
class FatalError extends Error {}

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: { county: { type: "string" }, mode: { type: "string", default: "MERGE" } },
});
const config = {
  apiUrl: process.env.KG_API_URL ?? "http://127.0.0.1:4000/graphql",
  apiKey: process.env.KG_API_KEY,
  sourceSystem: process.env.KG_SOURCE_SYSTEM ?? "hr-example",
  countyCode: options.county ?? process.env.KG_SCOPE_COUNTY,
  mode: options.mode,
};

async function main(): Promise<number> {
  const [file] = positionals;
  if (!file || positionals.length > 1)
    throw new FatalError("Usage: sync-memberships-from-csv <file.csv> [--county <code>] [--mode MERGE|REPLACE]");
  if (!config.apiKey) throw new FatalError("Set KG_API_KEY to an API key with the scope write:region:<county code>.");
  if (!config.countyCode) throw new FatalError("Give the region's county code: --county 22 or KG_SCOPE_COUNTY=22.");
  if (config.mode !== "MERGE" && config.mode !== "REPLACE")
    throw new FatalError(`--mode must be MERGE or REPLACE, not ${config.mode}.`);

  const rows = readCsv(file);
  const input = {
    sourceSystem: config.sourceSystem,
    scope: { countyCode: config.countyCode },
    mode: config.mode,
    memberships: rows.map(toMembership),
  };
  console.log(
    `${rows.length} rows from ${file}; syncing county ${config.countyCode} as ${config.sourceSystem} (${config.mode}).`,
  );

  const dryRun = await sync({ ...input, dryRun: true });
  printSummary("Dry run", dryRun, rows);
  if (dryRun.counts.failed > 0) {
    console.log("Nothing was written: fix the rows above and run again.");
    return 1;
  }

  // Atomic: should a row fail now after all (someone changed the data meanwhile), nothing is written.
  const result = await sync({ ...input, dryRun: false, atomic: true });
  printSummary(result.applied ? "Applied" : "Rejected", result, rows);
  console.log(`Run id: ${result.runId}`);
  return result.applied ? 0 : 1;
}

/** One CSV row as a `SyncMembershipInput`. */
function toMembership({ cells }: CsvRow) {
  const optional = (text: string) => (text.trim() === "" ? null : text.trim());
  return {
    externalId: cells.membership_id.trim(),
    person: {
      externalId: optional(cells.person_id),
      hsaId: optional(cells.hsa_id),
      givenName: cells.given_name.trim(),
      familyName: cells.family_name.trim(),
      title: optional(cells.title),
    },
    group: cells.group.trim(),
    role: cells.role.trim().toUpperCase(),
    representing: optional(cells.representing),
    validFrom: cells.valid_from.trim(),
    validTo: optional(cells.valid_to),
  };
}

async function sync(input: Record<string, unknown>): Promise<SyncResult> {
  const data = await graphql<{ syncMemberships: SyncResult }>(SYNC_MUTATION, { input });
  return data.syncMemberships;
}

/** POSTs a GraphQL operation; transport problems and GraphQL errors become a FatalError. */
async function graphql<Data>(query: string, variables: Record<string, unknown>): Promise<Data> {
  let response: Response;
  try {
    response = await fetch(config.apiUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json, application/json",
        authorization: `Bearer ${config.apiKey}`,
      },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    throw new FatalError(`Could not reach ${config.apiUrl}${cause}`);
  }
  const text = await response.text();
  let body: GraphQLResponse<Data>;
  try {
    body = JSON.parse(text) as GraphQLResponse<Data>;
  } catch {
    throw new FatalError(`HTTP ${response.status} from ${config.apiUrl}: ${text.slice(0, 300)}`);
  }
  if (body.errors?.length)
    throw new FatalError(
      body.errors.map((error) => `${error.extensions?.code ?? "ERROR"}: ${error.message}`).join("\n"),
    );
  if (!body.data) throw new FatalError(`HTTP ${response.status} from ${config.apiUrl} without data`);
  return body.data;
}

function printSummary(title: string, result: SyncResult, rows: CsvRow[]): void {
  const { created, updated, unchanged, ended, failed, peopleCreated } = result.counts;
  console.log(
    `${title}: ${created} created, ${updated} updated, ${unchanged} unchanged, ${ended} ended, ${failed} failed; ${peopleCreated} new people`,
  );
  for (const failure of result.failures) {
    for (const error of failure.errors) {
      console.log(
        `  row ${failure.index} (line ${rows[failure.index]?.line}, ${failure.externalId}) ${error.field}: ${error.message} [${error.code}]`,
      );
    }
  }
}

function readCsv(file: string): CsvRow[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new FatalError(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const [header, ...records] = parseCsv(text.replace(/^\uFEFF/, ""));
  const names = header?.cells.map((name) => name.trim().toLowerCase()) ?? [];
  const missing = COLUMNS.filter((column) => !names.includes(column));
  if (missing.length > 0) throw new FatalError(`${file} lacks the columns ${missing.join(", ")}`);
  return records.map(({ line, cells }) => ({
    line,
    cells: Object.fromEntries(COLUMNS.map((column) => [column, cells[names.indexOf(column)] ?? ""])) as Record<
      Column,
      string
    >,
  }));
}

/** Simple CSV: comma-separated, a field in double quotes may hold commas, line breaks and "" for a quote. Blank lines are skipped. */
function parseCsv(text: string): { line: number; cells: string[] }[] {
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  const endRecord = () => {
    cells.push(cell);
    if (cells.some((value) => value.trim() !== "")) records.push({ line: start, cells });
    cells = [];
    cell = "";
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === "\n") line++;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') {
      quoted = true;
    } else if (char === ",") {
      cells.push(cell);
      cell = "";
    } else if (char === "\n") {
      endRecord();
      start = line;
    } else if (char !== "\r") {
      cell += char;
    }
  }
  endRecord();
  return records;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof FatalError ? error.message : error);
    process.exitCode = 2;
  },
);
