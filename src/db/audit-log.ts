import type { AuditAction, AuditEntity } from "../generated/prisma/enums";
import { Prisma } from "../generated/prisma/client";
import type { Database } from "./prisma";
import type { Caller } from "../access/caller";
import { NotFoundError } from "../graphql/errors";
import { isoDay } from "../graphql/period";
import { withWriteRetries } from "./write-transaction";
import { execute, int, queryRows, row } from "./sql";

export type Transaction = Prisma.TransactionClient;

/** Who writes, and in which request: recorded with every change. */
export interface Actor {
  caller: Caller;
  requestId: string | null;
}

export type FieldChanges = Record<string, [unknown, unknown]>;

export interface ChangeRecord {
  entity: AuditEntity;
  entityId: string;
  action: AuditAction;
  /** The record's version after the change. */
  version: number;
  changes: FieldChanges;
}

/**
 * Every transaction that writes audit events takes this lock just before it inserts them and
 * holds it until it commits. Event ids are therefore handed out in commit order, so a reader of
 * the change feed that has seen id n can never later find a committed event below n.
 */
export const CHANGE_FEED_LOCK = 0x4b47_4346;

/** Audit events written per statement: 5 000 held the event loop about 130 ms (serialising them, then Prisma's query compiler reading the parameter). */
const AUDIT_CHUNK_RECORDS = 2_000;

/** The changes of one transaction, written together when it is about to commit. */
export class AuditLog {
  private readonly records: ChangeRecord[] = [];

  record(change: ChangeRecord): void {
    if (change.action !== "UPDATED" || Object.keys(change.changes).length > 0) this.records.push(change);
  }

  get size(): number {
    return this.records.length;
  }

  async flush(tx: Transaction, actor: Actor, syncRunId: string | null): Promise<void> {
    if (this.records.length === 0) return;
    await execute(tx, Prisma.sql`SELECT pg_advisory_xact_lock(${CHANGE_FEED_LOCK}::bigint)`);
    // In chunks, each one JSON parameter, with a turn of the event loop between them: handing a
    // statement's parameters to the driver holds the event loop in proportion to their size, and
    // a large sync writes 100 000 events. Ids still follow the order of the records.
    for (let start = 0; start < this.records.length; start += AUDIT_CHUNK_RECORDS) {
      if (start > 0) await new Promise((resolve) => setImmediate(resolve));
      const chunk = this.records.slice(start, start + AUDIT_CHUNK_RECORDS).map((r) => ({
        entity: r.entity,
        entity_id: r.entityId,
        action: r.action,
        version: r.version,
        changes: r.changes,
      }));
      await execute(
        tx,
        Prisma.sql`INSERT INTO "audit_event" ("actor", "request_id", "sync_run_id", "entity", "entity_id", "action", "version", "changes")
         SELECT ${actor.caller.name}::text, ${actor.requestId}::text, ${syncRunId}::uuid, u.entity::"AuditEntity", u.entity_id, u.action::"AuditAction", u.version, u.changes
         FROM json_to_recordset(${JSON.stringify(chunk)}::json) AS u(entity text, entity_id uuid, action text, version int, changes jsonb)`,
      );
    }
    this.records.length = 0;
  }
}

export interface WriteOptions {
  syncRunId?: string | null;
  /** Roll back at the end instead of committing; the audit events are written first, so the path is the same. */
  dryRun?: boolean;
  timeoutMs?: number;
}

class DryRunRollback<T> extends Error {
  constructor(readonly result: T) {
    super("dry run");
  }
}

/**
 * Runs `work` in one transaction and records its audit trail in it: all of it commits, or none.
 * Database errors go through the one mapping of `withWriteRetries`: a key taken by a concurrent
 * write reruns `work` (its checks then name the holder), contention is retried, nothing reaches
 * the caller as an internal error. `work` may therefore run more than once and must not have
 * effects outside the transaction.
 */
export function writeTransaction<T>(
  prisma: Database,
  actor: Actor,
  work: (tx: Transaction, log: AuditLog) => Promise<T>,
  options: WriteOptions = {},
): Promise<T> {
  return withWriteRetries(async () => {
    try {
      return await prisma.$transaction(
        async (tx) => {
          const log = new AuditLog();
          const result = await work(tx, log);
          await log.flush(tx, actor, options.syncRunId ?? null);
          if (options.dryRun) throw new DryRunRollback(result);
          return result;
        },
        { timeout: options.timeoutMs ?? 30_000, maxWait: 30_000 },
      );
    } catch (error) {
      if (error instanceof DryRunRollback) return error.result as T;
      throw error;
    }
  });
}

/** The fields whose values differ, as { field: [before, after] }; dates compared and shown as days. */
export function changedFields<Row extends object>(
  before: Partial<Row>,
  after: Partial<Row>,
  fields: readonly (keyof Row & string)[],
): FieldChanges {
  const changes: FieldChanges = {};
  for (const field of fields) {
    const from = auditValue(before[field]);
    const to = auditValue(after[field]);
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[field] = [from, to];
  }
  return changes;
}

/** The fields a caller gave: undefined means "leave as it is", null means "clear". */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}

/** The fields of a new record, as { field: [null, value] }. */
export function createdFields<Row extends object>(row: Row, fields: readonly (keyof Row & string)[]): FieldChanges {
  return changedFields<Row>({}, row, fields);
}

function auditValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date)
    return value.toISOString().endsWith("T00:00:00.000Z") ? isoDay(value) : value.toISOString();
  return value;
}

/** A table a write may lock rows in: its name checked once, when the constant is made, and quoted. */
export interface TableRef {
  readonly name: string;
  readonly sql: Prisma.Sql;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** A table reference for `lockedRow`, made once as a module's constant: a table name never comes from a value. */
export function tableRef(name: string): TableRef {
  if (!IDENTIFIER.test(name)) throw new Error(`"${name}" is not a plain table name`);
  return { name, sql: Prisma.raw(`"${name}"`) };
}

/** The core tables whose rows writes lock. */
const LOCKABLE = {
  governance_group: tableRef("governance_group"),
  organisation: tableRef("organisation"),
  person: tableRef("person"),
  membership: tableRef("membership"),
} as const;

export type LockableTable = keyof typeof LOCKABLE;

/** Locks the row for the rest of the transaction, then reads it; NOT_FOUND when there is none. */
export async function lockedRow<Row>(
  tx: Transaction,
  table: LockableTable | TableRef,
  id: string,
  read: () => Promise<Row | null>,
  what: string,
  field = "input.id",
): Promise<Row> {
  const ref = typeof table === "string" ? LOCKABLE[table] : table;
  await queryRows(
    tx,
    Prisma.sql`SELECT 1 AS "locked" FROM ${ref.sql} WHERE "id" = ${id}::uuid FOR UPDATE`,
    row({ locked: int() }),
  );
  const found = await read();
  if (!found) throw new NotFoundError(`No ${what.toLowerCase()} has that ID`, field);
  return found;
}
