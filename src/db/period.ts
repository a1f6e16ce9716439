import { Prisma } from "../generated/prisma/client";

/**
 * The one definition of "in force on a day", in the three forms the code needs: a JavaScript
 * predicate, a Prisma `where` fragment and a `Prisma.sql` fragment. A period runs from
 * `validFrom` to `validTo`, both days inclusive; a null `validTo` is open (still running), a
 * null `validFrom` (groups, hostings, participations) means since before records began.
 * "In force on day d" ⇔ (validFrom IS NULL OR validFrom ≤ d) AND (validTo IS NULL OR validTo ≥ d).
 * A null day asks about every period: every period is in force then. tests/period.test.ts
 * checks that the three forms agree on a real PostgreSQL.
 */
export interface Period {
  validFrom: Date | null;
  validTo: Date | null;
}

/** Whether the period includes `day`; every period does when `day` is null. */
export function isInForce(period: Period, day: Date | null): boolean {
  return (
    day === null ||
    ((period.validFrom === null || period.validFrom <= day) && (period.validTo === null || period.validTo >= day))
  );
}

/** Whether the period runs on after `lastDay`: it is open or ends later. What ending on `lastDay` cuts short. */
export function runsPast(period: Pick<Period, "validTo">, lastDay: Date): boolean {
  return period.validTo === null || period.validTo > lastDay;
}

/** The last day a period gets when it is ended on `lastDay`: a period that starts later ends on its first day. */
export function endedOn(period: { validFrom: Date }, lastDay: Date): Date {
  return period.validFrom > lastDay ? period.validFrom : lastDay;
}

/** Whether two periods share at least one day. */
export function periodsOverlap(a: Period, b: Period): boolean {
  return (
    (a.validFrom === null || b.validTo === null || a.validFrom <= b.validTo) &&
    (b.validFrom === null || a.validTo === null || b.validFrom <= a.validTo)
  );
}

/**
 * How a model's `validFrom` is declared: "required" (memberships) or "optional" (groups,
 * hostings, participations). Prisma rejects `validFrom: null` on a required column, so the
 * Prisma forms need to know; the meaning is the same.
 */
export type PeriodStart = "required" | "optional";

type StartOnOrBefore<Start extends PeriodStart> = Start extends "required"
  ? { validFrom: { lte: Date } }
  : { OR: [{ validFrom: null }, { validFrom: { lte: Date } }] };
type EndOnOrAfter = { OR: [{ validTo: null }, { validTo: { gte: Date } }] };

/** Prisma `where` fragment for `isInForce`: `{}` (no condition) when `day` is null. Wrapped in AND, so it may sit beside other OR conditions. */
export function inForceWhere<Start extends PeriodStart>(
  day: Date | null,
  start: Start,
): { AND: [StartOnOrBefore<Start>, EndOnOrAfter] } | Record<string, never> {
  if (day === null) return {};
  const from = (
    start === "required" ? { validFrom: { lte: day } } : { OR: [{ validFrom: null }, { validFrom: { lte: day } }] }
  ) as StartOnOrBefore<Start>;
  return { AND: [from, { OR: [{ validTo: null }, { validTo: { gte: day } }] }] };
}

/** Prisma `where` fragment for `runsPast`. */
export function runsPastWhere(lastDay: Date): { OR: [{ validTo: null }, { validTo: { gt: Date } }] } {
  return { OR: [{ validTo: null }, { validTo: { gt: lastDay } }] };
}

/** Prisma `where` fragment for `periodsOverlap` with a period whose start is known (a membership's). */
export function overlapsWhere(period: { validFrom: Date; validTo: Date | null }): {
  AND: [{ validFrom?: { lte: Date } }, { OR: [{ validTo: null }, { validTo: { gte: Date } }] }];
} {
  return {
    AND: [
      period.validTo === null ? {} : { validFrom: { lte: period.validTo } },
      { OR: [{ validTo: null }, { validTo: { gte: period.validFrom } }] },
    ],
  };
}

/**
 * The table aliases raw queries give period tables, each mapped to constant SQL: identifiers
 * never come from values. Add an alias here to use the predicate under a new one.
 */
const PERIOD_COLUMNS = {
  g: { from: Prisma.sql`g.valid_from`, to: Prisma.sql`g.valid_to` },
  m: { from: Prisma.sql`m.valid_from`, to: Prisma.sql`m.valid_to` },
  p: { from: Prisma.sql`p.valid_from`, to: Prisma.sql`p.valid_to` },
  h: { from: Prisma.sql`h.valid_from`, to: Prisma.sql`h.valid_to` },
} as const;

export type PeriodAlias = keyof typeof PERIOD_COLUMNS;

/** `Prisma.sql` condition for `isInForce` on the table aliased `alias`; the day is sent as a parameter; TRUE when `day` is null. */
export function inForceSql(alias: PeriodAlias, day: Date | null): Prisma.Sql {
  if (day === null) return Prisma.sql`TRUE`;
  const { from, to } = PERIOD_COLUMNS[alias];
  const on = Prisma.sql`${day.toISOString().slice(0, 10)}::date`;
  return Prisma.sql`((${from} IS NULL OR ${from} <= ${on}) AND (${to} IS NULL OR ${to} >= ${on}))`;
}

/** `Prisma.sql` condition for `runsPast` on the table aliased `alias`: a day (sent as a parameter) or a constant SQL expression, e.g. another table's `valid_to`. */
export function runsPastSql(alias: PeriodAlias, lastDay: Date | Prisma.Sql): Prisma.Sql {
  const { to } = PERIOD_COLUMNS[alias];
  const last = lastDay instanceof Date ? Prisma.sql`${lastDay.toISOString().slice(0, 10)}::date` : lastDay;
  return Prisma.sql`(${to} IS NULL OR ${to} > ${last})`;
}
