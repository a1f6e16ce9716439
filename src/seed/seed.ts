import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Database } from "../db/prisma";
import type {
  GroupKind,
  GroupLevel,
  KnowledgeSupportKind,
  KnowledgeSupportState,
  NameKind,
  OrganisationKind,
  Prisma,
  Provenance,
} from "../generated/prisma/client";
import { reconcile, type ReconcileCounts } from "./reconcile";
import { loadReferenceData, SEED_DIR, type ProgramAreaData, type ReferenceData } from "./reference-data";

export type SeedReport = Record<string, ReconcileCounts>;
type Tx = Prisma.TransactionClient;

const MODELLED_RPO_NOTE =
  "Generated from the mirror model (an RPO for every NPO in every healthcare region); not confirmed.";
const MODELLED_LPO_NOTE = "Generated from the mirror model (an LPO for every NPO in every region); not confirmed.";

const NATIONAL_BODY_KINDS: Record<string, GroupKind> = {
  "steering-group": "STEERING_GROUP",
  "preparatory-group": "PREPARATORY_GROUP",
  forum: "CHAIRS_FORUM",
  "support-function": "SUPPORT_FUNCTION",
  partnership: "PARTNERSHIP",
  "state-council": "STATE_COUNCIL",
  "advisory-group": "ADVISORY_GROUP",
};
const NATIONAL_BODY_ORGANISATION_KINDS: Record<string, OrganisationKind> = {
  "member-organisation": "MEMBER_ORGANISATION",
  "digital-services-company": "DIGITAL_SERVICES_COMPANY",
};

/** Organisation slug of a healthcare region, region or municipality. */
export const organisationSlug = {
  healthcareRegion: (slug: string) => `sjukvardsregion-${slug}`,
  region: (slug: string) => slug,
  municipality: (code: string) => `kommun-${code}`,
};

/**
 * Loads the reference structure into the database in one transaction. Idempotent: a second
 * run finds everything in place and writes nothing. It adds and corrects, never deletes.
 */
export async function seedReferenceData(
  prisma: Database,
  data: ReferenceData = loadReferenceData(),
): Promise<SeedReport> {
  return prisma.$transaction(async (tx) => new Seeder(tx, data).run(), { timeout: 120_000, maxWait: 30_000 });
}

/**
 * What the seed's outcome depends on: the reference data files and the seed's own code (this
 * directory, compiled or not). A different build or data file gives a different fingerprint.
 */
export function seedFingerprint(): string {
  const hash = createHash("sha256");
  for (const dir of [SEED_DIR, __dirname]) {
    for (const file of readdirSync(dir).sort()) {
      hash
        .update(file)
        .update("\0")
        .update(readFileSync(path.join(dir, file)))
        .update("\0");
    }
  }
  return hash.digest("hex");
}

/**
 * Seeds as `seedReferenceData` does, unless the seed already ran on the same fingerprint and the
 * change feed has not moved since: then nothing can differ and start-up skips the seed's reads.
 * Every write through the API (and every import, which clears the state) makes it run again,
 * so seeded fields changed by a write are reconciled exactly as before.
 */
export async function seedReferenceDataIfChanged(prisma: Database): Promise<SeedReport | "unchanged"> {
  const fingerprint = seedFingerprint();
  const [state, position] = await Promise.all([
    prisma.seedState.findUnique({ where: { id: 1 } }),
    changeFeedPosition(prisma),
  ]);
  if (state?.fingerprint === fingerprint && state.changePosition === position) return "unchanged";
  return prisma.$transaction(
    async (tx) => {
      const report = await new Seeder(tx, loadReferenceData()).run();
      const changePosition = await changeFeedPosition(tx);
      await tx.seedState.upsert({
        where: { id: 1 },
        create: { fingerprint, changePosition },
        update: { fingerprint, changePosition, seededAt: new Date() },
      });
      return report;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

async function changeFeedPosition(prisma: Database | Tx): Promise<bigint> {
  const last = await prisma.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
  return last?.id ?? 0n;
}

interface GroupRow {
  slug: string;
  kind: GroupKind;
  level: GroupLevel;
  name: string;
  shortName: string | null;
  description: string | null;
  parentId: string | null;
  parentKind: GroupKind | null;
  programAreaId: string | null;
  programAreaKind: GroupKind | null;
  healthcareRegionId: string | null;
  countyCode: string | null;
  municipalParticipation: boolean;
  municipalParticipationNote: string | null;
  municipalParticipationSince: Date | null;
  validFrom: Date | null;
  validTo: Date | null;
  periodNote: string | null;
  provenance: Provenance;
  note: string | null;
  sources: string[];
}

interface OrganisationRow {
  slug: string;
  kind: OrganisationKind;
  name: string;
  shortName: string | null;
  description: string | null;
  countyCode: string | null;
  regionId: string | null;
  healthcareRegionId: string | null;
  municipalityId: string | null;
  provenance: Provenance;
  note: string | null;
  sources: string[];
}

interface KnowledgeSupportSeedRow {
  slug: string;
  name: string;
  kind: KnowledgeSupportKind;
  description: string | null;
  ownerGroupId: string | null;
  ownerGroupKind: GroupKind | null;
  ownerOrganisationId: string | null;
  ownerOrganisationKind: OrganisationKind | null;
  url: string | null;
  municipalTarget: boolean;
  provenance: Provenance;
  note: string | null;
  sources: string[];
}

const KNOWLEDGE_SUPPORT_SEED_SELECT = {
  slug: true,
  name: true,
  kind: true,
  description: true,
  ownerGroupId: true,
  ownerGroupKind: true,
  ownerOrganisationId: true,
  ownerOrganisationKind: true,
  url: true,
  municipalTarget: true,
  provenance: true,
  note: true,
  sources: true,
} as const satisfies Record<keyof KnowledgeSupportSeedRow, true>;

class Seeder {
  private readonly report: SeedReport = {};
  private healthcareRegionIds = new Map<string, string>();
  private regionIds = new Map<string, string>();
  private municipalityIds = new Map<string, string>();
  private organisationIds = new Map<string, string>();
  private groupIds = new Map<string, string>();
  private groupKinds = new Map<string, GroupKind>();

  constructor(
    private readonly tx: Tx,
    private readonly data: ReferenceData,
  ) {}

  async run(): Promise<SeedReport> {
    await this.seedGeography();
    await this.seedOrganisations();
    await this.seedNationalGroups();
    await this.seedMirroredGroups();
    await this.seedRegionalStructures();
    await this.seedGroupLinks();
    await this.seedPhases();
    await this.seedNames();
    await this.seedExpectedCounts();
    await this.seedKnowledgeSupport();
    return this.report;
  }

  private async seedGeography(): Promise<void> {
    const { tx, data } = this;
    this.report.healthcareRegions = await reconcile({
      desired: data.healthcareRegions.map((hr) => ({ slug: hr.slug, name: hr.name, sources: hr.sources ?? [] })),
      existing: await tx.healthcareRegion.findMany({ select: { slug: true, name: true, sources: true } }),
      keyOf: (row) => row.slug,
      create: (rows) => tx.healthcareRegion.createMany({ data: rows }),
      update: ({ slug, ...row }) => tx.healthcareRegion.update({ where: { slug }, data: row }),
    });
    this.healthcareRegionIds = await idMap(
      tx.healthcareRegion.findMany({ select: { id: true, slug: true } }),
      (r) => r.slug,
    );

    this.report.regions = await reconcile({
      desired: data.regions.map((r) => ({
        countyCode: r.countyCode,
        slug: r.slug,
        name: r.name,
        countyName: r.countyName,
        note: r.note ?? null,
        sources: r.sources ?? [],
      })),
      existing: await tx.region.findMany({
        select: { countyCode: true, slug: true, name: true, countyName: true, note: true, sources: true },
      }),
      keyOf: (row) => row.countyCode,
      create: (rows) => tx.region.createMany({ data: rows }),
      update: ({ countyCode, ...row }) => tx.region.update({ where: { countyCode }, data: row }),
    });
    this.regionIds = await idMap(tx.region.findMany({ select: { id: true, countyCode: true } }), (r) => r.countyCode);

    this.report.regionHealthcareRegions = await reconcile({
      desired: data.regions.flatMap((r) =>
        r.healthcareRegionSlugs.map((slug, position) => ({
          regionId: this.id(this.regionIds, r.countyCode),
          healthcareRegionId: this.id(this.healthcareRegionIds, slug),
          partial: r.healthcareRegionSlugs.length > 1,
          position,
        })),
      ),
      existing: await tx.regionHealthcareRegion.findMany({
        select: { regionId: true, healthcareRegionId: true, partial: true, position: true },
      }),
      keyOf: (row) => `${row.regionId}/${row.healthcareRegionId}`,
      create: (rows) => tx.regionHealthcareRegion.createMany({ data: rows }),
      update: ({ regionId, healthcareRegionId, ...row }) =>
        tx.regionHealthcareRegion.update({
          where: { regionId_healthcareRegionId: { regionId, healthcareRegionId } },
          data: row,
        }),
    });

    this.report.municipalities = await reconcile({
      desired: data.municipalities.map((m) => ({
        code: m.code,
        name: m.name,
        countyCode: m.countyCode,
        healthcareRegionId: this.id(this.healthcareRegionIds, m.healthcareRegionSlug),
      })),
      existing: await tx.municipality.findMany({
        select: { code: true, name: true, countyCode: true, healthcareRegionId: true },
      }),
      keyOf: (row) => row.code,
      create: (rows) => tx.municipality.createMany({ data: rows }),
      update: ({ code, ...row }) => tx.municipality.update({ where: { code }, data: row }),
    });
    this.municipalityIds = await idMap(tx.municipality.findMany({ select: { id: true, code: true } }), (m) => m.code);
  }

  private async seedOrganisations(): Promise<void> {
    const { data } = this;
    const blank = {
      shortName: null,
      description: null,
      countyCode: null,
      regionId: null,
      healthcareRegionId: null,
      municipalityId: null,
      note: null,
    };
    const rows: OrganisationRow[] = [
      ...data.healthcareRegions.map((hr) => ({
        ...blank,
        slug: organisationSlug.healthcareRegion(hr.slug),
        kind: "HEALTHCARE_REGION" as const,
        name: hr.name,
        description: hr.organisation ?? null,
        healthcareRegionId: this.id(this.healthcareRegionIds, hr.slug),
        provenance: "VERIFIED" as const,
        sources: hr.sources ?? [],
      })),
      ...data.regions.map((r) => ({
        ...blank,
        slug: organisationSlug.region(r.slug),
        kind: "REGION" as const,
        name: r.name,
        countyCode: r.countyCode,
        regionId: this.id(this.regionIds, r.countyCode),
        provenance: "VERIFIED" as const,
        sources: r.sources ?? [],
      })),
      ...data.municipalities.map((m) => ({
        ...blank,
        slug: organisationSlug.municipality(m.code),
        kind: "MUNICIPALITY" as const,
        name: m.name,
        countyCode: m.countyCode,
        municipalityId: this.id(this.municipalityIds, m.code),
        provenance: "VERIFIED" as const,
        sources: [],
      })),
      ...data.agencies.map((a) => ({
        ...blank,
        slug: a.slug,
        kind: "AGENCY" as const,
        name: a.name,
        shortName: a.shortName,
        note: a.note ?? null,
        provenance: "VERIFIED" as const,
        sources: a.sources ?? [],
      })),
      ...data.nationalBodies
        .filter((body) => body.kind in NATIONAL_BODY_ORGANISATION_KINDS)
        .map((body) => ({
          ...blank,
          slug: body.slug,
          kind: NATIONAL_BODY_ORGANISATION_KINDS[body.kind] as OrganisationKind,
          name: body.name,
          shortName: body.shortName ?? null,
          description: body.role,
          provenance: "VERIFIED" as const,
          sources: body.sources ?? [],
        })),
      ...data.structure.organisations.map((o) => ({
        ...blank,
        slug: o.slug,
        kind: o.kind as OrganisationKind,
        name: o.name,
        shortName: o.shortName ?? null,
        description: o.description,
        countyCode: o.countyCode ?? null,
        provenance: (o.sources.length > 0 ? "VERIFIED" : "PARTIALLY_VERIFIED") as Provenance,
        sources: o.sources,
      })),
    ];
    const { tx } = this;
    this.report.organisations = await reconcile({
      desired: rows,
      existing: await tx.organisation.findMany({ select: selectOf(rows[0] as OrganisationRow) }),
      keyOf: (row) => row.slug,
      create: (batch) => tx.organisation.createMany({ data: batch }),
      update: ({ slug, ...row }) => tx.organisation.update({ where: { slug }, data: row }),
    });
    this.organisationIds = await idMap(tx.organisation.findMany({ select: { id: true, slug: true } }), (o) => o.slug);
  }

  private async seedNationalGroups(): Promise<void> {
    const { data } = this;
    const blank = groupDefaults();
    const rows: GroupRow[] = [
      ...data.programAreas.map((area) => ({
        ...blank,
        slug: area.slug,
        kind: (area.kind === "council" ? "PRIMARY_CARE_COUNCIL" : "NPO") as GroupKind,
        level: "NATIONAL" as const,
        name: area.name,
        shortName: area.kind === "council" ? null : `NPO ${area.name.charAt(0).toLowerCase()}${area.name.slice(1)}`,
        municipalParticipation: area.municipalParticipation,
        municipalParticipationNote: joinNotes([
          area.municipalParticipationNote,
          this.municipalParticipationSince(area) ? this.data.structure.municipalParticipationDecision.note : undefined,
        ]),
        municipalParticipationSince: this.municipalParticipationSince(area),
        validFrom: area.established ? new Date(area.established) : null,
        periodNote: area.establishedNote ?? null,
        provenance: verification(area.verification),
        note: joinNotes([...(area.notes ?? []), area.countingNote]),
        sources: [
          ...(area.sources ?? []),
          ...(this.municipalParticipationSince(area) ? this.data.structure.municipalParticipationDecision.sources : []),
        ],
      })),
      ...data.collaborationGroups.map((group) => ({
        ...blank,
        slug: group.slug,
        kind: "NSG" as const,
        level: "NATIONAL" as const,
        name: group.name,
        shortName: group.shortName,
        provenance: verification(group.verification),
        note: joinNotes(group.notes ?? []),
        sources: group.sources ?? [],
      })),
      ...data.nationalBodies
        .filter((body) => body.kind in NATIONAL_BODY_KINDS)
        .map((body) => ({
          ...blank,
          slug: body.slug,
          kind: NATIONAL_BODY_KINDS[body.kind] as GroupKind,
          level: "NATIONAL" as const,
          name: body.name,
          shortName: body.shortName ?? null,
          description: body.role,
          validFrom: body.establishedDate ? new Date(body.establishedDate) : null,
          periodNote: body.establishedNote ?? null,
          provenance: (body.nameNote || body.compositionNote ? "PARTIALLY_VERIFIED" : "VERIFIED") as Provenance,
          note: joinNotes([
            body.composition ?? undefined,
            body.compositionNote,
            body.nameNote,
            body.membersNote,
            body.chairNote,
          ]),
          sources: body.sources ?? [],
        })),
    ];
    await this.reconcileGroups("nationalGroups", rows);
  }

  /** The day municipal participation was decided for an area's bodies at every level: the areas of the 2019 decision only. */
  private municipalParticipationSince(area: ProgramAreaData): Date | null {
    const { municipalProgramAreas, municipalParticipationDecision } = this.data.structure;
    return area.municipalParticipation && municipalProgramAreas.includes(area.slug)
      ? new Date(municipalParticipationDecision.decided)
      : null;
  }

  private programAreas() {
    return this.data.programAreas.filter((area) => area.kind === "npo");
  }

  private async seedMirroredGroups(): Promise<void> {
    const { data } = this;
    const blank = groupDefaults();
    const joint = data.structure.jointLocalProgramAreas;
    const jointAreas = new Set(data.structure.municipalProgramAreas);
    const rpos: GroupRow[] = data.healthcareRegions.flatMap((hr) =>
      this.programAreas().map((area) => ({
        ...blank,
        slug: `rpo-${hr.slug}-${area.slug}`,
        kind: "RPO" as const,
        level: "HEALTHCARE_REGIONAL" as const,
        name: `RPO ${area.name} – ${hr.name}`,
        shortName: `RPO ${area.name.charAt(0).toLowerCase()}${area.name.slice(1)}`,
        programAreaId: this.id(this.groupIds, area.slug),
        programAreaKind: "NPO" as const,
        healthcareRegionId: this.id(this.healthcareRegionIds, hr.slug),
        municipalParticipation: area.municipalParticipation,
        municipalParticipationSince: this.municipalParticipationSince(area),
        provenance: "MODELLED" as const,
        note: MODELLED_RPO_NOTE,
      })),
    );
    const lpos: GroupRow[] = data.regions.flatMap((region) =>
      this.programAreas().map((area) => {
        const isJoint = region.countyCode === joint.countyCode && jointAreas.has(area.slug);
        return {
          ...blank,
          slug: lpoSlug(region.countyCode, area.slug),
          kind: "LPO" as const,
          level: "REGIONAL" as const,
          name: `LPO ${area.name} – ${region.name}`,
          shortName: `LPO ${area.name.charAt(0).toLowerCase()}${area.name.slice(1)}`,
          countyCode: region.countyCode,
          municipalParticipation: area.municipalParticipation,
          municipalParticipationNote: isJoint ? "Joint LPO of the region and the county's municipalities." : null,
          municipalParticipationSince: this.municipalParticipationSince(area),
          provenance: (isJoint ? "PARTIALLY_VERIFIED" : "MODELLED") as Provenance,
          note: isJoint ? joint.note : MODELLED_LPO_NOTE,
        };
      }),
    );
    await this.reconcileGroups("mirroredGroups", [...rpos, ...lpos]);
  }

  private async seedRegionalStructures(): Promise<void> {
    const blank = groupDefaults();
    const rows: GroupRow[] = this.data.structure.regionalStructures.map((s) => ({
      ...blank,
      slug: s.slug,
      kind: s.kind,
      level: s.level,
      name: s.name,
      shortName: s.shortName,
      description: s.description,
      countyCode: s.countyCode,
      municipalParticipation: true,
      validFrom: s.validFrom ? new Date(s.validFrom) : null,
      validTo: s.validTo ? new Date(s.validTo) : null,
      periodNote: s.periodNote ?? null,
      provenance: s.provenance,
      note: s.note ?? null,
      sources: s.sources,
    }));
    await this.reconcileGroups("regionalStructures", rows);
  }

  private async reconcileGroups(label: string, rows: GroupRow[]): Promise<void> {
    const { tx } = this;
    this.report[label] = await reconcile({
      desired: rows,
      existing: await tx.group.findMany({
        where: { slug: { in: rows.map((r) => r.slug) } },
        select: selectOf(rows[0] as GroupRow),
      }),
      keyOf: (row) => row.slug,
      create: (batch) => tx.group.createMany({ data: batch }),
      update: ({ slug, ...row }) => tx.group.update({ where: { slug }, data: row }),
    });
    const groups = await tx.group.findMany({ select: { id: true, slug: true, kind: true } });
    this.groupIds = new Map(groups.map((g) => [g.slug, g.id]));
    this.groupKinds = new Map(groups.map((g) => [g.slug, g.kind]));
  }

  private async seedGroupLinks(): Promise<void> {
    const { tx, data } = this;
    const structure = data.structure;
    const joint = structure.jointLocalProgramAreas;
    const municipalAreas = structure.municipalProgramAreas;
    const countyMunicipalities = (countyCode: string) => data.municipalities.filter((m) => m.countyCode === countyCode);
    const jointLpoSlugs = this.programAreas()
      .filter((area) => municipalAreas.includes(area.slug))
      .map((area) => lpoSlug(joint.countyCode, area.slug));

    // Mirrors: every LPO its NPO; knowledge councils their focus areas.
    const mirror = (group: string, area: string) => ({
      groupId: this.id(this.groupIds, group),
      programAreaId: this.id(this.groupIds, area),
      programAreaKind: this.groupKinds.get(area) as GroupKind,
    });
    const mirrors = [
      ...data.regions.flatMap((region) =>
        this.programAreas().map((area) => mirror(lpoSlug(region.countyCode, area.slug), area.slug)),
      ),
      ...structure.regionalStructures
        .filter((s) => s.mirrors === "municipalProgramAreas")
        .flatMap((s) => municipalAreas.map((area) => mirror(s.slug, area))),
    ];
    this.report.groupMirrors = await reconcile({
      desired: mirrors,
      existing: await tx.groupMirror.findMany(),
      keyOf: (row) => `${row.groupId}/${row.programAreaId}`,
      create: (rows) => tx.groupMirror.createMany({ data: rows }),
      update: async () => {},
    });

    // Hosting (värdskap): explicit history where known, otherwise the reference list's host.
    const explicit = new Set(structure.hostings.map((h) => h.group));
    const hostings = [
      ...data.programAreas
        .filter((area) => area.hostHealthcareRegionSlug && !explicit.has(area.slug))
        .map((area) => ({
          group: area.slug,
          host: organisationSlug.healthcareRegion(area.hostHealthcareRegionSlug as string),
          kind: "ACTIVE" as const,
          note: area.hostNote,
        })),
      ...structure.hostings,
    ];
    // A hosting's sources are those of the record of the body it hosts, which state the värdskap;
    // it is partly verified where its note says a part is not confirmed.
    const sourcesOf = new Map<string, string[]>(
      [...data.programAreas, ...data.collaborationGroups, ...data.nationalBodies].map((record) => [
        record.slug,
        record.sources ?? [],
      ]),
    );
    this.report.hostings = await reconcile({
      desired: hostings.map((h) => ({
        groupId: this.id(this.groupIds, h.group),
        organisationId: this.id(this.organisationIds, h.host),
        kind: h.kind,
        validFrom: "validFrom" in h && h.validFrom ? new Date(h.validFrom) : null,
        validTo: "validTo" in h && h.validTo ? new Date(h.validTo) : null,
        provenance: (/not confirmed|no source/i.test(h.note ?? "") ? "PARTIALLY_VERIFIED" : "VERIFIED") as Provenance,
        note: h.note ?? null,
        sources: sourcesOf.get(h.group) ?? [],
      })),
      existing: await tx.hosting.findMany({
        select: {
          groupId: true,
          organisationId: true,
          kind: true,
          validFrom: true,
          validTo: true,
          provenance: true,
          note: true,
          sources: true,
        },
      }),
      keyOf: (row) => `${row.groupId}/${row.organisationId}/${row.kind}`,
      create: (rows) => tx.hosting.createMany({ data: rows }),
      update: ({ groupId, organisationId, kind, ...row }) =>
        tx.hosting.update({ where: { groupId_organisationId_kind: { groupId, organisationId, kind } }, data: row }),
    });

    // Organisations taking part in groups.
    const participation = (
      group: string,
      organisation: string,
      role: "MEMBER" | "PARTICIPANT",
      extra: Partial<{ seats: number; validFrom: Date; provenance: Provenance; note: string }> = {},
    ) => ({
      groupId: this.id(this.groupIds, group),
      organisationId: this.id(this.organisationIds, organisation),
      role,
      seats: extra.seats ?? null,
      validFrom: extra.validFrom ?? null,
      provenance: extra.provenance ?? ("VERIFIED" as Provenance),
      note: extra.note ?? null,
    });
    const council = data.nationalBodies.find((body) => body.kind === "state-council");
    const participations = [
      ...(council
        ? data.agencies
            .filter((a) => a.memberOfRadetForStyrningMedKunskap)
            .map((a) =>
              participation(
                council.slug,
                a.slug,
                "MEMBER",
                council.establishedDate ? { validFrom: new Date(council.establishedDate) } : {},
              ),
            )
        : []),
      ...data.nationalBodies.flatMap((body) =>
        (body.memberAgencies ?? []).map((agency) =>
          participation(
            body.slug,
            agency,
            "MEMBER",
            body.establishedDate ? { validFrom: new Date(body.establishedDate) } : {},
          ),
        ),
      ),
      ...structure.regionalStructures.flatMap((s) => [
        ...(s.seats ?? []).map((seat) => participation(s.slug, seat.organisation, "MEMBER", { seats: seat.seats })),
        ...(s.participants?.region
          ? [participation(s.slug, this.regionSlug(s.countyCode), "PARTICIPANT", { provenance: s.provenance })]
          : []),
        ...(s.participants?.allMunicipalitiesOfCounty
          ? countyMunicipalities(s.countyCode).map((m) =>
              participation(s.slug, organisationSlug.municipality(m.code), "PARTICIPANT", { provenance: s.provenance }),
            )
          : []),
      ]),
      ...jointLpoSlugs.flatMap((lpo) =>
        countyMunicipalities(joint.countyCode).map((m) =>
          participation(lpo, organisationSlug.municipality(m.code), "PARTICIPANT", {
            provenance: "PARTIALLY_VERIFIED",
          }),
        ),
      ),
    ];
    this.report.groupParticipations = await reconcile({
      desired: participations,
      existing: await tx.groupParticipation.findMany({
        select: {
          groupId: true,
          organisationId: true,
          role: true,
          seats: true,
          validFrom: true,
          provenance: true,
          note: true,
        },
      }),
      keyOf: (row) => `${row.groupId}/${row.organisationId}/${row.role}`,
      create: (rows) => tx.groupParticipation.createMany({ data: rows }),
      update: ({ groupId, organisationId, role, ...row }) =>
        tx.groupParticipation.update({
          where: { groupId_organisationId_role: { groupId, organisationId, role } },
          data: row,
        }),
    });

    this.report.groupRelations = await reconcile({
      desired: jointLpoSlugs.map((lpo) => ({
        fromGroupId: this.id(this.groupIds, lpo),
        toGroupId: this.id(this.groupIds, joint.linkedTo),
        kind: "LINKED_TO" as const,
        note: null as string | null,
      })),
      existing: await tx.groupRelation.findMany({
        select: { fromGroupId: true, toGroupId: true, kind: true, note: true },
      }),
      keyOf: (row) => `${row.fromGroupId}/${row.toGroupId}/${row.kind}`,
      create: (rows) => tx.groupRelation.createMany({ data: rows }),
      update: ({ fromGroupId, toGroupId, kind, ...row }) =>
        tx.groupRelation.update({ where: { fromGroupId_toGroupId_kind: { fromGroupId, toGroupId, kind } }, data: row }),
    });
  }

  private async seedPhases(): Promise<void> {
    const { tx } = this;
    this.report.groupPhases = await reconcile({
      desired: this.data.structure.regionalStructures.flatMap((s) =>
        (s.phases ?? []).map((phase) => ({
          groupId: this.id(this.groupIds, s.slug),
          kind: phase.kind,
          validFrom: new Date(phase.validFrom),
          validTo: phase.validTo ? new Date(phase.validTo) : null,
          note: phase.note,
          sources: phase.sources,
        })),
      ),
      existing: await tx.groupPhase.findMany({
        select: { groupId: true, kind: true, validFrom: true, validTo: true, note: true, sources: true },
      }),
      keyOf: (row) => `${row.groupId}/${row.kind}/${row.validFrom.toISOString()}`,
      create: (rows) => tx.groupPhase.createMany({ data: rows }),
      update: ({ groupId, kind, validFrom, ...row }) =>
        tx.groupPhase.update({ where: { groupId_kind_validFrom: { groupId, kind, validFrom } }, data: row }),
    });
  }

  private regionSlug(countyCode: string): string {
    const region = this.data.regions.find((r) => r.countyCode === countyCode);
    if (!region) throw new Error(`Seed data names unknown county code ${countyCode}`);
    return organisationSlug.region(region.slug);
  }

  private async seedNames(): Promise<void> {
    const { tx, data } = this;
    type NameRow = {
      groupId: string | null;
      organisationId: string | null;
      healthcareRegionId: string | null;
      kind: NameKind;
      name: string;
      usedFrom: Date | null;
      usedUntil: Date | null;
      note: string | null;
    };
    const owner = (ref: { group?: string; organisation?: string; healthcareRegion?: string }) => ({
      groupId: ref.group ? this.id(this.groupIds, ref.group) : null,
      organisationId: ref.organisation ? this.id(this.organisationIds, ref.organisation) : null,
      healthcareRegionId: ref.healthcareRegion ? this.id(this.healthcareRegionIds, ref.healthcareRegion) : null,
    });
    const former: NameRow[] = data.structure.formerNames.map((f) => ({
      ...owner(f),
      kind: "FORMER",
      name: f.name,
      usedFrom: f.usedFrom ? new Date(f.usedFrom) : null,
      usedUntil: f.usedUntil ? new Date(f.usedUntil) : null,
      note: f.note,
    }));
    const formerKeys = new Set(former.map(nameKey));
    const variants = (ref: Parameters<typeof owner>[0], names: string[] | undefined): NameRow[] =>
      (names ?? []).map((text) => ({
        ...owner(ref),
        kind: "VARIANT",
        usedFrom: null,
        usedUntil: null,
        ...splitNameAndNote(text),
      }));
    const rows = [
      ...former,
      ...[
        ...data.programAreas.flatMap((a) => variants({ group: a.slug }, a.alternativeNames)),
        ...data.nationalBodies.flatMap((b) =>
          variants(b.kind in NATIONAL_BODY_KINDS ? { group: b.slug } : { organisation: b.slug }, b.alternativeNames),
        ),
        ...data.healthcareRegions.flatMap((hr) => variants({ healthcareRegion: hr.slug }, hr.alternativeNames)),
      ].filter((row) => !formerKeys.has(nameKey(row))),
    ];
    this.report.otherNames = await reconcile({
      desired: rows,
      existing: await tx.otherName.findMany({
        select: {
          groupId: true,
          organisationId: true,
          healthcareRegionId: true,
          kind: true,
          name: true,
          usedFrom: true,
          usedUntil: true,
          note: true,
        },
      }),
      keyOf: (row) => `${row.groupId ?? row.organisationId ?? row.healthcareRegionId}/${row.kind}/${row.name}`,
      create: (batch) => tx.otherName.createMany({ data: batch }),
      update: ({ groupId, organisationId, healthcareRegionId, kind, name, ...row }) =>
        tx.otherName.updateMany({ where: { groupId, organisationId, healthcareRegionId, kind, name }, data: row }),
    });

    function nameKey(row: NameRow): string {
      return `${row.groupId ?? row.organisationId ?? row.healthcareRegionId}/${row.name}`;
    }
  }

  private async seedExpectedCounts(): Promise<void> {
    const { tx } = this;
    this.report.expectedCounts = await reconcile({
      desired: this.data.structure.expectedCounts.map((c) => ({
        kind: c.kind as GroupKind,
        asOf: new Date(c.asOf),
        count: c.count,
        note: c.note,
        sources: c.sources,
      })),
      existing: await tx.expectedCount.findMany(),
      keyOf: (row) => `${row.kind}/${row.asOf.toISOString()}`,
      create: (rows) => tx.expectedCount.createMany({ data: rows }),
      update: ({ kind, asOf, ...row }) => tx.expectedCount.update({ where: { kind_asOf: { kind, asOf } }, data: row }),
    });
  }

  /**
   * Knowledge support a source names. Its lifecycle and program areas are history and links that
   * writes add to, so the seed only adds the first state and missing links, never replaces them.
   */
  private async seedKnowledgeSupport(): Promise<void> {
    const { tx } = this;
    const organisations = await idMap(tx.organisation.findMany({ select: { id: true, slug: true } }), (o) => o.slug);
    const desired = this.data.knowledgeSupport.map((item): KnowledgeSupportSeedRow => {
      const groupId = item.ownerGroup ? this.id(this.groupIds, item.ownerGroup) : null;
      const organisationId = item.ownerOrganisation ? this.id(organisations, item.ownerOrganisation) : null;
      return {
        slug: item.slug,
        name: item.name,
        kind: item.kind as KnowledgeSupportKind,
        description: item.description ?? null,
        ownerGroupId: groupId,
        ownerGroupKind: item.ownerGroup ? (this.groupKinds.get(item.ownerGroup) ?? null) : null,
        ownerOrganisationId: organisationId,
        ownerOrganisationKind: organisationId ? ("AGENCY" as OrganisationKind) : null,
        url: item.url ?? null,
        municipalTarget: item.municipalTarget,
        provenance: verification(item.verification),
        note: item.note ?? null,
        sources: item.sources ?? [],
      };
    });
    this.report.knowledgeSupport = await reconcile({
      desired,
      existing: await tx.knowledgeSupport.findMany({ select: KNOWLEDGE_SUPPORT_SEED_SELECT }),
      keyOf: (row) => row.slug,
      create: (rows) => tx.knowledgeSupport.createMany({ data: rows }),
      update: ({ slug, ...row }) => tx.knowledgeSupport.update({ where: { slug }, data: row }),
    });
    const ids = await idMap(tx.knowledgeSupport.findMany({ select: { id: true, slug: true } }), (k) => k.slug);
    const withStates = new Set(
      (
        await tx.knowledgeSupportStatePeriod.findMany({
          select: { knowledgeSupportId: true },
          distinct: ["knowledgeSupportId"],
        })
      ).map((s) => s.knowledgeSupportId),
    );
    const states = this.data.knowledgeSupport
      .map((item) => ({ knowledgeSupportId: this.id(ids, item.slug), state: item.state as KnowledgeSupportState }))
      .filter((row) => !withStates.has(row.knowledgeSupportId));
    if (states.length > 0) await tx.knowledgeSupportStatePeriod.createMany({ data: states });
    const areas = this.data.knowledgeSupport.flatMap((item) =>
      item.programAreas.map((area) => ({
        knowledgeSupportId: this.id(ids, item.slug),
        programAreaId: this.id(this.groupIds, area),
        programAreaKind: this.groupKinds.get(area) ?? ("NPO" as GroupKind),
      })),
    );
    if (areas.length > 0) await tx.knowledgeSupportProgramArea.createMany({ data: areas, skipDuplicates: true });
  }

  private id(ids: Map<string, string>, key: string): string {
    const id = ids.get(key);
    if (!id) throw new Error(`Seed data refers to "${key}", which is not in the data`);
    return id;
  }
}

function groupDefaults(): Omit<GroupRow, "slug" | "kind" | "level" | "name" | "provenance"> {
  return {
    shortName: null,
    description: null,
    parentId: null,
    parentKind: null,
    programAreaId: null,
    programAreaKind: null,
    healthcareRegionId: null,
    countyCode: null,
    municipalParticipation: false,
    municipalParticipationNote: null,
    municipalParticipationSince: null,
    validFrom: null,
    validTo: null,
    periodNote: null,
    note: null,
    sources: [],
  };
}

export function lpoSlug(countyCode: string, programAreaSlug: string): string {
  return `lpo-${countyCode}-${programAreaSlug}`;
}

function verification(value: string): Provenance {
  return value === "verified" ? "VERIFIED" : "PARTIALLY_VERIFIED";
}

function joinNotes(notes: (string | undefined | null)[]): string | null {
  const text = notes.filter((n): n is string => Boolean(n)).join(" ");
  return text || null;
}

/** "Äldres hälsa (name until October 2022)" → name and note. */
function splitNameAndNote(text: string): { name: string; note: string | null } {
  // The first "(" of a text ending in ")", or the first "—", starts the note.
  for (let i = 0; i < text.length; i++) {
    const parenthesised = text[i] === "(" && text.endsWith(")");
    if (!parenthesised && text[i] !== "—") continue;
    const name = text.slice(0, i).trimEnd();
    if (!name) break;
    return { name, note: parenthesised ? text.slice(i + 1, -1) : text.slice(i + 1).trimStart() };
  }
  return { name: text, note: null };
}

function selectOf<Row extends object>(row: Row): { [K in keyof Row]: true } {
  return Object.fromEntries(Object.keys(row).map((key) => [key, true])) as { [K in keyof Row]: true };
}

async function idMap<Row extends { id: string }>(
  rows: Promise<Row[]>,
  keyOf: (row: Row) => string,
): Promise<Map<string, string>> {
  return new Map((await rows).map((row) => [keyOf(row), row.id]));
}
