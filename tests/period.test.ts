import { createPrismaClient, type Database } from "../src/db/prisma";
import { Prisma } from "../src/generated/prisma/client";
import {
  inForceSql,
  inForceWhere,
  isInForce,
  overlapsWhere,
  periodsOverlap,
  runsPast,
  runsPastSql,
  runsPastWhere,
  type Period,
} from "../src/db/period";
import { array, bigint, date, float, int, nullable, queryRows, row, SqlRowError, text } from "../src/db/sql";
import { sqlReader } from "../src/db/read-sql";
import { createTestDatabase, type TestDatabase } from "./support/test-database";

const day = (text: string) => new Date(`${text}T00:00:00Z`);
const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** Periods with every kind of end: open, closed, one day long, unknown start (groups only). */
const PERIODS: Period[] = [
  { validFrom: day("2024-01-01"), validTo: null },
  { validFrom: day("2024-01-01"), validTo: day("2024-01-31") },
  { validFrom: day("2024-01-15"), validTo: day("2024-01-15") },
  { validFrom: day("2024-02-01"), validTo: day("2024-03-31") },
  { validFrom: day("2023-06-01"), validTo: day("2023-12-31") },
  { validFrom: day("2024-03-01"), validTo: null },
];
const OPEN_START: Period[] = [
  { validFrom: null, validTo: null },
  { validFrom: null, validTo: day("2024-01-15") },
  { validFrom: null, validTo: day("2023-12-31") },
];

/** Days before, on and after every first and last day above, and null (every period). */
const DAYS: (Date | null)[] = [
  null,
  ...[
    "2023-05-31",
    "2023-06-01",
    "2023-12-31",
    "2024-01-01",
    "2024-01-14",
    "2024-01-15",
    "2024-01-16",
    "2024-01-31",
    "2024-02-01",
    "2024-02-29",
    "2024-03-01",
    "2024-03-31",
    "2024-04-01",
  ].map(day),
];

let database: TestDatabase;
let prisma: Database;
/** Case index by group slug and by membership id. */
const groupCase = new Map<string, number>();
const membershipCase = new Map<string, number>();

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient({ url: database.url, poolSize: 2 });
  const groupPeriods = [...PERIODS, ...OPEN_START];
  for (const [index, period] of groupPeriods.entries()) {
    const slug = `period-case-${index}`;
    await prisma.group.create({
      data: {
        slug,
        kind: "NSG",
        level: "NATIONAL",
        name: `Period case ${index}`,
        validFrom: period.validFrom,
        validTo: period.validTo,
        sources: [],
      },
    });
    groupCase.set(slug, index);
  }
  const host = await prisma.group.create({
    data: { slug: "period-host", kind: "NSG", level: "NATIONAL", name: "Period host", sources: [] },
  });
  for (const [index, period] of PERIODS.entries()) {
    const person = await prisma.person.create({ data: { givenName: "Period", familyName: `Case ${index}` } });
    const membership = await prisma.membership.create({
      data: {
        personId: person.id,
        groupId: host.id,
        role: "MEMBER",
        validFrom: period.validFrom as Date,
        validTo: period.validTo,
      },
    });
    membershipCase.set(membership.id, index);
  }
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

const label = (value: Date | null) => (value ? isoDay(value) : "null");
const sorted = (values: Iterable<number>) => [...values].sort((a, b) => a - b);

describe("in force on a day: the JavaScript, Prisma and SQL forms agree", () => {
  it.each(DAYS.map((on) => [label(on), on] as const))("for groups (start may be unknown) on %s", async (_, on) => {
    const periods = [...PERIODS, ...OPEN_START];
    const expected = sorted(periods.flatMap((period, index) => (isInForce(period, on) ? [index] : [])));
    const byPrisma = await prisma.group.findMany({
      where: { slug: { startsWith: "period-case-" }, ...inForceWhere(on, "optional") },
      select: { slug: true },
    });
    const bySql = await queryRows(
      prisma,
      Prisma.sql`SELECT g.slug FROM governance_group g WHERE g.slug LIKE 'period-case-%' AND ${inForceSql("g", on)}`,
      row({ slug: text() }),
    );
    // The read path sends the same condition to the pg pool as a prepared statement.
    const byReadPath = await sqlReader(prisma).rows(
      "period_case_groups",
      Prisma.sql`SELECT g.slug FROM governance_group g WHERE g.slug LIKE 'period-case-%' AND ${inForceSql("g", on)}`,
      row({ slug: text() }),
    );
    expect(sorted(byPrisma.map(({ slug }) => groupCase.get(slug) as number))).toEqual(expected);
    expect(sorted(bySql.map(({ slug }) => groupCase.get(slug) as number))).toEqual(expected);
    expect(sorted(byReadPath.map(({ slug }) => groupCase.get(slug) as number))).toEqual(expected);
  });

  it.each(DAYS.map((on) => [label(on), on] as const))("for memberships (start required) on %s", async (_, on) => {
    const expected = sorted(PERIODS.flatMap((period, index) => (isInForce(period, on) ? [index] : [])));
    const ids = [...membershipCase.keys()];
    const byPrisma = await prisma.membership.findMany({
      where: { id: { in: ids }, ...inForceWhere(on, "required") },
      select: { id: true },
    });
    const bySql = await queryRows(
      prisma,
      Prisma.sql`SELECT m.id::text AS id FROM membership m WHERE m.id = ANY(${ids}::uuid[]) AND ${inForceSql("m", on)}`,
      row({ id: text() }),
    );
    expect(sorted(byPrisma.map(({ id }) => membershipCase.get(id) as number))).toEqual(expected);
    expect(sorted(bySql.map(({ id }) => membershipCase.get(id) as number))).toEqual(expected);
    const byReadPath = await sqlReader(prisma).rows(
      "period_case_memberships",
      Prisma.sql`SELECT m.id FROM membership m WHERE m.id = ANY(${ids}::uuid[]) AND ${inForceSql("m", on)}`,
      row({ id: text() }),
    );
    expect(sorted(byReadPath.map(({ id }) => membershipCase.get(id) as number))).toEqual(expected);
  });

  it("includes the first and the last day, and every period when the day is null", () => {
    const january = { validFrom: day("2024-01-01"), validTo: day("2024-01-31") };
    expect(
      [day("2023-12-31"), day("2024-01-01"), day("2024-01-31"), day("2024-02-01")].map((on) => isInForce(january, on)),
    ).toEqual([false, true, true, false]);
    expect([...PERIODS, ...OPEN_START].every((period) => isInForce(period, null))).toBe(true);
    // The table is not trivial: some day splits the periods.
    expect(
      DAYS.some(
        (on) => PERIODS.some((period) => isInForce(period, on)) && PERIODS.some((period) => !isInForce(period, on)),
      ),
    ).toBe(true);
  });
});

describe("the related predicates agree between JavaScript, Prisma and SQL", () => {
  it.each(DAYS.filter((on): on is Date => on !== null).map((on) => [label(on), on] as const))(
    "runs past %s",
    async (_, lastDay) => {
      const expected = sorted(PERIODS.flatMap((period, index) => (runsPast(period, lastDay) ? [index] : [])));
      const ids = [...membershipCase.keys()];
      const byPrisma = await prisma.membership.findMany({
        where: { id: { in: ids }, ...runsPastWhere(lastDay) },
        select: { id: true },
      });
      const bySql = await queryRows(
        prisma,
        Prisma.sql`SELECT m.id::text AS id FROM membership m WHERE m.id = ANY(${ids}::uuid[]) AND ${runsPastSql("m", lastDay)}`,
        row({ id: text() }),
      );
      // The same with the last day as an SQL expression, as the structure gaps compare with a group's last day.
      const byExpression = await queryRows(
        prisma,
        Prisma.sql`SELECT m.id::text AS id FROM membership m CROSS JOIN (SELECT ${isoDay(lastDay)}::date AS valid_to) AS g WHERE m.id = ANY(${ids}::uuid[]) AND ${runsPastSql("m", Prisma.sql`g.valid_to`)}`,
        row({ id: text() }),
      );
      for (const rows of [byPrisma, bySql, byExpression])
        expect(sorted(rows.map(({ id }) => membershipCase.get(id) as number))).toEqual(expected);
    },
  );

  it.each(PERIODS.map((period) => [`${label(period.validFrom)}–${label(period.validTo)}`, period] as const))(
    "overlaps %s",
    async (_, probe) => {
      const expected = sorted(PERIODS.flatMap((period, index) => (periodsOverlap(period, probe) ? [index] : [])));
      const rows = await prisma.membership.findMany({
        where: {
          id: { in: [...membershipCase.keys()] },
          ...overlapsWhere(probe as { validFrom: Date; validTo: Date | null }),
        },
        select: { id: true },
      });
      expect(sorted(rows.map(({ id }) => membershipCase.get(id) as number))).toEqual(expected);
      expect(expected.length).toBeLessThan(PERIODS.length);
    },
  );
});

describe("raw rows are checked at the edge", () => {
  it("decodes what PostgreSQL returns through Prisma: bigint counts, dates, arrays, nulls", async () => {
    const rows = await queryRows(
      prisma,
      Prisma.sql`SELECT count(*) AS n, ${"2024-02-29"}::date AS d, now() AS t, ARRAY['a', 'b']::text[] AS a, 7::int AS i, 0.5::float8 AS f, NULL::text AS x FROM person`,
      row({ n: bigint(), d: date(), t: date(), a: array(text()), i: int(), f: float(), x: nullable(text()) }),
    );
    expect(rows).toHaveLength(1);
    const result = rows[0] as (typeof rows)[number];
    expect(result.n > 0n).toBe(true);
    expect(isoDay(result.d)).toBe("2024-02-29");
    expect(result).toMatchObject({ a: ["a", "b"], i: 7, f: 0.5, x: null });
  });

  it("throws an error naming the column when a value has another shape than the decoder expects", async () => {
    const count = Prisma.sql`SELECT count(*) AS n FROM person`;
    await expect(queryRows(prisma, count, row({ n: int() }))).rejects.toThrow(new SqlRowError("n", "an integer", 0n));
    await expect(queryRows(prisma, Prisma.sql`SELECT NULL::text AS name`, row({ name: text() }))).rejects.toThrow(
      /column "name": expected text, got null/,
    );
    await expect(queryRows(prisma, Prisma.sql`SELECT 1 AS one`, row({ two: int() }))).rejects.toThrow(
      /column "two": expected a value, got no such column/,
    );
  });
});
