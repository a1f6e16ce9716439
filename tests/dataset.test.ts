import { createHash } from "node:crypto";
import {
  DATASET_REFERENCE_DATE,
  DATASET_SOURCE_SYSTEM,
  generateDataset,
  type DatasetSummary,
} from "../src/dataset/generate";
import { createPrismaClient, type Database } from "../src/db/prisma";
import { createTestDatabase, type TestDatabase } from "./support/test-database";

interface Copy {
  database: TestDatabase;
  prisma: Database;
}

const copies: Copy[] = [];
async function freshCopy(): Promise<Copy> {
  const database = await createTestDatabase();
  const copy = { database, prisma: createPrismaClient({ url: database.url, poolSize: 2 }) };
  copies.push(copy);
  return copy;
}

let first: Copy;
let second: Copy;
let summaries: DatasetSummary[];
beforeAll(async () => {
  [first, second] = await Promise.all([freshCopy(), freshCopy()]);
  summaries = await Promise.all([
    generateDataset(first.prisma, { scale: 1 }),
    generateDataset(second.prisma, { scale: 1 }),
  ]);
}, 120_000);
afterAll(async () => {
  for (const { prisma, database } of copies) {
    await prisma.$disconnect();
    await database.drop();
  }
});

type Row = Record<string, string | null>;
const today = DATASET_REFERENCE_DATE;

/** sha256 over the generated content in a stable order, leaving out ids and timestamps. */
async function fingerprint(prisma: Database): Promise<string> {
  const groups = await prisma.$queryRaw<Row[]>`
    SELECT g.slug, g.kind::text, g.level::text, g.name, parent.slug AS parent, hr.slug AS healthcare_region, g.county_code,
           g.municipal_participation::text, g.valid_from::text, g.valid_to::text
    FROM governance_group g JOIN governance_group parent ON parent.id = g.parent_id
    LEFT JOIN healthcare_region hr ON hr.id = g.healthcare_region_id
    WHERE g.kind IN ('NAG', 'RAG', 'LAG') ORDER BY g.slug`;
  const people = await prisma.$queryRaw<Row[]>`
    SELECT p.external_id, p.given_name, p.family_name, p.title, p.hsa_id, c.email, c.phone
    FROM person p JOIN person_contact c ON c.person_id = p.id
    WHERE p.source_system = ${DATASET_SOURCE_SYSTEM} ORDER BY p.external_id`;
  const memberships = await prisma.$queryRaw<Row[]>`
    SELECT m.external_id, p.external_id AS person, g.slug AS group, m.role::text, m.valid_from::text, m.valid_to::text, o.slug AS organisation
    FROM membership m JOIN person p ON p.id = m.person_id JOIN governance_group g ON g.id = m.group_id
    LEFT JOIN organisation o ON o.id = m.representing_organisation_id
    WHERE m.source_system = ${DATASET_SOURCE_SYSTEM} ORDER BY m.external_id`;
  const lines = [...groups, ...people, ...memberships].map((row) =>
    Object.values(row)
      .map((value) => value ?? "∅")
      .join("|"),
  );
  expect(lines.length).toBeGreaterThan(20_000);
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}

async function tableCounts(prisma: Database): Promise<number[]> {
  return Promise.all([
    prisma.group.count(),
    prisma.person.count(),
    prisma.personContact.count(),
    prisma.membership.count(),
  ]);
}

describe("generated data set", () => {
  it("holds about 20 000 memberships at scale 1, the same content on two databases", async () => {
    const [summary, other] = summaries as [DatasetSummary, DatasetSummary];
    expect(summary.memberships).toBeGreaterThanOrEqual(18_000);
    expect(summary.memberships).toBeLessThanOrEqual(23_000);
    expect(summary.activeMemberships + summary.endedMemberships).toBe(summary.memberships);
    expect(summary.endedMemberships / summary.memberships).toBeGreaterThan(0.15);
    expect(summary.endedMemberships / summary.memberships).toBeLessThan(0.25);
    expect(other).toEqual(summary);
    expect(await first.prisma.membership.count({ where: { sourceSystem: DATASET_SOURCE_SYSTEM } })).toBe(
      summary.memberships,
    );
    expect(await first.prisma.person.count({ where: { sourceSystem: DATASET_SOURCE_SYSTEM } })).toBe(summary.people);
    expect(await fingerprint(first.prisma)).toBe(await fingerprint(second.prisma));
  });

  it("seats most people in two to six groups", async () => {
    const [{ median }] = await first.prisma.$queryRaw<[{ median: number }]>`
      SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY n)::int AS median FROM (SELECT count(*) AS n FROM membership GROUP BY person_id) AS per_person`;
    expect(median).toBeGreaterThanOrEqual(2);
    expect(median).toBeLessThanOrEqual(6);
  });

  it("gives every NPO, RPO and LPO with members exactly one current chair", async () => {
    const rows = await first.prisma.$queryRaw<{ slug: string; chairs: number }[]>`
      SELECT g.slug, (count(*) FILTER (WHERE m.role = 'CHAIR'))::int AS chairs
      FROM governance_group g JOIN membership m ON m.group_id = g.id
      WHERE g.kind IN ('NPO', 'RPO', 'LPO') AND m.valid_from <= ${today}::date AND (m.valid_to IS NULL OR m.valid_to >= ${today}::date)
      GROUP BY g.slug`;
    expect(rows).toHaveLength(25 + 150 + 525);
    expect(rows.filter((row) => row.chairs !== 1)).toEqual([]);
  });

  it("holds the deliberate gaps", async () => {
    const query = <T>(sql: TemplateStringsArray, ...values: unknown[]) => first.prisma.$queryRaw<T>(sql, ...values);
    const missingRegion = await query<{ slug: string }[]>`
      SELECT g.slug FROM governance_group g
      WHERE g.kind = 'NPO' AND (
        SELECT count(DISTINCT o.id) FROM membership m JOIN organisation o ON o.id = m.representing_organisation_id
        WHERE m.group_id = g.id AND o.kind = 'HEALTHCARE_REGION' AND m.valid_to IS NULL) < 6`;
    expect(missingRegion.length).toBeGreaterThanOrEqual(1);
    expect(missingRegion.length).toBeLessThanOrEqual(5);

    const municipal = await query<{ slug: string; members: number }[]>`
      SELECT g.slug, (count(m.id) FILTER (WHERE o.kind = 'MUNICIPALITY' OR o.slug = 'skr'))::int AS members
      FROM governance_group g LEFT JOIN membership m ON m.group_id = g.id AND m.valid_to IS NULL
      LEFT JOIN organisation o ON o.id = m.representing_organisation_id
      WHERE g.kind = 'NPO' AND g.municipal_participation GROUP BY g.slug`;
    expect(municipal.filter((row) => row.members === 0)).toHaveLength(1);

    const [dissolved] = await query<[{ groups: number; open: number }]>`
      SELECT count(DISTINCT g.id)::int AS groups, (count(m.id) FILTER (WHERE m.valid_to IS NULL))::int AS open
      FROM governance_group g JOIN membership m ON m.group_id = g.id
      WHERE g.kind IN ('NAG', 'RAG', 'LAG') AND g.valid_to < ${today}::date`;
    expect(dissolved.groups).toBeGreaterThanOrEqual(5);
    expect(dissolved.open).toBeGreaterThanOrEqual(1);

    const [chairs] = await query<[{ current: number; long: number }]>`
      SELECT count(*)::int AS current, (count(*) FILTER (WHERE valid_from < ${today}::date - interval '3 years'))::int AS long
      FROM membership WHERE role = 'CHAIR' AND valid_to IS NULL`;
    expect(chairs.long).toBeGreaterThanOrEqual(1);
    expect(chairs.long / chairs.current).toBeLessThan(0.05);
  });

  it("refuses a second run on the same database and writes nothing", async () => {
    const before = await tableCounts(first.prisma);
    await expect(generateDataset(first.prisma, { scale: 1 })).rejects.toThrow(/already holds a generated data set/);
    expect(await tableCounts(first.prisma)).toEqual(before);
  });

  it("holds about 200 000 memberships at scale 10 (the template the test setup generated)", async () => {
    const database = await createTestDatabase({ dataset: 10 });
    const prisma = createPrismaClient({ url: database.url, poolSize: 2 });
    copies.push({ database, prisma });
    const memberships = await prisma.membership.count({ where: { sourceSystem: DATASET_SOURCE_SYSTEM } });
    expect(memberships).toBeGreaterThanOrEqual(180_000);
    expect(memberships).toBeLessThanOrEqual(230_000);
    expect(await prisma.group.count({ where: { kind: { in: ["NAG", "RAG", "LAG"] } } })).toBeGreaterThan(7_000);
  });
});
