import { authorizeWrite } from "../../access/authorize";
import type { Caller } from "../../access/caller";
import type { Database } from "../../db/prisma";
import { execute, int, nullable, queryRows, row, text, type SqlClient } from "../../db/sql";
import { Prisma, type SyncRun as SyncRunRow } from "../../generated/prisma/client";
import { BadUserInputError, ConflictError, ErrorCode, GraphQLErrorWithCode, NotFoundError } from "../../graphql/errors";
import { MAX_STAGED_SYNC_ROWS, type SyncMembershipInput, type SyncMembershipsInput } from "./sync.inputs";

/** In a run's `owners`: a group with no county code, which only a `write` key may sync. */
export const NATIONAL_OWNER = "*";

const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Refuses, naming `field`, what is not a run id (a UUID) before it reaches SQL. */
export function checkRunId(runId: string, field: string): void {
  if (!RUN_ID.test(runId)) throw new BadUserInputError(`\`${field}\` is not a sync run id`, field);
}

/** What an opened run keeps of its input besides the rows: read back when it starts. */
export type SyncSettings = Omit<SyncMembershipsInput, "memberships">;

/** The rows of a chunk as stored: JSON text (see `SyncRunChunk.rows`). */
function chunkText(rows: readonly SyncMembershipInput[]): string {
  return JSON.stringify(rows);
}

/**
 * The rows of runs opened with `openMembershipSync`, sent in chunks of at most `MAX_SYNC_ROWS`
 * (one request each, so that no request's parsing holds the event loop long), kept in
 * `sync_run_chunk` until the run finishes. Chunks live in the database, not in a server
 * process: behind a load balancer each chunk may reach another process.
 */
export class SyncRunChunks {
  constructor(private readonly prisma: Database) {}

  /** Stores a chunk of `client`'s new run; the run's `rows_total` already counts it. */
  static async storeFirst(client: SqlClient, runId: string, rows: readonly SyncMembershipInput[]): Promise<void> {
    if (rows.length === 0) return;
    await execute(
      client,
      Prisma.sql`INSERT INTO "sync_run_chunk" ("run_id", "offset", "row_count", "rows") VALUES (${runId}::uuid, 0, ${rows.length}, ${chunkText(rows)})`,
    );
  }

  /**
   * Appends a chunk at `offset`, which must be the run's row count so far; a chunk sent again at
   * its offset with the same rows changes nothing (its first answer may have been lost), with
   * other rows it is a CONFLICT.
   */
  async add(caller: Caller, runId: string, offset: number, rows: readonly SyncMembershipInput[]): Promise<SyncRunRow> {
    return this.prisma.$transaction(async (tx) => {
      const run = await lockOpenedRun(tx, caller, runId, "add rows to", "input.runId");
      const [sent] = await queryRows(
        tx,
        Prisma.sql`SELECT "row_count" AS "rowCount", "rows" FROM "sync_run_chunk" WHERE "run_id" = ${runId}::uuid AND "offset" = ${offset}`,
        row({ rowCount: int(), rows: text() }),
      );
      if (sent) {
        if (sent.rowCount === rows.length && sent.rows === chunkText(rows)) return run;
        throw new ConflictError(
          `A different chunk of ${sent.rowCount} rows was already sent at offset ${offset}; the next chunk goes at offset ${run.rowsTotal}`,
          { expectedOffset: run.rowsTotal },
        );
      }
      if (offset !== run.rowsTotal)
        throw new GraphQLErrorWithCode(
          `The next chunk of this run goes at offset ${run.rowsTotal} (the rows sent so far), not ${offset}`,
          ErrorCode.BAD_USER_INPUT,
          { fields: [{ path: "input.offset", message: `expected ${run.rowsTotal}` }], expectedOffset: run.rowsTotal },
        );
      if (run.rowsTotal + rows.length > MAX_STAGED_SYNC_ROWS)
        throw new BadUserInputError(
          `A run takes at most ${MAX_STAGED_SYNC_ROWS} rows; it has ${run.rowsTotal}, and this chunk has ${rows.length}`,
          "input.memberships",
        );
      await execute(
        tx,
        Prisma.sql`INSERT INTO "sync_run_chunk" ("run_id", "offset", "row_count", "rows") VALUES (${runId}::uuid, ${offset}, ${rows.length}, ${chunkText(rows)})`,
      );
      return tx.syncRun.update({ where: { id: runId }, data: { rowsTotal: run.rowsTotal + rows.length } });
    });
  }

  /** The run's input, read back in chunks, yielding to the event loop between them. */
  async input(runId: string): Promise<SyncMembershipsInput> {
    const [run] = await queryRows(
      this.prisma,
      Prisma.sql`SELECT "settings"::text AS "settings", "rows_total" AS "rowsTotal",
          (SELECT coalesce(sum("row_count"), 0)::int FROM "sync_run_chunk" WHERE "run_id" = ${runId}::uuid) AS "rowsKept"
        FROM "sync_run" WHERE "id" = ${runId}::uuid`,
      row({ settings: nullable(text()), rowsTotal: int(), rowsKept: int() }),
    );
    if (!run?.settings) throw new Error(`Sync run ${runId} was not opened with openMembershipSync`);
    if (run.rowsKept !== run.rowsTotal)
      throw new GraphQLErrorWithCode(
        `The run's rows are incomplete (${run.rowsKept} of ${run.rowsTotal} kept); nothing was applied`,
        ErrorCode.CONFLICT,
      );
    const settings = JSON.parse(run.settings) as SyncSettings;
    const offsets = await queryRows(
      this.prisma,
      Prisma.sql`SELECT "offset" FROM "sync_run_chunk" WHERE "run_id" = ${runId}::uuid ORDER BY "offset"`,
      row({ offset: int() }),
    );
    const memberships: SyncMembershipInput[] = [];
    for (const { offset } of offsets) {
      const [chunk] = await queryRows(
        this.prisma,
        Prisma.sql`SELECT "rows" FROM "sync_run_chunk" WHERE "run_id" = ${runId}::uuid AND "offset" = ${offset}`,
        row({ rows: text() }),
      );
      for (const membership of JSON.parse(chunk!.rows) as SyncMembershipInput[]) memberships.push(membership);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { ...settings, memberships };
  }

  /** Drops a finished run's rows. Best effort: the sweeper drops what is left. */
  async drop(runId: string): Promise<void> {
    await execute(this.prisma, Prisma.sql`DELETE FROM "sync_run_chunk" WHERE "run_id" = ${runId}::uuid`);
  }
}

/**
 * Locks a run opened with `openMembershipSync` and still open, for the key that opened it: other
 * keys, even with the same scopes, neither see it nor change it.
 */
export async function lockOpenedRun(
  tx: Prisma.TransactionClient,
  caller: Caller,
  runId: string,
  doing: string,
  field: string,
): Promise<SyncRunRow> {
  checkRunId(runId, field);
  const [locked] = await queryRows(
    tx,
    Prisma.sql`SELECT "id" FROM "sync_run" WHERE "id" = ${runId}::uuid FOR UPDATE`,
    row({ id: text() }),
  );
  const run = locked ? await tx.syncRun.findUnique({ where: { id: runId } }) : null;
  const notFound = () => new NotFoundError(`No run ${runId} was opened with this API key`, field);
  if (!run || run.settings === null) throw notFound();
  authorizeWrite(
    caller,
    run.owners.map((owner) => (owner === NATIONAL_OWNER ? null : owner)),
    "memberships of the run's scope",
  );
  if (run.startedBy !== caller.name) throw notFound();
  if (run.status !== "STAGING")
    throw new ConflictError(`Cannot ${doing} run ${runId}: it was started already (status ${run.status})`, {
      status: run.status,
    });
  return run;
}
