import { authorizeAdmin, authorizeAnyWrite, authorizeWrite } from "../../access/authorize";
import type { Caller } from "../../access/caller";
import { regionOfScope } from "../../access/scopes";
import type { Database } from "../../db/prisma";
import { Prisma } from "../../generated/prisma/client";
import { int, nullable, queryRows, row, text } from "../../db/sql";
import { GraphQLError } from "graphql";
import { decodeKeyCursor, DEFAULT_PAGE_SIZE, encodeKeyCursor, type Page } from "../../graphql/pagination";
import { NATIONAL_OWNER, storedResult, type SyncRunRow } from "./sync-runs";
import { checkRunId } from "./sync-run-chunks";
import { SyncMode } from "./sync.inputs";
import type { SyncRunsArgs, SyncRunView } from "./sync-run.types";
import type { SyncCounts, SyncResult } from "./sync.types";

const RUNS_CURSOR = "sync-runs";

/**
 * Reading sync runs. A run shows who synced what (and, for an asynchronous run, the people and
 * memberships of its result), so it is read by those who may run that sync: a key with `write`,
 * a region's key for runs whose every group its region owns, and `admin`.
 */
export class SyncRunReader {
  constructor(private readonly prisma: Database) {}

  static view(this: void, row: Omit<SyncRunRow, "result">): SyncRunView {
    return {
      id: row.id,
      sourceSystem: row.sourceSystem,
      startedBy: row.startedBy,
      mode: row.mode === "REPLACE" ? SyncMode.REPLACE : SyncMode.MERGE,
      dryRun: row.dryRun,
      asynchronous: row.asynchronous,
      status: row.status,
      rowsTotal: row.rowsTotal,
      rowsDone: row.rowsDone,
      applied: row.applied,
      counts: (row.counts as SyncCounts | null) ?? null,
      errorCode: row.errorCode,
      error: row.error,
      createdAt: row.createdAt,
      startedAt: row.startedAt,
      finishedAt: row.finishedAt,
    };
  }

  /**
   * A run's whole result, read only when asked for: a 50 000-row run's is tens of megabytes.
   * The run itself was read, and access to it checked, before.
   */
  async result(id: string): Promise<SyncResult | null> {
    // A part at a time: the driver decodes a statement's rows in one piece.
    const positions = await queryRows(
      this.prisma,
      Prisma.sql`SELECT "position" FROM "sync_run_result_part" WHERE "run_id" = ${id}::uuid ORDER BY "position"`,
      row({ position: int() }),
    );
    const parts: { list: string | null; json: string }[] = [];
    for (const { position } of positions) {
      const [part] = await queryRows(
        this.prisma,
        Prisma.sql`SELECT "list", "json" FROM "sync_run_result_part" WHERE "run_id" = ${id}::uuid AND "position" = ${position}`,
        row({ list: nullable(text()), json: text() }),
      );
      if (part) parts.push(part);
    }
    if (parts.length > 0) return storedResult(parts);
    // Runs stored before results were kept in parts.
    const [stored] = await queryRows(
      this.prisma,
      Prisma.sql`SELECT "result"::text AS "json" FROM "sync_run" WHERE "id" = ${id}::uuid AND "result" IS NOT NULL`,
      row({ json: text() }),
    );
    return stored ? storedResult([{ list: null, json: stored.json }]) : null;
  }

  async run(caller: Caller, id: string): Promise<SyncRunView | null> {
    refuseWithoutRunAccess(caller);
    checkRunId(id, "id");
    const row = await this.prisma.syncRun.findUnique({ where: { id }, omit: { result: true } });
    if (!row) return null;
    if (!caller.scopes.includes("admin"))
      authorizeWrite(
        caller,
        row.owners.map((owner) => (owner === NATIONAL_OWNER ? null : owner)),
        `the sync runs of these groups`,
      );
    return SyncRunReader.view(row);
  }

  /** Newest first, keyset-paginated on the creation sequence. */
  async runs(caller: Caller, args: SyncRunsArgs): Promise<Page<SyncRunView>> {
    refuseWithoutRunAccess(caller);
    const everything = caller.scopes.includes("admin") || caller.scopes.includes("write");
    const regions = caller.scopes.flatMap((scope) => regionOfScope(scope) ?? []);
    // A region's key reads the runs whose every group its regions own.
    const readable = everything ? Prisma.sql`TRUE` : Prisma.sql`"owners" <@ ${regions}::text[]`;
    const visible = Prisma.sql`"source_system" = ${args.sourceSystem} AND ${readable}`;
    const size = args.first ?? DEFAULT_PAGE_SIZE;
    const after = args.after ? decodeKeyCursor(RUNS_CURSOR, args.after, "after", ["int64"])[0]! : undefined;
    const [keys, [count]] = await Promise.all([
      queryRows(
        this.prisma,
        Prisma.sql`SELECT "id", "sequence"::text AS "sequence" FROM "sync_run"
          WHERE ${visible} AND (${after ?? null}::bigint IS NULL OR "sequence" < ${after ?? null}::bigint)
          ORDER BY "sequence" DESC LIMIT ${size + 1}`,
        row({ id: text(), sequence: text() }),
      ),
      queryRows(
        this.prisma,
        Prisma.sql`SELECT count(*)::int AS "total" FROM "sync_run" WHERE ${visible}`,
        row({ total: int() }),
      ),
    ]);
    const pageKeys = keys.slice(0, size);
    const rows = await this.prisma.syncRun.findMany({
      where: { id: { in: pageKeys.map((key) => key.id) } },
      omit: { result: true },
    });
    const byId = new Map(rows.map((found) => [found.id, found]));
    const sequences = new Map(pageKeys.map((key) => [key.id, key.sequence]));
    return {
      nodes: pageKeys.flatMap((key) => {
        const found = byId.get(key.id);
        return found ? [SyncRunReader.view(found)] : [];
      }),
      totalCount: count?.total ?? 0,
      hasNextPage: keys.length > size,
      hasPreviousPage: after !== undefined,
      cursorOf: (view) => encodeKeyCursor(RUNS_CURSOR, [sequences.get(view.id)!]),
    };
  }
}

/** Runs are read by keys that may sync (a write scope) and by admins; anyone else is refused before anything is read. */
function refuseWithoutRunAccess(caller: Caller): void {
  if (caller.scopes.includes("admin")) return;
  try {
    authorizeAnyWrite(caller, "memberships");
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    authorizeAdmin(caller, "sync runs (they need the admin scope or a write scope)");
  }
}
