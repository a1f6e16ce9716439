import { freePort } from "../src/db/free-port";
import { createPrismaClient, poolOf, type Database } from "../src/db/prisma";
import { Prisma } from "../src/generated/prisma/client";
import { inForceSql } from "../src/db/period";
import { keyedRow, readWithFallback, sqlReader } from "../src/db/read-sql";
import { countSqlStatements, SqlStatementCounter } from "../src/db/sql-statement-counter";
import { array, bigint, date, float, int, nullable, oneOf, row, SqlRowError, text } from "../src/db/sql";
import { createTestDatabase, type TestDatabase } from "./support/test-database";

let database: TestDatabase;
/** One connection, so that every statement below meets the prepared statements of the others. */
let prisma: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient({ url: database.url, poolSize: 1 });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

describe("the read path (prepared statements on the pg pool)", () => {
  it("decodes rows as the decoders expect: int8 as bigint, dates at UTC midnight in any time zone, arrays, enums, nulls", async () => {
    const zone = process.env.TZ;
    // Far east of UTC: pg's default parser would give the previous day's 10:00 UTC.
    process.env.TZ = "Pacific/Kiritimati";
    try {
      const [found] = await sqlReader(prisma).rows(
        "decode_check",
        Prisma.sql`SELECT count(*) AS n, ${"2024-02-29"}::date AS d, now() AS t, ARRAY['a', 'b']::text[] AS a,
          7::int AS i, 0.5::float8 AS f, NULL::text AS x, 'LPO'::"GroupKind" AS k, gen_random_uuid() AS u FROM person`,
        row({
          n: bigint(),
          d: date(),
          t: date(),
          a: array(text()),
          i: int(),
          f: float(),
          x: nullable(text()),
          k: oneOf(["NPO", "LPO"] as const),
          u: text(),
        }),
      );
      expect(found?.d.getTime()).toBe(Date.UTC(2024, 1, 29));
      expect(found).toMatchObject({ n: 0n, a: ["a", "b"], i: 7, f: 0.5, x: null, k: "LPO" });
      expect(found?.u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it("checks each row and names the column that has another shape", async () => {
    await expect(
      sqlReader(prisma).rows("shape_check", Prisma.sql`SELECT count(*) AS n FROM person`, row({ n: int() })),
    ).rejects.toThrow(new SqlRowError("n", "an integer", 0n));
    await expect(sqlReader(prisma).rows("key_check", Prisma.sql`SELECT 1 AS key`, keyedRow(row({})))).rejects.toThrow(
      /column "key": expected text, got a number/,
    );
  });

  it("gives each text of a query its own prepared statement, on the same connection", async () => {
    const read = sqlReader(prisma);
    const slugs = (day: Date | null) =>
      read.rows(
        "variant_check",
        Prisma.sql`SELECT g.slug FROM governance_group g WHERE ${inForceSql("g", day)} ORDER BY g.slug LIMIT 3`,
        row({ slug: text() }),
      );
    // Each text twice: prepared on first use, then reused; a clash of names would be refused by pg.
    for (const day of [null, new Date("2024-01-01T00:00:00Z"), null, new Date("2025-06-30T00:00:00Z")])
      expect(await slugs(day)).toHaveLength(3);
  });

  it("runs a query with very many texts unnamed past a few dozen, so prepared statements stay bounded", async () => {
    const read = sqlReader(prisma);
    for (let size = 1; size <= 40; size++) {
      const values = Array.from({ length: size }, (_, index) => index);
      const [found] = await read.rows(
        "many_texts_check",
        Prisma.sql`SELECT cardinality(ARRAY[${Prisma.join(values)}]::int[]) AS n`,
        row({ n: int() }),
      );
      expect(found?.n).toBe(size);
    }
    const [prepared] = await read.rows(
      "prepared_count_check",
      Prisma.sql`SELECT count(*) AS n FROM pg_prepared_statements WHERE name LIKE 'many_texts_check%'`,
      row({ n: bigint() }),
    );
    expect(prepared?.n).toBe(32n);
  });

  it("counts each statement against the request that sends it and refuses statements past its deadline", async () => {
    const read = sqlReader(prisma);
    const one = Prisma.sql`SELECT 1 AS one`;
    const counter = new SqlStatementCounter();
    await countSqlStatements(counter, async () => {
      await read.rows("count_check", one, row({ one: int() }));
      await Promise.all([
        read.rows("count_check", one, row({ one: int() })),
        read.rows("count_check", one, row({ one: int() })),
      ]);
    });
    expect(counter.count).toBe(3);
    expect(counter.waitedOnDatabaseMs).toBeGreaterThan(0);

    const late = new SqlStatementCounter();
    const refusal = new Error("past the deadline");
    late.deadline = { at: performance.now() - 1, refuse: () => refusal };
    await expect(countSqlStatements(late, () => read.rows("count_check", one, row({ one: int() })))).rejects.toBe(
      refusal,
    );
    expect(late.count).toBe(0);
  });
});

describe("a replica's reads falling back to the primary", () => {
  it("runs a read the replica cannot answer on the primary's pool, and says so", async () => {
    // A "replica" nobody listens on: every connection is refused.
    const replica = createPrismaClient({
      url: `postgresql://postgres@127.0.0.1:${await freePort()}/none`,
      poolSize: 1,
    });
    const failures: unknown[] = [];
    try {
      readWithFallback(replica, { pool: poolOf(prisma)!, unavailable: (error) => failures.push(error) });
      const rows = await sqlReader(replica).rows(
        "fallback_check",
        Prisma.sql`SELECT count(*)::int AS n FROM healthcare_region`,
        row({ n: int() }),
      );
      expect(rows).toEqual([{ n: 6 }]);
      expect(failures).toHaveLength(1);
    } finally {
      await replica.$disconnect();
    }
  });

  it("runs Prisma's own reads through the replica's client on the primary too", async () => {
    const replica = createPrismaClient({
      url: `postgresql://postgres@127.0.0.1:${await freePort()}/none`,
      poolSize: 1,
    });
    const failures: unknown[] = [];
    try {
      readWithFallback(replica, { pool: poolOf(prisma)!, unavailable: (error) => failures.push(error) });
      expect(await replica.healthcareRegion.count()).toBe(6);
      const [first] = await replica.healthcareRegion.findMany({ orderBy: { name: "asc" }, take: 1 });
      expect(first?.name).toBeDefined();
      const raw: unknown = await replica.$queryRaw(Prisma.sql`SELECT count(*)::int AS n FROM region`);
      expect(raw).toEqual([{ n: 21 }]);
      expect(failures).toHaveLength(3);
    } finally {
      await replica.$disconnect();
    }
  });

  it("does not run a bad statement again on the primary: it is the statement's fault, not the replica's", async () => {
    const replica = createPrismaClient({ url: database.url, poolSize: 1 });
    const failures: unknown[] = [];
    try {
      readWithFallback(replica, { pool: poolOf(prisma)!, unavailable: (error) => failures.push(error) });
      await expect(
        sqlReader(replica).rows("fallback_bad", Prisma.sql`SELECT nonsense FROM healthcare_region`, row({ n: int() })),
      ).rejects.toThrow(/nonsense/);
      await expect(replica.$queryRaw(Prisma.sql`SELECT nonsense FROM healthcare_region`)).rejects.toThrow(/nonsense/);
      expect(failures).toEqual([]);
    } finally {
      await replica.$disconnect();
    }
  });
});
