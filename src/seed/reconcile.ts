/** Outcome of bringing one table in line with the desired rows. */
export interface ReconcileCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface ReconcileOptions<Row> {
  desired: Row[];
  existing: Row[];
  keyOf: (row: Row) => string;
  create: (rows: Row[]) => Promise<unknown>;
  update: (row: Row) => Promise<unknown>;
}

/**
 * Creates the desired rows that are missing and updates those that differ; rows equal to the
 * desired state are not written at all, so a second run changes nothing. Never deletes.
 */
export async function reconcile<Row extends object>({
  desired,
  existing,
  keyOf,
  create,
  update,
}: ReconcileOptions<Row>): Promise<ReconcileCounts> {
  const existingByKey = new Map(existing.map((row) => [keyOf(row), row]));
  const missing: Row[] = [];
  const changed: Row[] = [];
  for (const row of desired) {
    const current = existingByKey.get(keyOf(row));
    if (!current) missing.push(row);
    else if (!sameFields(row, current)) changed.push(row);
  }
  if (missing.length > 0) await create(missing);
  for (const row of changed) await update(row);
  return {
    created: missing.length,
    updated: changed.length,
    unchanged: desired.length - missing.length - changed.length,
  };
}

function sameFields(desired: object, current: object): boolean {
  const currentFields = current as Record<string, unknown>;
  return Object.entries(desired).every(([field, value]) => sameValue(value, currentFields[field]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a) === JSON.stringify(b);
  return (a ?? null) === (b ?? null);
}
