import { createPrismaClient, type Database } from "../src/db/prisma";
import { seedReferenceData, seedReferenceDataIfChanged } from "../src/seed/seed";
import { exportDatabase, importDatabase } from "../src/app/transfer";
import { createTestDatabase, type TestDatabase } from "./support/test-database";

let database: TestDatabase;
let prisma: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient({ url: database.url, poolSize: 2 });
});
afterAll(async () => {
  await prisma.$disconnect();
  await database.drop();
});

describe("reference seed", () => {
  it("holds the verified geography and national bodies, and the mirror structure marked as modelled", async () => {
    const count = (kind: "NPO" | "NSG" | "RPO" | "LPO" | "PRIMARY_CARE_COUNCIL") =>
      prisma.group.count({ where: { kind } });
    expect(await prisma.healthcareRegion.count()).toBe(6);
    expect(await prisma.region.count()).toBe(21);
    expect(await prisma.municipality.count()).toBe(290);
    expect(await prisma.organisation.count({ where: { kind: "AGENCY" } })).toBe(9);
    expect(await count("NPO")).toBe(25);
    expect(await count("PRIMARY_CARE_COUNCIL")).toBe(1);
    expect(await count("NSG")).toBe(7);
    expect(await count("RPO")).toBe(25 * 6);
    expect(await count("LPO")).toBe(25 * 21);
    expect(
      await prisma.group.count({
        where: { kind: { in: ["RPO", "LPO"] }, provenance: { notIn: ["MODELLED", "PARTIALLY_VERIFIED"] } },
      }),
    ).toBe(0);
    expect(
      await prisma.group.count({
        where: { slug: { in: ["sks", "beredningsgrupp", "ordforandeforum", "radet-for-styrning-med-kunskap"] } },
      }),
    ).toBe(4);
    expect(
      await prisma.groupParticipation.count({ where: { group: { slug: "radet-for-styrning-med-kunskap" } } }),
    ).toBe(9);
  });

  it("seats eight municipal and eight regional representatives in the VGR–VästKom knowledge council, its interim period a phase", async () => {
    const council = await prisma.group.findUniqueOrThrow({
      where: { slug: "kunskapsrad-vgr-vastkom" },
      include: { participations: { include: { organisation: true } }, mirrors: true, phases: true },
    });
    expect(council.participations.map((p) => [p.organisation.slug, p.seats]).sort()).toEqual([
      ["vastkom", 8],
      ["vastra-gotalandsregionen", 8],
    ]);
    expect(council.validFrom?.toISOString().slice(0, 10)).toBe("2020-01-01");
    expect(council.validTo).toBeNull();
    expect(council.phases.map((phase) => [phase.kind, phase.validTo?.toISOString().slice(0, 10)])).toEqual([
      ["INTERIM", "2021-06-30"],
    ]);
    expect(council.mirrors).toHaveLength(6);
  });

  it("is idempotent: a second run writes nothing", async () => {
    const before = await prisma.group.aggregate({ _max: { updatedAt: true } });
    const report = await seedReferenceData(prisma);
    for (const [table, counts] of Object.entries(report)) {
      expect({ table, created: counts.created, updated: counts.updated }).toEqual({ table, created: 0, updated: 0 });
    }
    const after = await prisma.group.aggregate({ _max: { updatedAt: true } });
    expect(after._max.updatedAt).toEqual(before._max.updatedAt);
  });

  it("restores a reference fact that was changed, and keeps what it does not own", async () => {
    await prisma.region.update({ where: { countyCode: "22" }, data: { name: "Fel namn" } });
    const person = await prisma.person.create({ data: { givenName: "Test", familyName: "Person" } });
    const report = await seedReferenceData(prisma);
    expect(report.regions).toEqual({ created: 0, updated: 1, unchanged: 20 });
    expect((await prisma.region.findUniqueOrThrow({ where: { countyCode: "22" } })).name).toBe("Region Västernorrland");
    expect(await prisma.person.findUnique({ where: { id: person.id } })).not.toBeNull();
  });
});

describe("seed on start", () => {
  const seeded = async () => prisma.region.findUniqueOrThrow({ where: { countyCode: "13" } });
  const writeThroughTheFeed = (name: string) =>
    prisma.$transaction(async (tx) => {
      const region = await tx.region.update({ where: { countyCode: "13" }, data: { name } });
      await tx.auditEvent.create({
        data: {
          actor: "test",
          entity: "ORGANISATION",
          entityId: region.id,
          action: "UPDATED",
          version: 1,
          changes: {},
        },
      });
    });

  it("runs once, then skips while its inputs and the change feed are as they were", async () => {
    expect(await seedReferenceDataIfChanged(prisma)).not.toBe("unchanged");
    expect(await seedReferenceDataIfChanged(prisma)).toBe("unchanged");
    const state = await prisma.seedState.findUniqueOrThrow({ where: { id: 1 } });
    expect(state.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it("runs again after a write in the change feed, and reconciles what the write changed", async () => {
    await seedReferenceDataIfChanged(prisma);
    await writeThroughTheFeed("Fel namn");
    const report = await seedReferenceDataIfChanged(prisma);
    expect(report).not.toBe("unchanged");
    expect((await seeded()).name).toBe("Region Halland");
    expect(await seedReferenceDataIfChanged(prisma)).toBe("unchanged");
  });

  it("runs again after an import, which clears its state", async () => {
    await seedReferenceDataIfChanged(prisma);
    await importDatabase(database.url, await exportDatabase(database.url), { replace: true });
    expect(await prisma.seedState.count()).toBe(0);
    expect(await seedReferenceDataIfChanged(prisma)).not.toBe("unchanged");
  });

  it("runs again when the fingerprint differs (another build or other reference files)", async () => {
    await seedReferenceDataIfChanged(prisma);
    await prisma.seedState.update({ where: { id: 1 }, data: { fingerprint: "0".repeat(64) } });
    expect(await seedReferenceDataIfChanged(prisma)).not.toBe("unchanged");
  });
});

describe("database constraints", () => {
  const rejects = (sql: string, constraint: RegExp) =>
    expect(prisma.$executeRawUnsafe(sql)).rejects.toThrow(constraint);

  it("checks code formats and that a municipality lies in its county", async () => {
    await rejects(
      `INSERT INTO region (county_code, slug, name, county_name) VALUES ('2a', 'region-x', 'X', 'X län')`,
      /kg_region_county_code_format/,
    );
    await rejects(
      `INSERT INTO municipality (code, name, county_code, healthcare_region_id) SELECT '0199', 'X', '22', id FROM healthcare_region WHERE slug = 'norra'`,
      /kg_municipality_code_in_county/,
    );
    await rejects(
      `INSERT INTO governance_group (slug, kind, level, name) VALUES ('Bad Slug', 'NSG', 'NATIONAL', 'X')`,
      /kg_group_slug_format/,
    );
  });

  it("keeps unique natural keys and one RPO per NPO and healthcare region", async () => {
    await rejects(
      `INSERT INTO region (county_code, slug, name, county_name) VALUES ('22', 'region-y', 'Y', 'Y län')`,
      /Unique constraint|duplicate key/,
    );
    await rejects(
      `INSERT INTO governance_group (slug, kind, level, name, program_area_id, program_area_kind, healthcare_region_id)
       SELECT 'rpo-norra-psykisk-halsa-2', 'RPO', 'HEALTHCARE_REGIONAL', 'Dubblett', npo.id, 'NPO', hr.id
       FROM governance_group npo, healthcare_region hr WHERE npo.slug = 'psykisk-halsa' AND hr.slug = 'norra'`,
      /Unique constraint|duplicate key/,
    );
  });

  it("keeps kinds, levels and appointing bodies consistent", async () => {
    await rejects(
      `INSERT INTO governance_group (slug, kind, level, name, county_code, parent_id, parent_kind)
       SELECT 'lag-under-npo', 'LAG', 'REGIONAL', 'X', '22', id, kind FROM governance_group WHERE slug = 'psykisk-halsa'`,
      /kg_group_parent/,
    );
    await rejects(
      `INSERT INTO governance_group (slug, kind, level, name) VALUES ('lpo-utan-region', 'LPO', 'REGIONAL', 'X')`,
      /kg_group_scope/,
    );
    await rejects(
      `INSERT INTO governance_group (slug, kind, level, name) VALUES ('npo-regional', 'NPO', 'REGIONAL', 'X')`,
      /kg_group_kind_level/,
    );
    await rejects(
      `INSERT INTO governance_group (slug, kind, level, name, county_code, parent_id, parent_kind)
       SELECT 'lag-fel-typ', 'LAG', 'REGIONAL', 'X', '22', id, 'LPO' FROM governance_group WHERE slug = 'psykisk-halsa'`,
      /Foreign key|foreign key|violates/,
    );
    await expect(
      prisma.$executeRawUnsafe(
        `INSERT INTO governance_group (slug, kind, level, name, county_code, parent_id, parent_kind)
         SELECT 'lag-22-psykisk-halsa-test', 'LAG', 'REGIONAL', 'LAG test', '22', id, kind FROM governance_group WHERE slug = 'lpo-22-psykisk-halsa'`,
      ),
    ).resolves.toBe(1);
  });

  it("refuses periods that end before they start and overlapping memberships in one role", async () => {
    await rejects(
      `UPDATE governance_group SET valid_from = '2024-01-01', valid_to = '2023-01-01' WHERE slug = 'sks'`,
      /kg_group_period/,
    );
    const person = await prisma.person.create({ data: { givenName: "Anna", familyName: "Andersson" } });
    const group = await prisma.group.findUniqueOrThrow({ where: { slug: "psykisk-halsa" } });
    await prisma.membership.create({
      data: { personId: person.id, groupId: group.id, role: "MEMBER", validFrom: new Date("2023-01-01") },
    });
    await expect(
      prisma.membership.create({
        data: { personId: person.id, groupId: group.id, role: "MEMBER", validFrom: new Date("2024-01-01") },
      }),
    ).rejects.toThrow();
    await expect(
      prisma.membership.create({
        data: {
          personId: person.id,
          groupId: group.id,
          role: "MEMBER",
          validFrom: new Date("2022-01-01"),
          validTo: new Date("2021-01-01"),
        },
      }),
    ).rejects.toThrow();
    const other = await prisma.person.create({ data: { givenName: "Bo", familyName: "Berg" } });
    await prisma.membership.create({
      data: {
        personId: person.id,
        groupId: group.id,
        role: "CHAIR",
        validFrom: new Date("2023-01-01"),
        validTo: new Date("2023-12-31"),
      },
    });
    await expect(
      prisma.membership.create({
        data: { personId: other.id, groupId: group.id, role: "CHAIR", validFrom: new Date("2023-06-01") },
      }),
    ).rejects.toThrow();
    await expect(
      prisma.membership.create({
        data: { personId: other.id, groupId: group.id, role: "CHAIR", validFrom: new Date("2024-01-01") },
      }),
    ).resolves.toBeDefined();
  });
});
