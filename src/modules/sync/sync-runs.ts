import { randomInt } from "node:crypto";
import type { Actor } from "../../db/audit-log";
import { dedicatedConnection, type Database } from "../../db/prisma";
import { boolean, execute, queryRows, row, type SqlClient } from "../../db/sql";
import { Prisma, type SyncRun as SyncRunRow } from "../../generated/prisma/client";
import { SyncRunStatus } from "../../generated/prisma/enums";
import { ErrorCode, GraphQLErrorWithCode } from "../../graphql/errors";
import type { BackgroundServices, BackgroundWork } from "../../graphql/module";
import type { SyncMembershipsInput } from "./sync.inputs";
import type { SyncResult } from "./sync.types";

export type { SyncRunRow };

/** The first key of the advisory lock a server process holds on its own session while it lives. */
const INSTANCE_LOCK_CLASS = 0x5359_4e52; // "SYNR"

/** Written on a run whose server process is gone: true because a run's changes and its SUCCEEDED status commit in one transaction. */
export const INTERRUPTED = "interrupted by a server restart; nothing was applied";
const STOPPED_BEFORE_START = "the server stopped before the run started; nothing was applied";

/** How often a process looks for runs of processes that died, besides at start. */
const SWEEP_INTERVAL_MS = 60_000;

/** In a run's `owners`: a group with no county code, which only a `write` key may sync. */
export const NATIONAL_OWNER = "*";

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
  private readonly queue: { id: string; actor: Actor; input: SyncMembershipsInput }[] = [];
  private draining: Promise<void> | undefined;
  private stopped = false;
  private readonly sweeper: NodeJS.Timeout;

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
    runners.set(prisma, this);
    void this.sweep();
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS).unref();
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

  /** Queues an asynchronous run recorded with `recordStart`. */
  enqueue(id: string, actor: Actor, input: SyncMembershipsInput): void {
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
    await execute(
      client,
      Prisma.sql`UPDATE "sync_run" SET "status" = 'SUCCEEDED', "rows_done" = "rows_total", "applied" = ${result.applied},
        "counts" = ${JSON.stringify(result.counts)}::jsonb, "result" = ${keepResult ? storableJson(result) : null}::jsonb,
        "finished_at" = now() WHERE "id" = ${id}::uuid`,
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
        await this.runSync(actor, input, id, this);
      } catch (error) {
        if (!(error instanceof GraphQLErrorWithCode))
          this.logger.error({ err: error, syncRun: id }, "an asynchronous sync run failed unexpectedly");
        await this.recordFailure(id, error);
      }
    }
  }

  /**
   * Runs left QUEUED or RUNNING by a process that no longer holds its instance lock are FAILED.
   * Best effort: a database that is down now is swept at the next interval.
   */
  private async sweep(): Promise<void> {
    try {
      const interrupted = Prisma.sql`r."status" IN ('QUEUED', 'RUNNING') AND r."instance_key" <> ${this.instanceKey}
            AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l."locktype" = 'advisory' AND l."granted"
              AND l."classid" = ${INSTANCE_LOCK_CLASS}::int::oid AND l."objid" = r."instance_key"::oid AND l."objsubid" = 2)`;
      // Looked for first: an UPDATE, even of no rows, notifies every server's response cache.
      const [found] = await queryRows(
        this.prisma,
        Prisma.sql`SELECT EXISTS (SELECT 1 FROM "sync_run" r WHERE ${interrupted}) AS "any"`,
        row({ any: boolean() }),
      );
      if (!found?.any) return;
      const swept = await execute(
        this.prisma,
        Prisma.sql`UPDATE "sync_run" r SET "status" = 'FAILED', "error_code" = ${ErrorCode.SERVICE_UNAVAILABLE}, "error" = ${INTERRUPTED}, "finished_at" = now()
          WHERE ${interrupted}`,
      );
      if (swept > 0) this.logger.warn({ runs: swept }, "sync runs of a server process that stopped were marked FAILED");
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

const runners = new WeakMap<Database, SyncRuns>();

/** The sync runs of the server process using `prisma`; absent outside a running server (a schema build, a script). */
export function syncRunsOf(prisma: Database): SyncRuns {
  const runs = runners.get(prisma);
  if (!runs)
    throw new GraphQLErrorWithCode("Sync runs are not recorded by this process", ErrorCode.SERVICE_UNAVAILABLE);
  return runs;
}

/**
 * A result as JSON that `jsonb` and `text` take: a result echoes rows' cells, and a bad cell may
 * hold a NUL or a lone surrogate (reported on its row), which PostgreSQL refuses; each becomes U+FFFD.
 */
function storableJson(result: SyncResult): string {
  return JSON.stringify(result, (_key, value: unknown) => (typeof value === "string" ? storableText(value) : value));
}

function storableText(text: string): string {
  return (text as string & { toWellFormed(): string }).toWellFormed().replaceAll("\u0000", "\uFFFD");
}

/** Dates in a stored result come back as the Date objects the result types serialise. */
export function storedResult(json: unknown): SyncResult | null {
  if (json === null || json === undefined) return null;
  return JSON.parse(JSON.stringify(json), (key, value: unknown) =>
    (key === "validFrom" || key === "validTo") && typeof value === "string" ? new Date(value) : value,
  ) as SyncResult;
}
