import pg from "pg";
import { DATASET_REFERENCE_DATE } from "../src/dataset/generate";
import { inForceSql } from "../src/db/period";
import { Prisma } from "../src/generated/prisma/client";
import { createTestDatabase, DATASET_SCALES, type DatasetScale, type TestDatabase } from "./support/test-database";

/**
 * Every loader look-up runs on the index meant for it, on the 1× and 10× data sets, with the
 * planner as it runs in production (sequential scans allowed, tables ANALYZEd). The statements
 * below are the WHERE shapes the loaders send: a batch of keys as `= ANY($1::uuid[])` and, for
 * records with a period, the in-force predicate of src/db/period.ts. A plan fails when it reads a
 * table of at least BIG_TABLE_ROWS rows sequentially, or reads any table the statement names
 * through another index than the one named for it.
 *
 * To cover a new loader, add an entry to LOOKUPS: the statement, the SQL that picks a realistic
 * batch of keys for it, and the index each table must be read through.
 */

/**
 * Tables with at least this many rows must not be read whole by a look-up. Below it a sequential
 * scan is cheaper than an index and the planner is right to choose it. At 1× that is membership,
 * person and person_contact; at 10× governance_group too (about 8 000 groups).
 */
const BIG_TABLE_ROWS = 5_000;

interface Lookup {
  name: string;
  /** SQL whose first column is the batch of keys, as a loader would get them. */
  keys: string;
  /** The statement for a batch of keys; `day` null means every period. */
  statement: (keys: string[], day: Date | null) => Prisma.Sql;
  /** The days to explain it for: a date (the default) and, where loaders offer it, every period (null). */
  days?: (Date | null)[];
  /**
   * Table → the index it must be read through (when it is read through an index at all); a list
   * where more than one is right (the primary key and a unique index leading with the same column).
   */
  indexes: Record<string, string | string[]>;
}

const ON_REFERENCE_DAY = new Date(`${DATASET_REFERENCE_DATE}T00:00:00Z`);
const DAY_AND_EVERY_PERIOD = [ON_REFERENCE_DAY, null];

const MEMBERSHIP_COLUMNS = Prisma.sql`m.id, m.person_id, m.group_id, m.role, m.representing_organisation_id,
  m.valid_from, m.valid_to, m.source_system, m.external_id, m.version,
  p.given_name, p.family_name, p.title, p.hsa_id, p.source_system AS person_source_system, p.external_id AS person_external_id, p.version AS person_version`;

/**
 * Memberships (with their people) whose `column` is one of the keys and that are in force on the
 * day. The people are read by key for each membership (LATERAL … OFFSET 0 keeps the planner from
 * flattening it): as a plain join the planner hashes the whole person table once a batch holds a
 * few thousand memberships (Västernorrland's groups at 10×: 42 000 people read for 2 600
 * memberships, 27–53 ms against 12–20 ms by key).
 */
function membershipsBy(column: Prisma.Sql) {
  return (keys: string[], day: Date | null) => Prisma.sql`
    SELECT ${MEMBERSHIP_COLUMNS}
      FROM membership m
      JOIN LATERAL (SELECT * FROM person p WHERE p.id = m.person_id OFFSET 0) p ON TRUE
     WHERE ${column} = ANY(${keys}::uuid[]) AND ${inForceSql("m", day)}`;
}

/** Groups (optionally of one kind) whose `column` is one of the keys, by slug. */
function groupsBy(column: Prisma.Sql, keyType: Prisma.Sql, kind?: string) {
  return (keys: string[]) => Prisma.sql`
    SELECT g.* FROM governance_group g
     WHERE ${column} = ANY(${keys}::${keyType}[]) ${kind ? Prisma.sql`AND g.kind = ${kind}::"GroupKind"` : Prisma.empty}
     ORDER BY g.slug`;
}

const GROUPS_OF_VASTERNORRLAND = `SELECT id FROM governance_group WHERE county_code = '22'`;
const NPOS = `SELECT id FROM governance_group WHERE kind = 'NPO'`;

/** A group by id: its primary key or the unique (id, kind) behind the kind-checking foreign keys. */
const GROUP_BY_ID = ["governance_group_pkey", "governance_group_id_kind_key"];
/**
 * Where a look-up also filters on a kind whose groups the reference structure fixes (RPO, LPO: a
 * few hundred, not growing with the data), reading that kind through governance_group_kind_name_idx
 * is as right as the key column's index.
 */
const OR_BY_KIND = "governance_group_kind_name_idx";
/**
 * A group's members: the b-tree on (group_id, role), or the GiST index behind
 * kg_membership_no_overlap, which the planner takes for small batches and which leads with
 * group_id (checked below). When it led with person_id, every group look-up read the whole index.
 */
const MEMBERS_OF_GROUP = ["membership_group_id_role_idx", "kg_membership_no_overlap"];

const LOOKUPS: Lookup[] = [
  {
    name: "memberships by group",
    keys: GROUPS_OF_VASTERNORRLAND,
    statement: membershipsBy(Prisma.sql`m.group_id`),
    days: DAY_AND_EVERY_PERIOD,
    indexes: { membership: MEMBERS_OF_GROUP, person: "person_pkey" },
  },
  {
    name: "memberships by group (the NPOs, members on a date)",
    keys: NPOS,
    statement: membershipsBy(Prisma.sql`m.group_id`),
    days: DAY_AND_EVERY_PERIOD,
    indexes: { membership: MEMBERS_OF_GROUP, person: "person_pkey" },
  },
  {
    name: "memberships by person",
    keys: `SELECT person_id FROM membership WHERE group_id IN (SELECT id FROM governance_group WHERE county_code = '22' AND kind = 'LPO')`,
    statement: membershipsBy(Prisma.sql`m.person_id`),
    days: DAY_AND_EVERY_PERIOD,
    indexes: { membership: "membership_person_id_idx", person: "person_pkey" },
  },
  {
    name: "memberships by representing organisation",
    keys: `SELECT id FROM organisation WHERE county_code = '22'`,
    statement: membershipsBy(Prisma.sql`m.representing_organisation_id`),
    days: DAY_AND_EVERY_PERIOD,
    indexes: { membership: "membership_representing_organisation_id_idx", person: "person_pkey" },
  },
  {
    name: "membership by id",
    keys: `SELECT id FROM membership ORDER BY external_id LIMIT 50`,
    statement: (keys) => Prisma.sql`SELECT * FROM membership m WHERE m.id = ANY(${keys}::uuid[])`,
    indexes: { membership: "membership_pkey" },
  },
  {
    name: "person by id",
    keys: `SELECT person_id FROM membership ORDER BY external_id LIMIT 100`,
    statement: (keys) => Prisma.sql`SELECT * FROM person p WHERE p.id = ANY(${keys}::uuid[])`,
    indexes: { person: "person_pkey" },
  },
  {
    name: "contact by person",
    keys: `SELECT person_id FROM membership ORDER BY external_id LIMIT 100`,
    statement: (keys) => Prisma.sql`SELECT * FROM person_contact c WHERE c.person_id = ANY(${keys}::uuid[])`,
    indexes: { person_contact: "person_contact_pkey" },
  },
  {
    name: "group by id",
    keys: GROUPS_OF_VASTERNORRLAND,
    statement: (keys) => Prisma.sql`SELECT * FROM governance_group g WHERE g.id = ANY(${keys}::uuid[])`,
    indexes: { governance_group: GROUP_BY_ID },
  },
  {
    name: "group by slug",
    keys: `SELECT slug FROM governance_group WHERE kind = 'NPO'`,
    statement: (keys) => Prisma.sql`SELECT * FROM governance_group g WHERE g.slug = ANY(${keys}::text[])`,
    indexes: { governance_group: "governance_group_slug_key" },
  },
  {
    name: "RPOs by program area",
    keys: NPOS,
    statement: groupsBy(Prisma.sql`g.program_area_id`, Prisma.sql`uuid`, "RPO"),
    indexes: { governance_group: ["governance_group_program_area_id_healthcare_region_id_key", OR_BY_KIND] },
  },
  {
    name: "RPOs by healthcare region",
    keys: `SELECT id FROM healthcare_region`,
    statement: groupsBy(Prisma.sql`g.healthcare_region_id`, Prisma.sql`uuid`, "RPO"),
    indexes: { governance_group: ["governance_group_healthcare_region_id_idx", OR_BY_KIND] },
  },
  {
    name: "LPOs by county",
    keys: `SELECT county_code FROM region WHERE county_code IN ('22', '01')`,
    statement: groupsBy(Prisma.sql`g.county_code`, Prisma.sql`text`, "LPO"),
    indexes: { governance_group: ["governance_group_county_code_idx", OR_BY_KIND] },
  },
  {
    name: "working groups by parent",
    keys: `SELECT id FROM governance_group WHERE county_code = '22' AND kind = 'LPO'`,
    statement: groupsBy(Prisma.sql`g.parent_id`, Prisma.sql`uuid`),
    indexes: { governance_group: "governance_group_parent_id_idx" },
  },
  {
    name: "LPOs mirroring a program area",
    keys: NPOS,
    statement: (keys) => Prisma.sql`
      SELECT gm.program_area_id, g.* FROM group_mirror gm JOIN governance_group g ON g.id = gm.group_id
       WHERE gm.program_area_id = ANY(${keys}::uuid[]) AND g.kind = 'LPO' ORDER BY g.slug`,
    indexes: { group_mirror: "group_mirror_program_area_id_idx", governance_group: [...GROUP_BY_ID, OR_BY_KIND] },
  },
  {
    name: "program areas a group mirrors",
    keys: GROUPS_OF_VASTERNORRLAND,
    statement: (keys) => Prisma.sql`
      SELECT gm.group_id, g.* FROM group_mirror gm JOIN governance_group g ON g.id = gm.program_area_id
       WHERE gm.group_id = ANY(${keys}::uuid[]) ORDER BY g.slug`,
    indexes: { group_mirror: "group_mirror_pkey", governance_group: GROUP_BY_ID },
  },
  {
    name: "hostings by group",
    keys: NPOS,
    statement: (keys) => Prisma.sql`
      SELECT h.* FROM hosting h WHERE h.group_id = ANY(${keys}::uuid[]) ORDER BY h.valid_from NULLS FIRST, h.kind`,
    indexes: { hosting: "hosting_group_id_organisation_id_kind_key" },
  },
  {
    name: "current host by group",
    keys: NPOS,
    statement: (keys, day) => Prisma.sql`
      SELECT h.group_id, o.* FROM hosting h JOIN organisation o ON o.id = h.organisation_id
       WHERE h.group_id = ANY(${keys}::uuid[]) AND h.kind = 'ACTIVE' AND ${inForceSql("h", day)}`,
    indexes: { hosting: "hosting_group_id_organisation_id_kind_key", organisation: "organisation_pkey" },
  },
  {
    name: "participating municipalities by group",
    keys: GROUPS_OF_VASTERNORRLAND,
    statement: (keys, day) => Prisma.sql`
      SELECT p.group_id, mu.* FROM group_participation p
        JOIN organisation o ON o.id = p.organisation_id AND o.kind = 'MUNICIPALITY'
        JOIN municipality mu ON mu.id = o.municipality_id
       WHERE p.group_id = ANY(${keys}::uuid[]) AND ${inForceSql("p", day)} ORDER BY o.slug`,
    days: DAY_AND_EVERY_PERIOD,
    indexes: {
      group_participation: "group_participation_group_id_organisation_id_role_key",
      organisation: "organisation_pkey",
      municipality: "municipality_pkey",
    },
  },
  {
    name: "participations by organisation",
    keys: `SELECT id FROM organisation WHERE county_code = '22'`,
    statement: (keys, day) => Prisma.sql`
      SELECT p.* FROM group_participation p WHERE p.organisation_id = ANY(${keys}::uuid[]) AND ${inForceSql("p", day)}`,
    days: DAY_AND_EVERY_PERIOD,
    indexes: { group_participation: "group_participation_organisation_id_idx" },
  },
  {
    // The groups are read by key for each seat (LATERAL … OFFSET 0): as a plain join the planner,
    // expecting hundreds of representing memberships per organisation (a region has thousands, a
    // municipality a handful), reads all of governance_group once per municipality.
    name: "groups of a municipality (participations and representing memberships)",
    keys: `SELECT id FROM municipality WHERE code IN ('2281', '2262', '0180')`,
    statement: (keys, day) => Prisma.sql`
      SELECT DISTINCT o.municipality_id AS "municipalityId", g.id
        FROM organisation o
        CROSS JOIN LATERAL (
          SELECT p.group_id FROM group_participation p WHERE p.organisation_id = o.id AND ${inForceSql("p", day)}
          UNION
          SELECT m.group_id FROM membership m WHERE m.representing_organisation_id = o.id AND ${inForceSql("m", day)}
        ) AS seat
        CROSS JOIN LATERAL (
          SELECT g.id FROM governance_group g WHERE g.id = seat.group_id AND ${inForceSql("g", day)} OFFSET 0
        ) AS g
       WHERE o.municipality_id = ANY(${keys}::uuid[])`,
    days: DAY_AND_EVERY_PERIOD,
    indexes: {
      organisation: "organisation_municipality_id_key",
      group_participation: "group_participation_organisation_id_idx",
      membership: "membership_representing_organisation_id_idx",
      governance_group: GROUP_BY_ID,
    },
  },
  {
    name: "linked groups by group",
    keys: GROUPS_OF_VASTERNORRLAND,
    statement: (keys) => Prisma.sql`
      SELECT r.from_group_id, g.* FROM group_relation r JOIN governance_group g ON g.id = r.to_group_id
       WHERE r.from_group_id = ANY(${keys}::uuid[])`,
    indexes: { group_relation: "group_relation_pkey", governance_group: GROUP_BY_ID },
  },
  {
    name: "other names by group",
    keys: NPOS,
    statement: (keys) => Prisma.sql`
      SELECT n.* FROM other_name n WHERE n.group_id = ANY(${keys}::uuid[]) ORDER BY n.kind, n.name`,
    indexes: { other_name: "other_name_group_id_idx" },
  },
  {
    name: "organisation by id",
    keys: `SELECT id FROM organisation WHERE county_code = '22'`,
    statement: (keys) => Prisma.sql`SELECT * FROM organisation o WHERE o.id = ANY(${keys}::uuid[])`,
    indexes: { organisation: "organisation_pkey" },
  },
  {
    name: "municipalities by county",
    keys: `SELECT county_code FROM region WHERE county_code IN ('22', '01')`,
    statement: (keys) => Prisma.sql`
      SELECT * FROM municipality mu WHERE mu.county_code = ANY(${keys}::text[]) ORDER BY mu.code`,
    indexes: { municipality: "municipality_county_code_code_idx" },
  },
  {
    name: "municipalities by healthcare region",
    keys: `SELECT id FROM healthcare_region`,
    statement: (keys) => Prisma.sql`
      SELECT * FROM municipality mu WHERE mu.healthcare_region_id = ANY(${keys}::uuid[]) ORDER BY mu.code`,
    indexes: { municipality: "municipality_healthcare_region_id_idx" },
  },
  {
    name: "regions by healthcare region",
    keys: `SELECT id FROM healthcare_region`,
    statement: (keys) => Prisma.sql`
      SELECT l.healthcare_region_id, r.* FROM region_healthcare_region l JOIN region r ON r.id = l.region_id
       WHERE l.healthcare_region_id = ANY(${keys}::uuid[]) ORDER BY r.county_code`,
    indexes: { region_healthcare_region: "region_healthcare_region_healthcare_region_id_idx", region: "region_pkey" },
  },
];

/** One way a plan reads a table: sequentially, or through a named index. */
interface TableRead {
  table: string;
  /** The plan node, e.g. "Seq Scan", "Index Scan", "Bitmap Index Scan". */
  node: string;
  index?: string;
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

/** Every table read in a plan (EXPLAIN FORMAT JSON), with the index used; `tableOfIndex` resolves bitmap index scans. */
function tableReads(plan: PlanNode, tableOfIndex: Map<string, string>): TableRead[] {
  const node = plan["Node Type"];
  const index = plan["Index Name"];
  const own: TableRead[] = [];
  if (index) own.push({ table: plan["Relation Name"] ?? tableOfIndex.get(index) ?? "?", node, index });
  else if (node === "Seq Scan" && plan["Relation Name"]) own.push({ table: plan["Relation Name"], node });
  return [...own, ...(plan.Plans ?? []).flatMap((child) => tableReads(child, tableOfIndex))];
}

/** What is wrong with a plan's table reads: a big table read whole, or a table read through another index than the intended. */
function planProblems(
  reads: TableRead[],
  indexes: Record<string, string | string[]>,
  bigTables: Set<string>,
): string[] {
  return reads.flatMap(({ table, node, index }) => {
    if (!index) return bigTables.has(table) ? [`${node} on ${table}`] : [];
    const intended = indexes[table];
    if (intended === undefined) return [`${node} on ${table} through ${index}, which the statement does not name`];
    const allowed = typeof intended === "string" ? [intended] : intended;
    return allowed.includes(index) ? [] : [`${node} on ${table} through ${index} instead of ${allowed.join(" or ")}`];
  });
}

describe("planProblems", () => {
  const indexes = { membership: "membership_group_id_role_idx", person: "person_pkey" };
  const big = new Set(["membership", "person"]);
  it("accepts the intended indexes and small tables read whole", () => {
    const reads = [
      { table: "membership", node: "Bitmap Index Scan", index: "membership_group_id_role_idx" },
      { table: "person", node: "Index Scan", index: "person_pkey" },
      { table: "region", node: "Seq Scan" },
    ];
    expect(planProblems(reads, indexes, big)).toEqual([]);
  });
  it("reports a big table read sequentially, another index, and an index on a table the statement does not name", () => {
    const reads = [
      { table: "membership", node: "Seq Scan" },
      { table: "person", node: "Index Scan", index: "person_hsa_id_key" },
      { table: "region", node: "Index Scan", index: "region_pkey" },
    ];
    expect(planProblems(reads, indexes, big)).toEqual([
      "Seq Scan on membership",
      "Index Scan on person through person_hsa_id_key instead of person_pkey",
      "Index Scan on region through region_pkey, which the statement does not name",
    ]);
  });
  it("finds the reads of a nested plan, bitmap index scans under their heap scan included", () => {
    const plan: PlanNode = {
      "Node Type": "Nested Loop",
      Plans: [
        {
          "Node Type": "Bitmap Heap Scan",
          "Relation Name": "membership",
          Plans: [{ "Node Type": "Bitmap Index Scan", "Index Name": "membership_person_id_idx" }],
        },
        { "Node Type": "Seq Scan", "Relation Name": "person" },
      ],
    };
    expect(tableReads(plan, new Map([["membership_person_id_idx", "membership"]]))).toEqual([
      { table: "membership", node: "Bitmap Index Scan", index: "membership_person_id_idx" },
      { table: "person", node: "Seq Scan" },
    ]);
  });
});

describe.each(DATASET_SCALES)("query plans of the loaders' look-ups at %i×", (scale: DatasetScale) => {
  let database: TestDatabase;
  let client: pg.Client;
  let tableOfIndex: Map<string, string>;
  let bigTables: Set<string>;
  beforeAll(async () => {
    database = await createTestDatabase({ dataset: scale });
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query("ANALYZE");
    const { rows } = await client.query<{ index: string; table: string }>(
      `SELECT i.relname AS index, t.relname AS "table"
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relnamespace = 'public'::regnamespace`,
    );
    tableOfIndex = new Map(rows.map((row) => [row.index, row.table]));
    const tables = await client.query<{ table: string }>(
      `SELECT relname AS "table" FROM pg_class
        WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND reltuples >= $1`,
      [BIG_TABLE_ROWS],
    );
    bigTables = new Set(tables.rows.map((row) => row.table));
  });

  /** The plan as run, as text, for failure messages. */
  async function explainAnalyze(statement: Prisma.Sql): Promise<string[]> {
    const { rows } = await client.query<{ "QUERY PLAN": string }>(
      `EXPLAIN (ANALYZE, COSTS OFF) ${statement.text}`,
      statement.values,
    );
    return rows.map((row) => row["QUERY PLAN"]);
  }

  it("has the membership exclusion constraints lead with group_id, the column members are read by", async () => {
    const { rows } = await client.query<{ name: string; definition: string }>(
      `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
        WHERE contype = 'x' AND conrelid = 'membership'::regclass ORDER BY conname`,
    );
    expect(rows.map((row) => row.name)).toEqual(["kg_membership_no_overlap", "kg_membership_one_chair"]);
    for (const { definition } of rows) expect(definition).toMatch(/^EXCLUDE USING gist \(group_id WITH =/);
  });

  it("has the big tables it guards", () => {
    expect([...bigTables].sort()).toEqual(expect.arrayContaining(["membership", "person", "person_contact"]));
    if (scale === 10) expect(bigTables).toContain("governance_group");
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it("names only indexes that exist, on the tables they index", () => {
    for (const lookup of LOOKUPS)
      for (const [table, indexes] of Object.entries(lookup.indexes))
        for (const index of typeof indexes === "string" ? [indexes] : indexes)
          expect([lookup.name, index, tableOfIndex.get(index)]).toEqual([lookup.name, index, table]);
  });

  const cases = LOOKUPS.flatMap((lookup) =>
    (lookup.days ?? [ON_REFERENCE_DAY]).map((day) => ({
      label: `${lookup.name}${day ? "" : ", every period"}`,
      lookup,
      day,
    })),
  );
  it.each(cases)("$label", async ({ lookup, day }) => {
    const keys = (
      await client.query<{ key: string }>(`SELECT DISTINCT k::text AS key FROM (${lookup.keys}) AS keys(k)`)
    ).rows.map((row) => row.key);
    expect(keys.length).toBeGreaterThan(0);
    const statement = lookup.statement(keys, day);
    const { rows } = await client.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
      `EXPLAIN (FORMAT JSON) ${statement.text}`,
      statement.values,
    );
    const reads = tableReads(rows[0]!["QUERY PLAN"][0].Plan, tableOfIndex);
    const problems = planProblems(reads, lookup.indexes, bigTables);
    // A failure shows the plan as run, so it says what the planner chose instead and what it cost.
    const plan = problems.length ? ["", ...(await explainAnalyze(statement))] : [];
    expect([...problems, ...plan]).toEqual([]);
  });
});
