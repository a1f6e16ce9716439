import type { AuditAction, AuditEntity } from "../generated/prisma/enums";
import { checkVersion } from "../graphql/errors";
import {
  changedFields,
  lockedRow,
  type AuditLog,
  type FieldChanges,
  type LockableTable,
  type TableRef,
  type Transaction,
} from "./audit-log";

/** An update of one record, described step by step; `updateRecord` runs the steps in the one safe order. */
export interface RecordUpdate<Row extends { version: number }> {
  /** The audit entity, and the action recorded (UPDATED unless given). */
  entity: AuditEntity;
  action?: Extract<AuditAction, "UPDATED" | "ENDED">;
  /** The table to lock the row in, and the row's database id. */
  table: LockableTable | TableRef;
  id: string;
  /** Reads the row (after it is locked). */
  read: () => Promise<Row | null>;
  /** What the row is, for NOT_FOUND ("No person has that ID"), and the argument that named it. */
  what: string;
  field?: string;
  /** Throws FORBIDDEN when the caller may not change this row. */
  authorize: (before: NoInfer<Row>) => void | Promise<void>;
  /** The caller's expected version, and how a version conflict names the record ("The person"). */
  expectedVersion: number | null | undefined;
  versionLabel: (before: NoInfer<Row>) => string;
  /** The new values of the changed fields; may check them and throw. */
  change: (before: NoInfer<Row>) => Partial<NoInfer<Row>> | Promise<Partial<NoInfer<Row>>>;
  /** The fields the audit trail compares. */
  auditFields: readonly (keyof NoInfer<Row> & string)[];
  /** Changes written outside the row (e.g. a person's contact details), recorded with the row's. */
  sideChanges?: (before: NoInfer<Row>) => Promise<FieldChanges>;
  /** Checks against other rows, run only when something changes. */
  check?: (next: NoInfer<Row>) => Promise<void>;
  /** Writes the row: `data` has the changed fields and the version increment. */
  write: (data: Partial<NoInfer<Row>> & { version: { increment: 1 } }) => Promise<NoInfer<Row>>;
  /** Follow-up writes once the row changed (e.g. keeping a group's former name). */
  afterWrite?: (before: NoInfer<Row>, after: NoInfer<Row>, changes: FieldChanges) => Promise<void>;
}

/**
 * The update template, inside a write transaction: lock the row → authorize → check the version →
 * diff → update with a version increment → audit. Nothing is written, and the version stays, when
 * nothing changes. Database errors are mapped by the surrounding `writeTransaction`.
 */
export async function updateRecord<Row extends { version: number }>(
  tx: Transaction,
  log: AuditLog,
  update: RecordUpdate<Row>,
): Promise<Row> {
  const before = await lockedRow(tx, update.table, update.id, update.read, update.what, update.field);
  await update.authorize(before);
  checkVersion(before, update.expectedVersion, update.versionLabel(before));
  const data = await update.change(before);
  const next = { ...before, ...data };
  const changes = { ...changedFields(before, next, update.auditFields), ...(await update.sideChanges?.(before)) };
  if (Object.keys(changes).length === 0) return before;
  await update.check?.(next);
  const after = await update.write({ ...data, version: { increment: 1 } });
  await update.afterWrite?.(before, after, changes);
  log.record({
    entity: update.entity,
    entityId: update.id,
    action: update.action ?? "UPDATED",
    version: after.version,
    changes,
  });
  return after;
}
