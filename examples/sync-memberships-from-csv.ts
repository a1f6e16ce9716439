/**
 * Example integration: keeps a region's memberships in Kunskapsgraf in step with a CSV export
 * from an HR system or a catalogue. Copy it and adapt `toMembership` to your columns.
 *
 * A plain GraphQL client: Node's built-in fetch POSTs { query, variables } as JSON; no GraphQL
 * client library is needed.
 *
 * It first runs the sync as a dry run and prints what would happen, as a table of the memberships
 * it would create, update and end. If any row fails, it stops with exit code 1 and nothing is
 * written; so does a REPLACE that would end more than --max-ended-share of the source's running
 * memberships (default 0.2: a truncated export must not wipe a region). Otherwise it runs the real
 * sync and prints its result. A file of more than 10 000 rows (the most one request takes) is sent
 * in chunks of 5 000 to an opened run, which is started and then followed until it finished.
 * Exit code 2: bad configuration or file, the API unreachable, or the
 * API answered with errors.
 *
 *   npx tsc -p examples/tsconfig.json
 *   KG_API_KEY=kg_… node dist-examples/examples/sync-memberships-from-csv.js examples/memberships.csv --county 22
 *
 * Environment: KG_API_URL (default http://127.0.0.1:4000/graphql), KG_API_KEY (required),
 * KG_SOURCE_SYSTEM (default "hr-example"), KG_SCOPE_COUNTY (or --county).
 * Options: --county <county code>, --mode MERGE|REPLACE (default MERGE), --max-ended-share <0..1>
 * (REPLACE only, default 0.2).
 * CSV columns: membership_id, person_id, hsa_id, given_name, family_name, title, group, role,
 * representing, valid_from, valid_to (dates YYYY-MM-DD; empty cells mean "none"), separated by
 * commas or by semicolons (as Swedish Excel saves CSV), told apart by the header line.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const SYNC_MUTATION = `mutation Sync($input: SyncMembershipsInput!) {
  syncMemberships(input: $input) {
    runId
    applied
    counts { created updated unchanged ended failed peopleCreated }
    failures { index externalId errors { code field message } }
    created { ...Change }
    updated { ...Change }
    ended { ...Change }
  }
}
fragment Change on SyncChange { externalId personName group role validFrom validTo index }`;

/** The most rows one request takes; a longer list goes in chunks to an opened run. */
const MAX_ROWS_PER_REQUEST = 10_000;
const CHUNK_ROWS = 5_000;
const OPEN_MUTATION = `mutation Open($input: SyncMembershipsInput!) { openMembershipSync(input: $input) { id } }`;
const ADD_MUTATION = `mutation Add($input: AddSyncRowsInput!) { addMembershipSyncRows(input: $input) { rowsTotal } }`;
const START_MUTATION = `mutation Start($id: ID!) { startOpenedMembershipSync(id: $id) { status } }`;
const RUN_QUERY = `query Run($id: ID!) {
  syncRun(id: $id) {
    status rowsDone rowsTotal errorCode error
    result {
      runId
      applied
      counts { created updated unchanged ended failed peopleCreated }
      failures { index externalId errors { code field message } }
      created { ...Change }
      updated { ...Change }
      ended { ...Change }
    }
  }
}
fragment Change on SyncChange { externalId personName group role validFrom validTo index }`;

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

interface SyncChange {
  externalId: string | null;
  personName: string;
  group: string;
  role: string;
  validFrom: string;
  validTo: string | null;
  index: number | null;
}

interface SyncResult {
  runId: string;
  applied: boolean;
  counts: { created: number; updated: number; unchanged: number; ended: number; failed: number; peopleCreated: number };
  failures: { index: number; externalId: string | null; errors: { code: string; field: string; message: string }[] }[];
  created: SyncChange[];
  updated: SyncChange[];
  ended: SyncChange[];
}

interface GraphQLError {
  message: string;
  extensions?: { code?: string; wouldEnd?: number; running?: number; share?: number };
}

interface GraphQLResponse<Data> {
  data?: Data | null;
  errors?: GraphQLError[];
}

/** A problem that stops the script with exit code 2. */
class FatalError extends Error {}

/** The API answered with errors. */
class ApiError extends FatalError {
  constructor(readonly errors: GraphQLError[]) {
    super(errors.map((error) => `${error.extensions?.code ?? "ERROR"}: ${error.message}`).join("\n"));
  }
}

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    county: { type: "string" },
    mode: { type: "string", default: "MERGE" },
    "max-ended-share": { type: "string", default: "0.2" },
  },
});
const config = {
  apiUrl: process.env.KG_API_URL ?? "http://127.0.0.1:4000/graphql",
  apiKey: process.env.KG_API_KEY,
  sourceSystem: process.env.KG_SOURCE_SYSTEM ?? "hr-example",
  countyCode: options.county ?? process.env.KG_SCOPE_COUNTY,
  mode: options.mode,
  maxEndedShare: Number(options["max-ended-share"]),
};

async function main(): Promise<number> {
  const [file] = positionals;
  if (!file || positionals.length > 1)
    throw new FatalError("Usage: sync-memberships-from-csv <file.csv> [--county <code>] [--mode MERGE|REPLACE]");
  if (!config.apiKey) throw new FatalError("Set KG_API_KEY to an API key with the scope write:region:<county code>.");
  if (!config.countyCode) throw new FatalError("Give the region's county code: --county 22 or KG_SCOPE_COUNTY=22.");
  if (config.mode !== "MERGE" && config.mode !== "REPLACE")
    throw new FatalError(`--mode must be MERGE or REPLACE, not ${config.mode}.`);
  if (!(config.maxEndedShare >= 0 && config.maxEndedShare <= 1))
    throw new FatalError(`--max-ended-share must be a share from 0 to 1, not ${options["max-ended-share"]}.`);

  const { rows, delimiter } = readCsv(file);
  const input = {
    sourceSystem: config.sourceSystem,
    scope: { countyCode: config.countyCode },
    mode: config.mode,
    memberships: rows.map(toMembership),
    ...(config.mode === "REPLACE" ? { maxEndedShare: config.maxEndedShare } : {}),
  };
  console.log(
    `${rows.length} rows from ${file} (separated by "${delimiter}"); syncing county ${config.countyCode} as ${config.sourceSystem} (${config.mode}).`,
  );

  let dryRun: SyncResult;
  try {
    dryRun = await sync({ ...input, dryRun: true });
  } catch (error) {
    // The API refuses a REPLACE that would end more than maxEndedShare, dry run or not.
    const refusal =
      error instanceof ApiError ? error.errors.find((e) => e.extensions?.wouldEnd !== undefined) : undefined;
    if (!refusal?.extensions) throw error;
    const { wouldEnd, running, share } = refusal.extensions;
    console.log(
      `Refused: this REPLACE would end ${wouldEnd} of the ${running} running memberships of ${config.sourceSystem} (${percent(share ?? 0)}), more than --max-ended-share ${config.maxEndedShare}.`,
    );
    console.log("Nothing was written. If the file really is complete, run again with a higher --max-ended-share.");
    return 1;
  }
  printSummary("Dry run", dryRun, rows);
  printPlan(dryRun, rows);
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

async function sync(input: Record<string, unknown> & { memberships: unknown[] }): Promise<SyncResult> {
  if (input.memberships.length > MAX_ROWS_PER_REQUEST) return syncInChunks(input);
  const data = await graphql<{ syncMemberships: SyncResult }>(SYNC_MUTATION, { input });
  return data.syncMemberships;
}

/** A list longer than one request: opened, sent in chunks, started, and followed until it finished. */
async function syncInChunks({ memberships, ...settings }: Record<string, unknown> & { memberships: unknown[] }) {
  const opened = await graphql<{ openMembershipSync: { id: string } }>(OPEN_MUTATION, {
    input: { ...settings, memberships: [] },
  });
  const id = opened.openMembershipSync.id;
  for (let offset = 0; offset < memberships.length; offset += CHUNK_ROWS)
    await graphql(ADD_MUTATION, {
      input: { runId: id, offset, memberships: memberships.slice(offset, offset + CHUNK_ROWS) },
    });
  await graphql(START_MUTATION, { id });
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { syncRun: run } = await graphql<{
      syncRun: { status: string; errorCode: string | null; error: string | null; result: SyncResult | null };
    }>(RUN_QUERY, { id });
    if (run.status === "SUCCEEDED" && run.result) return run.result;
    if (run.status === "FAILED")
      throw new ApiError([{ message: run.error ?? "the run failed", extensions: { code: run.errorCode ?? "ERROR" } }]);
  }
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
  if (body.errors?.length) throw new ApiError(body.errors);
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

/** What the run would do, one membership a line: the file's line, the membership, who, where, as what, when. */
function printPlan(result: SyncResult, rows: CsvRow[]): void {
  const changes = [
    ...result.created.map((change) => ["create", change] as const),
    ...result.updated.map((change) => ["update", change] as const),
    ...result.ended.map((change) => ["end", change] as const),
  ];
  if (changes.length === 0) return;
  const table = [
    ["", "line", "membership", "person", "group", "role", "from", "to"],
    ...changes.map(([action, change]) => [
      action,
      change.index === null ? "-" : String(rows[change.index]?.line ?? "-"),
      change.externalId ?? "-",
      change.personName,
      change.group,
      change.role,
      change.validFrom,
      change.validTo ?? "",
    ]),
  ];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((line) => line[column]!.length)));
  for (const line of table)
    console.log(
      `  ${line
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join("  ")
        .trimEnd()}`,
    );
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10} %`;
}

function readCsv(file: string): { rows: CsvRow[]; delimiter: string } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new FatalError(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const content = text.replace(/^\uFEFF/, "");
  const delimiter = delimiterOf(content);
  const [header, ...records] = parseCsv(content, delimiter);
  const names = header?.cells.map((name) => name.trim().toLowerCase()) ?? [];
  const missing = COLUMNS.filter((column) => !names.includes(column));
  if (missing.length > 0) throw new FatalError(`${file} lacks the columns ${missing.join(", ")}`);
  const rows = records.map(({ line, cells }) => ({
    line,
    cells: Object.fromEntries(COLUMNS.map((column) => [column, cells[names.indexOf(column)] ?? ""])) as Record<
      Column,
      string
    >,
  }));
  return { rows, delimiter };
}

/** `;` when the header line has more semicolons than commas (Swedish Excel), else `,`. */
function delimiterOf(text: string): string {
  const header = text.split("\n", 1)[0] ?? "";
  const count = (char: string) => header.split(char).length - 1;
  return count(";") > count(",") ? ";" : ",";
}

/** Simple CSV: a field in double quotes may hold the delimiter, line breaks and "" for a quote. Blank lines are skipped. */
function parseCsv(text: string, delimiter: string): { line: number; cells: string[] }[] {
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
    } else if (char === delimiter) {
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
