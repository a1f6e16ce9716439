import { randomInt } from "node:crypto";
import type { Actor } from "../../db/audit-log";
import { dedicatedConnection, poolOf, type Database } from "../../db/prisma";
import { boolean, execute, queryRows, row, type SqlClient } from "../../db/sql";
import { Prisma, type SyncRun as SyncRunRow } from "../../generated/prisma/client";
import { SyncRunStatus } from "../../generated/prisma/enums";
import { ErrorCode, GraphQLErrorWithCode } from "../../graphql/errors";
import type { BackgroundServices, BackgroundWork } from "../../graphql/module";
import type { SyncMembershipInput, SyncMembershipsInput } from "./sync.inputs";
import type { SyncResult } from "./sync.types";
import { lockOpenedRun, NATIONAL_OWNER, SyncRunChunks, type SyncSettings } from "./sync-run-chunks";

export { NATIONAL_OWNER };

export type { SyncRunRow };

/** The first key of the advisory lock a server process holds on its own session while it lives. */
const INSTANCE_LOCK_CLASS = 0x5359_4e52; // "SYNR"

/** Written on a run whose server process is gone: true because a run's changes and its SUCCEEDED status commit in one transaction. */
export const INTERRUPTED = "interrupted by a server restart; nothing was applied";
const STOPPED_BEFORE_START = "the server stopped before the run started; nothing was applied";
const ABANDONED = "opened but not started within 24 hours; nothing was applied";

/** How long an opened run waits for its rows and its start before the sweeper drops it. */
const OPEN_RUN_HOURS = 24;

/** How often a process looks for runs of processes that died, besides at start. */
const SWEEP_INTERVAL_MS = 60_000;

/** Rows between two progress updates of a run. */
export const PROGRESS_EVERY_ROWS = 5_000;

/**
 * Sync runs of one server process: it records every run (asynchronous or not) in `sync_run`, runs
 * the asynchronous ones one after another in the background, and marks runs whose process died
 * as FAILED. Whether a process lives is told by a session-level advisory lock it holds on its own
 * connection while it runs syncs: PostgreSQL drops it when the process dies (even by SIGKILL).
 */
export class SyncRuns implements BackgroundWork {
  readonly instanceKey = randomInt(1, 2 ** 31 - 1);
  private lockClient: ReturnType<typeof dedicatedConnection> | undefined;
  private locking: Promise<void> | undefined;
  /** Runs to do, in order; `input` undefined: an opened run, whose rows are read when it starts. */
  private readonly queue: { id: string; actor: Actor; input: SyncMembershipsInput | undefined }[] = [];
  private readonly chunks: SyncRunChunks;
  private draining: Promise<void> | undefined;
  private stopped = false;
  private readonly sweeper: NodeJS.Timeout;
  /**
   * Each sync holds one pool connection for its whole transaction. Without a bound, as many syncs
   * at once as the pool has connections (every region's nightly run) would take them all, and
   * every other request of the process, reads included, would wait for a connection until it
   * failed with SERVICE_UNAVAILABLE. At most half the pool runs syncs; the others wait their turn.
   */
  private readonly transactionSlots: Slots;

  constructor(
    private readonly prisma: Database,
    private readonly logger: BackgroundServices["logger"],
    private readonly runSync: (
      actor: Actor,
      input: SyncMembershipsInput,
      runId: string,
      runs: SyncRuns,
    ) => Promise<SyncResult>,
  ) {
    this.chunks = new SyncRunChunks(prisma);
    this.transactionSlots = new Slots(Math.max(1, Math.floor((poolOf(prisma)?.options.max ?? 10) / 2)));
    runners.set(prisma, this);
    void this.sweep();
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS).unref();
  }

  /** Runs a sync's transaction once fewer than half the pool's connections are in syncs (first come, first served). */
  inTransactionSlot<T>(work: () => Promise<T>): Promise<T> {
    return this.transactionSlots.use(work);
  }

  /** Records a run before it starts; from here on a restart finds it. */
  async recordStart(
    id: string,
    actor: Actor,
    input: SyncMembershipsInput,
    owners: string[],
    asynchronous: boolean,
  ): Promise<SyncRunRow> {
    await this.holdInstanceLock();
    return this.prisma.syncRun.create({
      data: {
        id,
        sourceSystem: input.sourceSystem,
        startedBy: actor.caller.name,
        mode: input.mode,
        dryRun: input.dryRun,
        asynchronous,
        owners,
        status: asynchronous ? SyncRunStatus.QUEUED : SyncRunStatus.RUNNING,
        rowsTotal: input.memberships.length,
        instanceKey: this.instanceKey,
        ...(asynchronous ? {} : { startedAt: new Date() }),
      },
    });
  }

  /**
   * Records a run opened with `openMembershipSync` (STAGING), with its first chunk of rows. It is
   * tied to no server process until it starts: its chunks may reach any of them.
   */
  async recordOpen(id: string, actor: Actor, input: SyncMembershipsInput, owners: string[]): Promise<SyncRunRow> {
    const { memberships, ...settings } = input;
    const stored: SyncSettings = settings;
    return this.prisma.$transaction(async (tx) => {
      const run = await tx.syncRun.create({
        data: {
          id,
          sourceSystem: input.sourceSystem,
          startedBy: actor.caller.name,
          mode: input.mode,
          dryRun: input.dryRun,
          asynchronous: true,
          owners,
          status: SyncRunStatus.STAGING,
          rowsTotal: memberships.length,
          instanceKey: this.instanceKey,
          settings: JSON.parse(JSON.stringify(stored)) as Prisma.InputJsonObject,
        },
      });
      await SyncRunChunks.storeFirst(tx, id, memberships);
      return run;
    });
  }

  /** Appends a chunk to an opened run (see `SyncRunChunks.add`). */
  addRows(actor: Actor, id: string, offset: number, rows: readonly SyncMembershipInput[]): Promise<SyncRunRow> {
    return this.chunks.add(actor.caller, id, offset, rows);
  }

  /** Starts an opened run: QUEUED in this process, which reads its rows when its turn comes. */
  async startOpened(actor: Actor, id: string): Promise<SyncRunRow> {
    await this.holdInstanceLock();
    const run = await this.prisma.$transaction(async (tx) => {
      await lockOpenedRun(tx, actor.caller, id, "start", "id");
      return tx.syncRun.update({
        where: { id },
        data: { status: SyncRunStatus.QUEUED, instanceKey: this.instanceKey },
      });
    });
    this.enqueue(id, actor, undefined);
    return run;
  }

  /** Queues an asynchronous run recorded with `recordStart`, or an opened run (`input` undefined). */
  enqueue(id: string, actor: Actor, input: SyncMembershipsInput | undefined): void {
    this.queue.push({ id, actor, input });
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
  }

  /** The run's progress; best effort, as a progress report must not fail the run. */
  async progress(id: string, rowsDone: number): Promise<void> {
    try {
      // A late update must not overwrite a finished run's count.
      await execute(
        this.prisma,
        Prisma.sql`UPDATE "sync_run" SET "rows_done" = ${rowsDone} WHERE "id" = ${id}::uuid AND "status" IN ('QUEUED', 'RUNNING')`,
      );
    } catch (error) {
      this.logger.warn({ err: error, syncRun: id }, "could not record a sync run's progress");
    }
  }

  /**
   * The finished run's outcome, as a statement for `client`: inside the sync's own transaction,
   * so that a run whose changes committed never stays RUNNING, and one still RUNNING applied nothing.
   */
  async recordResult(client: SqlClient, id: string, result: SyncResult, keepResult: boolean) {
    // The parts first: outside a transaction (a dry run's outcome, written after its rollback) a
    // reader that sees SUCCEEDED then finds the whole result.
    if (keepResult) {
      let position = 0;
      for (const [list, json] of await resultParts(result))
        await execute(
          client,
          Prisma.sql`INSERT INTO "sync_run_result_part" ("run_id", "position", "list", "json") VALUES (${id}::uuid, ${position++}, ${list}, ${json})`,
        );
    }
    await execute(
      client,
      Prisma.sql`UPDATE "sync_run" SET "status" = 'SUCCEEDED', "rows_done" = "rows_total", "applied" = ${result.applied},
        "counts" = ${JSON.stringify(result.counts)}::jsonb, "finished_at" = now() WHERE "id" = ${id}::uuid`,
    );
  }

  async recordFailure(id: string, error: unknown): Promise<void> {
    const code =
      error instanceof GraphQLErrorWithCode ? String(error.extensions.code) : ErrorCode.INTERNAL_SERVER_ERROR;
    const message = storableText(
      error instanceof GraphQLErrorWithCode ? error.message : "The run failed unexpectedly; nothing was applied",
    );
    try {
      await execute(
        this.prisma,
        Prisma.sql`UPDATE "sync_run" SET "status" = 'FAILED', "error_code" = ${code}, "error" = ${message}, "finished_at" = now()
          WHERE "id" = ${id}::uuid AND "status" IN ('QUEUED', 'RUNNING')`,
      );
    } catch (recordError) {
      this.logger.error({ err: recordError, syncRun: id }, "could not record a sync run's failure");
    }
  }

  /** Lets the running run finish; runs still queued are marked FAILED (they never started). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweeper);
    const left = this.queue.splice(0);
    if (left.length > 0)
      await execute(
        this.prisma,
        Prisma.sql`UPDATE "sync_run" SET "status" = 'FAILED', "error_code" = ${ErrorCode.SERVICE_UNAVAILABLE}, "error" = ${STOPPED_BEFORE_START}, "finished_at" = now()
          WHERE "id" = ANY(${left.map((run) => run.id)}::uuid[]) AND "status" = 'QUEUED'`,
      ).catch((error: unknown) => this.logger.error({ err: error }, "could not record queued sync runs as stopped"));
    await this.draining;
    await this.lockClient?.end().catch(() => undefined);
    runners.delete(this.prisma);
  }

  private async drain(): Promise<void> {
    for (let next = this.queue.shift(); next && !this.stopped; next = this.queue.shift()) {
      const { id, actor, input } = next;
      try {
        await execute(
          this.prisma,
          Prisma.sql`UPDATE "sync_run" SET "status" = 'RUNNING', "started_at" = now() WHERE "id" = ${id}::uuid AND "status" = 'QUEUED'`,
        );
        await this.runSync(actor, input ?? (await this.chunks.input(id)), id, this);
      } catch (error) {
        if (!(error instanceof GraphQLErrorWithCode))
          this.logger.error({ err: error, syncRun: id }, "an asynchronous sync run failed unexpectedly");
        await this.recordFailure(id, error);
      }
      if (input === undefined)
        await this.chunks
          .drop(id)
          .catch((error: unknown) => this.logger.warn({ err: error, syncRun: id }, "could not drop a sync run's rows"));
    }
  }

  /**
   * Runs left QUEUED or RUNNING by a process that no longer holds its instance lock are FAILED,
   * and so are runs opened but not started for a day; the rows kept for finished runs are
   * dropped. Best effort: a database that is down now is swept at the next interval.
   */
  private async sweep(): Promise<void> {
    try {
      const interrupted = Prisma.sql`r."status" IN ('QUEUED', 'RUNNING') AND r."instance_key" <> ${this.instanceKey}
            AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l."locktype" = 'advisory' AND l."granted"
              AND l."classid" = ${INSTANCE_LOCK_CLASS}::int::oid AND l."objid" = r."instance_key"::oid AND l."objsubid" = 2)`;
      const abandoned = Prisma.sql`r."status" = 'STAGING' AND r."created_at" < now() - make_interval(hours => ${OPEN_RUN_HOURS})`;
      const leftover = Prisma.sql`EXISTS (SELECT 1 FROM "sync_run_chunk" c JOIN "sync_run" r ON r."id" = c."run_id" WHERE r."status" IN ('SUCCEEDED', 'FAILED'))`;
      // Looked for first: an UPDATE or DELETE, even of no rows, notifies every server's response cache.
      const [found] = await queryRows(
        this.prisma,
        Prisma.sql`SELECT EXISTS (SELECT 1 FROM "sync_run" r WHERE ${interrupted}) AS "interrupted",
          EXISTS (SELECT 1 FROM "sync_run" r WHERE ${abandoned}) AS "abandoned", ${leftover} AS "leftover"`,
        row({ interrupted: boolean(), abandoned: boolean(), leftover: boolean() }),
      );
      if (found?.interrupted) {
        const swept = await execute(
          this.prisma,
          Prisma.sql`UPDATE "sync_run" r SET "status" = 'FAILED', "error_code" = ${ErrorCode.SERVICE_UNAVAILABLE}, "error" = ${INTERRUPTED}, "finished_at" = now()
            WHERE ${interrupted}`,
        );
        if (swept > 0)
          this.logger.warn({ runs: swept }, "sync runs of a server process that stopped were marked FAILED");
      }
      if (found?.abandoned) {
        const swept = await execute(
          this.prisma,
          Prisma.sql`UPDATE "sync_run" r SET "status" = 'FAILED', "error_code" = ${ErrorCode.BAD_USER_INPUT}, "error" = ${ABANDONED}, "finished_at" = now()
            WHERE ${abandoned}`,
        );
        if (swept > 0) this.logger.warn({ runs: swept }, "opened sync runs never started were marked FAILED");
      }
      if (found?.interrupted || found?.abandoned || found?.leftover)
        await execute(
          this.prisma,
          Prisma.sql`DELETE FROM "sync_run_chunk" c USING "sync_run" r WHERE r."id" = c."run_id" AND r."status" IN ('SUCCEEDED', 'FAILED')`,
        );
    } catch (error) {
      this.logger.warn({ err: error }, "could not look for interrupted sync runs");
    }
  }

  /** Takes this process's instance lock on a connection of its own, once (again after that connection is lost). */
  private async holdInstanceLock(): Promise<void> {
    this.locking ??= (async () => {
      const client = dedicatedConnection(this.prisma);
      client.on("error", (error) => {
        this.logger.warn({ err: error }, "lost the connection holding the sync instance lock");
        this.lockClient = undefined;
        this.locking = undefined;
      });
      await client.connect();
      await client.query("SELECT pg_advisory_lock($1::int, $2::int)", [INSTANCE_LOCK_CLASS, this.instanceKey]);
      this.lockClient = client;
    })().catch((error: unknown) => {
      this.locking = undefined;
      throw error;
    });
    await this.locking;
  }
}

/** A counting semaphore whose waiters are served in order. */
class Slots {
  private readonly waiting: (() => void)[] = [];

  constructor(private free: number) {}

  async use<T>(work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiter, so no newcomer can overtake it.
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

const runners = new WeakMap<Database, SyncRuns>();

/** The sync runs of the server process using `prisma`; absent outside a running server (a schema build, a script). */
export function syncRunsOf(prisma: Database): SyncRuns {
  const runs = runners.get(prisma);
  if (!runs)
    throw new GraphQLErrorWithCode("Sync runs are not recorded by this process", ErrorCode.SERVICE_UNAVAILABLE);
  return runs;
}

/** Items of a result's lists in one part, serialised in one turn of the event loop. */
const ITEMS_PER_PART = 2_000;

/**
 * A result as parts of JSON text that `text` takes: a result echoes rows' cells, and a bad cell
 * may hold a NUL or a lone surrogate (reported on its row), which PostgreSQL refuses; each
 * becomes U+FFFD. First its fields other than lists (list null), then each list in slices of
 * `ITEMS_PER_PART`, with turns of the event loop between: a 50 000-row result is tens of
 * megabytes of JSON, too much for one turn and for one statement.
 */
async function resultParts(result: SyncResult): Promise<[list: string | null, json: string][]> {
  const replacer = (_key: string, value: unknown) => (typeof value === "string" ? storableText(value) : value);
  const fields: Record<string, unknown> = {};
  const parts: [string | null, string][] = [[null, ""]];
  for (const [key, value] of Object.entries(result)) {
    if (!Array.isArray(value)) {
      fields[key] = value;
      continue;
    }
    if (value.length === 0) fields[key] = [];
    for (let start = 0; start < value.length; start += ITEMS_PER_PART) {
      await new Promise((resolve) => setImmediate(resolve));
      parts.push([key, JSON.stringify(value.slice(start, start + ITEMS_PER_PART), replacer)]);
    }
  }
  parts[0]![1] = JSON.stringify(fields, replacer);
  return parts;
}

function storableText(text: string): string {
  return (text as string & { toWellFormed(): string }).toWellFormed().replaceAll("\u0000", "\uFFFD");
}

/**
 * A result from its stored parts (see `resultParts`), parsed a part at a time, with the dates of
 * its changes as the Date objects the result types serialise.
 */
export async function storedResult(
  parts: readonly { list: string | null; json: string }[],
): Promise<SyncResult | null> {
  if (parts.length === 0) return null;
  const result: Record<string, unknown> = {};
  for (const { list, json } of parts) {
    const value = JSON.parse(json) as unknown;
    if (list === null) Object.assign(result, value);
    else {
      const items = (result[list] ??= []) as unknown[];
      for (const item of value as unknown[]) items.push(item);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const { created, updated, ended } = result as unknown as SyncResult;
  for (const changes of [created, updated, ended])
    for (const change of changes ?? []) {
      change.validFrom = new Date(change.validFrom);
      if (change.validTo !== null) change.validTo = new Date(change.validTo);
    }
  return result as unknown as SyncResult;
}
