/**
 * A deterministic, realistic-scale data set of working groups, people and memberships on top of
 * the seeded reference structure, for tests and benchmarks. Everything it writes carries the
 * source system "kg-dataset" (people, memberships) or provenance RECORDED and a note (groups);
 * it only adds rows, never changes the reference data.
 *
 * Determinism: one seeded PRNG drives every choice, and the reference rows are read in a stable
 * order (by slug or code), so two runs on two freshly seeded databases produce the same content.
 * Ids are random UUIDs and differ; compare content, not ids.
 */
import { randomUUID } from "node:crypto";
import type { Database } from "../db/prisma";
import { Prisma, type GroupKind, type GroupLevel, type MembershipRole } from "../generated/prisma/client";
import { execute } from "../db/sql";
import { generateKnowledge } from "./knowledge";

export const DATASET_SOURCE_SYSTEM = "kg-dataset";
export const DATASET_REFERENCE_DATE = "2026-11-01";

export interface DatasetOptions {
  /**
   * 1 gives ≈ 20 000 memberships. N multiplies the working groups (each staffed alike) and so the
   * people and memberships by about N; the seeded bodies keep their composition and gain ended
   * adjunct and co-opted engagements instead, (N − 1) times their own membership count.
   */
  scale: number;
  /** PRNG seed. @default 1 */
  seed?: number;
  /** "Today" for deciding which periods are current or ended (UTC midnight). @default 2026-11-01 */
  today?: Date;
}

export interface DatasetSummary {
  workingGroups: number;
  people: number;
  memberships: number;
  activeMemberships: number;
  endedMemberships: number;
  /** The generated knowledge-support register (src/dataset/knowledge.ts). */
  knowledgeSupports: number;
  implementations: number;
  followUpValues: number;
}

type Tx = Prisma.TransactionClient;

interface GroupRow {
  id: string;
  slug: string;
  kind: GroupKind;
  level: GroupLevel;
  name: string;
  parentId: string;
  parentKind: GroupKind;
  healthcareRegionId: string | null;
  countyCode: string | null;
  municipalParticipation: boolean;
  validFrom: Date;
  validTo: Date | null;
}
/** A person with their contact row. */
interface PersonRow {
  id: string;
  givenName: string;
  familyName: string;
  title: string;
  hsaId: string;
  externalId: string;
  email: string;
  phone: string;
}
interface MembershipRow {
  personId: string;
  groupId: string;
  role: MembershipRole;
  organisationId: string;
  validFrom: Date;
  validTo: Date | null;
  externalId: string;
}

const CHUNK_SIZE = 5_000;
const GROUP_NOTE = "Generated test data (kg-dataset); fictitious.";
/** Start of the recorded history of bodies without a start date (the NPO structure dates from 2018–2019). */
const HISTORY_ORIGIN = day("2019-01-01");
const LONG_CHAIR_START = day("2021-01-01");
const DISSOLUTION_DATES = ["2023-12-31", "2024-06-30", "2025-03-31"].map(day);
const DISSOLVED_SHARE = 0.03;
const LONG_CHAIR_SHARE = 0.02;
const EARLIER_HOLDER_SHARE = 0.14;
/** A person is not picked again once this busy. */
const MAX_MEMBERSHIPS_PER_PERSON = 9;

const GIVEN_NAMES = [
  "Anna",
  "Åsa",
  "Märta",
  "Björn",
  "Göran",
  "Jörgen",
  "Örjan",
  "Åke",
  "Ingrid",
  "Karin",
  "Maria",
  "Eva",
  "Lena",
  "Kerstin",
  "Birgitta",
  "Malin",
  "Sofia",
  "Emma",
  "Linnéa",
  "Maja",
  "Sara",
  "Johanna",
  "Helén",
  "Märit",
  "Ylva",
  "Agneta",
  "Gunnel",
  "Lars",
  "Anders",
  "Johan",
  "Per",
  "Erik",
  "Mikael",
  "Magnus",
  "Henrik",
  "Fredrik",
  "Mats",
  "Stefan",
  "Håkan",
  "Jonas",
  "Ulf",
  "Sören",
  "Tomas",
  "Nils",
  "Olle",
  "Gösta",
  "Bengt",
  "Ali",
  "Fatima",
  "Yusuf",
  "Leila",
  "Mehmet",
  "Amira",
  "Eva-Lena",
];
const FAMILY_NAMES = [
  "Öberg",
  "Ländström",
  "Åberg",
  "Andersson",
  "Johansson",
  "Karlsson",
  "Nilsson",
  "Eriksson",
  "Larsson",
  "Olsson",
  "Persson",
  "Svensson",
  "Gustafsson",
  "Pettersson",
  "Jonsson",
  "Jansson",
  "Hansson",
  "Bengtsson",
  "Jönsson",
  "Lindberg",
  "Lindström",
  "Lindqvist",
  "Lundgren",
  "Bäckström",
  "Söderberg",
  "Sjögren",
  "Håkansson",
  "Åström",
  "Forsberg",
  "Sandström",
  "Ström",
  "Holmgren",
  "Nyström",
  "Björk",
  "Wallin",
  "Engström",
  "Ek",
  "Hedlund",
  "Löfgren",
  "Sjöberg",
  "Fröberg",
  "Dahlén",
  "Näslund",
  "Östlund",
  "Hägglund",
  "Nordström",
  "Berglöf",
  "Yilmaz",
  "Hassan",
  "Ahmadi",
  "Kovač",
  "Järvinen",
];
const GENERAL_TITLES = [
  "överläkare",
  "specialistläkare",
  "sjuksköterska",
  "distriktssköterska",
  "barnmorska",
  "fysioterapeut",
  "arbetsterapeut",
  "psykolog",
  "kurator",
  "dietist",
  "apotekare",
  "tandläkare",
  "biomedicinsk analytiker",
  "enhetschef",
  "verksamhetschef",
];
const TITLES_BY_ROLE: Partial<Record<MembershipRole, string[]>> = {
  CHAIR: ["överläkare", "verksamhetschef", "professor", "divisionschef", "chefläkare"],
  PROCESS_LEADER: ["processledare", "utvecklingsledare"],
  SECRETARY: ["samordnare", "handläggare", "utredare"],
  COORDINATOR: ["samordnare", "verksamhetsutvecklare"],
};
const MUNICIPAL_TITLES = ["medicinskt ansvarig sjuksköterska", "socialchef", "enhetschef", "verksamhetschef"];
const TOPICS = [
  "Vårdförlopp",
  "Kunskapsstöd",
  "Uppföljning och analys",
  "Nationellt vårdprogram",
  "Läkemedel",
  "Patientinformation",
  "Kvalitetsindikatorer",
  "Prevention",
  "Diagnostik",
  "Rehabilitering",
  "Kompetensförsörjning",
  "Digitala vårdtjänster",
  "Implementering",
  "Nära vård",
  "Omvårdnad",
  "Screening",
  "Barn och unga",
  "Sällsynta tillstånd",
  "Palliativ vård",
  "Samverkan med kommunerna",
  "Patientsäkerhet",
  "Kvalitetsregister",
  "Medicinteknik",
  "Hälsoekonomi",
];

/**
 * Generates the data set into a seeded database in one transaction. Refuses (and writes nothing)
 * when the database already holds a generated data set.
 */
export async function generateDataset(prisma: Database, options: DatasetOptions): Promise<DatasetSummary> {
  const { scale, seed = 1, today = day(DATASET_REFERENCE_DATE) } = options;
  if (!Number.isFinite(scale) || scale <= 0 || scale > 100)
    throw new Error(`Dataset scale must be a number above 0 and at most 100, not ${scale}`);
  if (!Number.isInteger(seed)) throw new Error(`Dataset seed must be an integer, not ${seed}`);
  const summary = await prisma.$transaction(
    async (tx) => {
      await assertNoDataset(tx);
      const dataset = new DatasetBuilder(await loadReference(tx), mulberry32(seed), scale, today).build();
      await insertDataset(tx, dataset);
      // Its own PRNG, so the people and memberships stay what they were before the register existed.
      const knowledge = await generateKnowledge(tx, mulberry32(seed + 0x6b73), scale, today);
      return { ...dataset.summary(), ...knowledge };
    },
    { timeout: 600_000, maxWait: 60_000 },
  );
  // Fresh statistics, so queries right after a bulk load get the plans they will get later.
  await prisma.$executeRaw`ANALYZE`;
  return summary;
}

async function assertNoDataset(tx: Tx): Promise<void> {
  const people = await tx.person.count({ where: { sourceSystem: DATASET_SOURCE_SYSTEM } });
  if (people > 0) {
    throw new Error(
      `The database already holds a generated data set (${people} people from "${DATASET_SOURCE_SYSTEM}"); generate into a freshly seeded database`,
    );
  }
}

/**
 * Inserts column-wise (INSERT … SELECT FROM unnest), one statement per chunk of rows. Prisma's
 * createMany costs 0.2–0.35 ms a row in the client engine's JavaScript, which alone would take
 * over a minute at scale 10; this takes a few seconds.
 */
async function insertDataset(tx: Tx, dataset: DatasetBuilder): Promise<void> {
  await insertChunks(
    tx,
    dataset.groups,
    (g) => Prisma.sql`
    INSERT INTO "governance_group" ("id", "slug", "kind", "level", "name", "parent_id", "parent_kind", "healthcare_region_id", "county_code",
                                    "municipal_participation", "valid_from", "valid_to", "note", "provenance", "sources")
    SELECT u.*, ${GROUP_NOTE}::text, 'RECORDED', '{}'
      FROM unnest(${g.map((r) => r.id)}::uuid[], ${g.map((r) => r.slug)}::text[], ${g.map((r) => r.kind)}::"GroupKind"[], ${g.map((r) => r.level)}::"GroupLevel"[],
                  ${g.map((r) => r.name)}::text[], ${g.map((r) => r.parentId)}::uuid[], ${g.map((r) => r.parentKind)}::"GroupKind"[],
                  ${g.map((r) => r.healthcareRegionId)}::uuid[], ${g.map((r) => r.countyCode)}::text[], ${g.map((r) => r.municipalParticipation)}::boolean[],
                  ${g.map((r) => isoDay(r.validFrom))}::date[], ${g.map((r) => r.validTo && isoDay(r.validTo))}::date[]) AS u`,
  );
  await insertChunks(
    tx,
    dataset.people,
    (p) => Prisma.sql`
    INSERT INTO "person" ("id", "given_name", "family_name", "title", "hsa_id", "external_id", "source_system")
    SELECT u.*, ${DATASET_SOURCE_SYSTEM}::text
      FROM unnest(${p.map((r) => r.id)}::uuid[], ${p.map((r) => r.givenName)}::text[], ${p.map((r) => r.familyName)}::text[], ${p.map((r) => r.title)}::text[],
                  ${p.map((r) => r.hsaId)}::text[], ${p.map((r) => r.externalId)}::text[]) AS u`,
  );
  await insertChunks(
    tx,
    dataset.people,
    (p) => Prisma.sql`
    INSERT INTO "person_contact" ("person_id", "email", "phone")
    SELECT u.* FROM unnest(${p.map((r) => r.id)}::uuid[], ${p.map((r) => r.email)}::text[], ${p.map((r) => r.phone)}::text[]) AS u`,
  );
  await insertChunks(
    tx,
    dataset.memberships,
    (m) => Prisma.sql`
    INSERT INTO "membership" ("person_id", "group_id", "role", "representing_organisation_id", "valid_from", "valid_to", "external_id", "source_system")
    SELECT u.*, ${DATASET_SOURCE_SYSTEM}::text
      FROM unnest(${m.map((r) => r.personId)}::uuid[], ${m.map((r) => r.groupId)}::uuid[], ${m.map((r) => r.role)}::"MembershipRole"[],
                  ${m.map((r) => r.organisationId)}::uuid[], ${m.map((r) => isoDay(r.validFrom))}::date[], ${m.map((r) => r.validTo && isoDay(r.validTo))}::date[],
                  ${m.map((r) => r.externalId)}::text[]) AS u`,
  );
}

/** One statement per chunk of rows; `insert` writes a chunk as typed array parameters. */
async function insertChunks<Row>(tx: Tx, rows: Row[], insert: (chunk: Row[]) => Prisma.Sql): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK_SIZE) await execute(tx, insert(rows.slice(i, i + CHUNK_SIZE)));
}

// ---------------------------------------------------------------------------------------------
// Reference structure, in a stable order

interface OrgRef {
  id: string;
  slug: string;
  countyCode: string | null;
}
interface RegionRef {
  countyCode: string;
  name: string;
  org: OrgRef;
  municipalities: OrgRef[];
}
interface HealthcareRegionRef {
  id: string;
  slug: string;
  name: string;
  org: OrgRef;
  regions: RegionRef[];
}
interface GroupRef {
  id: string;
  slug: string;
  kind: GroupKind;
  name: string;
  municipalParticipation: boolean;
  validFrom: Date | null;
}
interface Reference {
  healthcareRegions: HealthcareRegionRef[];
  regions: RegionRef[];
  municipalities: OrgRef[];
  /** NPOs and the primary-care council. */
  programAreas: GroupRef[];
  /** By `${programAreaSlug}/${healthcareRegionSlug}`. */
  rpos: Map<string, GroupRef>;
  /** By `${programAreaSlug}/${countyCode}`. */
  lpos: Map<string, GroupRef>;
  collaborationGroups: GroupRef[];
  nationalBodies: GroupRef[];
  skr: OrgRef;
  agencies: OrgRef[];
  existingSlugs: Set<string>;
}

const NATIONAL_BODY_KINDS: GroupKind[] = [
  "STEERING_GROUP",
  "PREPARATORY_GROUP",
  "CHAIRS_FORUM",
  "SUPPORT_FUNCTION",
  "PARTNERSHIP",
  "STATE_COUNCIL",
  "ADVISORY_GROUP",
];
const orgSelect = { id: true, slug: true, countyCode: true } as const;

async function loadReference(tx: Tx): Promise<Reference> {
  const regionRows = sortBy(
    await tx.region.findMany({ select: { countyCode: true, name: true, organisation: { select: orgSelect } } }),
    (r) => r.countyCode,
  );
  const municipalities = sortBy(
    await tx.organisation.findMany({ where: { kind: "MUNICIPALITY" }, select: orgSelect }),
    (o) => o.slug,
  );
  const regions = regionRows.map((r) => ({
    countyCode: r.countyCode,
    name: r.name,
    org: required(r.organisation, `the organisation of region ${r.countyCode}`),
    municipalities: municipalities.filter((m) => m.countyCode === r.countyCode),
  }));
  const healthcareRegions = sortBy(
    await tx.healthcareRegion.findMany({
      select: {
        id: true,
        slug: true,
        name: true,
        organisation: { select: orgSelect },
        regions: { select: { region: { select: { countyCode: true } } } },
      },
    }),
    (hr) => hr.slug,
  ).map((hr) => ({
    id: hr.id,
    slug: hr.slug,
    name: hr.name,
    org: required(hr.organisation, `the organisation of healthcare region ${hr.slug}`),
    regions: regions.filter((r) => hr.regions.some((link) => link.region.countyCode === r.countyCode)),
  }));
  const slugOf = { select: { slug: true } } as const;
  const groups = sortBy(
    await tx.group.findMany({
      select: {
        id: true,
        slug: true,
        kind: true,
        name: true,
        municipalParticipation: true,
        validFrom: true,
        countyCode: true,
        programArea: slugOf,
        healthcareRegion: slugOf,
        mirrors: { select: { programArea: slugOf } },
      },
    }),
    (g) => g.slug,
  );
  const ofKind = (...kinds: GroupKind[]) => groups.filter((g) => kinds.includes(g.kind));
  const programAreas = ofKind("NPO", "PRIMARY_CARE_COUNCIL");
  if (programAreas.length === 0)
    throw new Error("The database holds no reference structure: run `npm run db:seed` first");
  const agencies = sortBy(
    await tx.organisation.findMany({ where: { kind: "AGENCY" }, select: orgSelect }),
    (o) => o.slug,
  );
  return {
    healthcareRegions,
    regions,
    municipalities,
    programAreas,
    rpos: new Map(ofKind("RPO").map((g) => [`${g.programArea?.slug}/${g.healthcareRegion?.slug}`, g])),
    lpos: new Map(
      ofKind("LPO").flatMap((g) => g.mirrors.map((m) => [`${m.programArea.slug}/${g.countyCode}`, g] as const)),
    ),
    collaborationGroups: ofKind("NSG"),
    nationalBodies: ofKind(...NATIONAL_BODY_KINDS),
    skr: required(
      await tx.organisation.findUnique({ where: { slug: "skr" }, select: orgSelect }),
      "the organisation SKR",
    ),
    agencies,
    existingSlugs: new Set(groups.map((g) => g.slug)),
  };
}

/** Sorts by code point, not by the database's collation, so the order is the same on every server. */
function sortBy<T>(rows: T[], key: (row: T) => string): T[] {
  return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function required<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined)
    throw new Error(`The reference structure lacks ${what}: run \`npm run db:seed\` first`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// The data set, built in memory

/** A group being staffed. */
interface Body {
  id: string;
  start: Date;
  /** Dissolution date of a dissolved working group. */
  end: Date | null;
  members: Set<number>;
  longChair: boolean;
  /** A dissolved group that keeps one open membership (a deliberate gap). */
  keepsOpenMembership: boolean;
}

/** One place in a group: the role, the organisation represented, and where its holder comes from. */
interface Seat {
  role: MembershipRole;
  org: OrgRef;
  /** Pools of people to pick an existing person from. */
  sources: string[];
  /** Pools the holder joins. */
  joins: string[];
  /** Chance of a new person rather than one from the pools. */
  newShare: number;
  municipal?: boolean;
}

interface WorkingGroupSpec {
  parent: GroupRef;
  kind: "NAG" | "RAG" | "LAG";
  level: GroupLevel;
  slug: string;
  name: string;
  healthcareRegionId?: string;
  countyCode?: string;
}

class Pool {
  readonly people: number[] = [];
  private readonly known = new Set<number>();
  add(person: number): void {
    if (!this.known.has(person)) {
      this.known.add(person);
      this.people.push(person);
    }
  }
}

class DatasetBuilder {
  readonly groups: GroupRow[] = [];
  readonly people: PersonRow[] = [];
  readonly memberships: MembershipRow[] = [];
  private readonly pools = new Map<string, Pool>();
  private readonly load: number[] = [];
  private readonly slugs: Set<string>;
  private readonly npoMissingRegion = new Map<string, string>();
  private npoWithoutMunicipalMember = "";
  private dissolvedGroups = 0;

  constructor(
    private readonly ref: Reference,
    private readonly random: () => number,
    private readonly scale: number,
    private readonly today: Date,
  ) {
    this.slugs = new Set(ref.existingSlugs);
  }

  build(): this {
    this.chooseGaps();
    for (const area of this.ref.programAreas) {
      for (const region of this.ref.regions) {
        const lpo = this.ref.lpos.get(`${area.slug}/${region.countyCode}`);
        if (lpo) this.localProgramArea(area, region, lpo);
      }
      for (const hr of this.ref.healthcareRegions) {
        const rpo = this.ref.rpos.get(`${area.slug}/${hr.slug}`);
        if (rpo) this.regionalProgramArea(area, hr, rpo);
      }
      this.nationalProgramArea(area);
    }
    for (const nsg of this.ref.collaborationGroups) this.collaborationGroup(nsg);
    for (const body of this.ref.nationalBodies) this.nationalBody(body);
    return this;
  }

  summary(): Omit<DatasetSummary, "knowledgeSupports" | "implementations" | "followUpValues"> {
    const ended = this.memberships.filter((m) => m.validTo !== null && m.validTo < this.today).length;
    return {
      workingGroups: this.groups.length,
      people: this.people.length,
      memberships: this.memberships.length,
      activeMemberships: this.memberships.length - ended,
      endedMemberships: ended,
    };
  }

  /** Three NPOs lack one healthcare region's representative; one municipal NPO has no municipal member. */
  private chooseGaps(): void {
    const npos = this.shuffle(this.ref.programAreas.filter((a) => a.kind === "NPO"));
    for (const npo of npos.slice(0, 3)) this.npoMissingRegion.set(npo.slug, this.pick(this.ref.healthcareRegions).slug);
    this.npoWithoutMunicipalMember = npos.slice(3).find((a) => a.municipalParticipation)?.slug ?? "";
  }

  // -- Program areas: LPO → LAGs, RPO → RAGs, NPO → NAGs ---------------------------------------

  private localProgramArea(area: GroupRef, region: RegionRef, lpo: GroupRef): void {
    const seat = (role: MembershipRole, newShare = 0.25) =>
      this.orgSeat(role, region.org, newShare, [`area:${area.slug}:${region.org.slug}`]);
    const municipal = (role: MembershipRole) => this.municipalSeat(role, this.pick(region.municipalities));
    this.fixedBody(lpo, seat("CHAIR", 0.2), [
      ...this.maybe(0.5, () => seat("VICE_CHAIR")),
      ...this.times(this.int(7, 12), () => seat("MEMBER")),
      ...this.times(this.int(0, 2), () => seat("DEPUTY_MEMBER")),
      seat("PROCESS_LEADER"),
      ...this.maybe(0.6, () => seat(this.chance(0.5) ? "SECRETARY" : "COORDINATOR")),
      ...(lpo.municipalParticipation ? this.times(this.int(1, 3), () => municipal("MEMBER")) : []),
    ]);
    const topics = this.topics();
    for (let n = 1, count = this.countAround(this.scale); n <= count; n++) {
      const spec = { parent: lpo, kind: "LAG", level: "REGIONAL", countyCode: region.countyCode } as const;
      this.workingGroup(
        {
          ...spec,
          slug: `lag-${lpo.slug.replace(/^lpo-/, "")}-${n}`,
          name: `LAG ${area.name}, ${region.name} – ${topics(n)}`,
        },
        seat("CHAIR", 0.3),
        [
          ...this.times(this.int(5, 10), () => seat("MEMBER", 0.3)),
          ...this.maybe(0.2, () => seat("DEPUTY_MEMBER", 0.3)),
          ...this.maybe(0.4, () => seat("SECRETARY", 0.3)),
          ...this.maybe(0.3, () => seat("ADJUNCT", 0.3)),
          ...(lpo.municipalParticipation ? this.times(this.int(0, 2), () => municipal("MEMBER")) : []),
        ],
      );
    }
  }

  private regionalProgramArea(area: GroupRef, hr: HealthcareRegionRef, rpo: GroupRef): void {
    const seat = (role: MembershipRole, region: RegionRef, newShare = 0.15) =>
      this.orgSeat(
        role,
        region.org,
        newShare,
        [`area:${area.slug}:${region.org.slug}`],
        [`rpo:${area.slug}:${hr.slug}`],
      );
    const perRegion = hr.regions.length <= 2 ? () => this.int(2, 4) : () => this.int(1, 2);
    const regionSeats = hr.regions.flatMap((region) => this.times(perRegion(), () => seat("MEMBER", region)));
    const vice = this.chance(0.5) ? regionSeats.pop() : undefined;
    this.fixedBody(rpo, seat("CHAIR", this.pick(hr.regions)), [
      ...(vice ? [{ ...vice, role: "VICE_CHAIR" as const }] : []),
      ...regionSeats,
      seat("PROCESS_LEADER", this.pick(hr.regions), 0.3),
      ...this.maybe(0.5, () => seat("COORDINATOR", this.pick(hr.regions), 0.3)),
    ]);
    const topics = this.topics();
    for (let n = 1, count = this.countAround(this.scale); n <= count; n++) {
      const spec = { parent: rpo, kind: "RAG", level: "HEALTHCARE_REGIONAL", healthcareRegionId: hr.id } as const;
      const member = (role: MembershipRole) => seat(role, this.pick(hr.regions), 0.3);
      this.workingGroup(
        {
          ...spec,
          slug: `rag-${rpo.slug.replace(/^rpo-/, "")}-${n}`,
          name: `RAG ${area.name}, ${hr.name} – ${topics(n)}`,
        },
        member("CHAIR"),
        [
          ...this.times(this.int(6, 10), () => member("MEMBER")),
          ...this.maybe(0.3, () => member("SECRETARY")),
          ...this.maybe(0.3, () => member("ADJUNCT")),
        ],
      );
    }
  }

  private nationalProgramArea(area: GroupRef): void {
    const rpoPool = (hr: HealthcareRegionRef) =>
      this.ref.rpos.has(`${area.slug}/${hr.slug}`) ? [`rpo:${area.slug}:${hr.slug}`] : [];
    const seat = (role: MembershipRole, hr: HealthcareRegionRef, newShare = 0.1) =>
      this.orgSeat(role, hr.org, newShare, rpoPool(hr));
    const missing = this.npoMissingRegion.get(area.slug);
    const present = this.shuffle(this.ref.healthcareRegions.filter((hr) => hr.slug !== missing));
    const [chairRegion, viceRegion, ...others] = present;
    const municipal = area.municipalParticipation && area.slug !== this.npoWithoutMunicipalMember;
    const nationalMunicipal = () =>
      this.chance(0.3)
        ? this.orgSeat("MEMBER", this.ref.skr, 0.5)
        : this.municipalSeat("MEMBER", this.pick(this.ref.municipalities));
    this.fixedBody(area, seat("CHAIR", required(chairRegion, "healthcare regions")), [
      ...(viceRegion ? [seat("VICE_CHAIR", viceRegion)] : []),
      ...others.map((hr) => seat("MEMBER", hr)),
      seat("PROCESS_LEADER", this.pick(present), 0.4),
      ...this.maybe(0.7, () => seat("SECRETARY", this.pick(present), 0.4)),
      ...(municipal
        ? [
            this.orgSeat("MEMBER", this.ref.skr, 0.5),
            ...this.times(this.int(1, 2), () => this.municipalSeat("MEMBER", this.pick(this.ref.municipalities))),
          ]
        : []),
    ]);
    const topics = this.topics();
    for (let n = 1, count = this.countAround(2 * this.scale); n <= count; n++) {
      const member = (role: MembershipRole, hr = this.pick(this.ref.healthcareRegions)) => seat(role, hr, 0.3);
      this.workingGroup(
        {
          parent: area,
          kind: "NAG",
          level: "NATIONAL",
          slug: `nag-${area.slug}-${n}`,
          name: `NAG ${area.name} – ${topics(n)}`,
        },
        member("CHAIR"),
        [
          ...this.ref.healthcareRegions.map((hr) => member("MEMBER", hr)),
          ...this.times(this.int(0, 3), () => member("MEMBER")),
          ...this.maybe(0.3, () => member("SECRETARY")),
          ...this.maybe(0.25, () => member("CO_OPTED")),
          ...(area.municipalParticipation ? this.maybe(0.5, nationalMunicipal) : []),
        ],
      );
    }
  }

  // -- NSGs and national bodies ----------------------------------------------------------------

  private collaborationGroup(nsg: GroupRef): void {
    const seat = (role: MembershipRole, hr = this.pick(this.ref.healthcareRegions), newShare = 0.3) =>
      this.orgSeat(role, hr.org, newShare);
    const [viceRegion, ...others] = this.shuffle(this.ref.healthcareRegions);
    this.fixedBody(nsg, seat("CHAIR"), [
      ...(viceRegion ? [seat("VICE_CHAIR", viceRegion)] : []),
      ...others.map((hr) => seat("MEMBER", hr)),
      ...this.maybe(0.5, () => this.orgSeat("MEMBER", this.ref.skr, 0.5)),
      ...this.maybe(0.5, () => this.orgSeat("MEMBER", this.pick(this.ref.agencies), 0.5)),
    ]);
    const topics = this.topics();
    for (let n = 1, count = this.countAround(this.scale); n <= count; n++) {
      this.workingGroup(
        {
          parent: nsg,
          kind: "NAG",
          level: "NATIONAL",
          slug: `nag-${nsg.slug}-${n}`,
          name: `NAG ${nsg.name} – ${topics(n)}`,
        },
        seat("CHAIR", undefined, 0.35),
        [
          ...this.times(this.int(4, 8), () => seat("MEMBER", undefined, 0.35)),
          ...this.maybe(0.3, () => seat("SECRETARY", undefined, 0.35)),
        ],
      );
    }
  }

  private nationalBody(group: GroupRef): void {
    const region = (role: MembershipRole) => this.orgSeat(role, this.pick(this.ref.healthcareRegions).org, 0.2);
    const skr = (role: MembershipRole) => this.orgSeat(role, this.ref.skr, 0.4);
    if (group.kind === "STATE_COUNCIL") {
      // Socialstyrelsen's director-general chairs the council; every other agency has a member.
      const chairAgency = this.ref.agencies.find((agency) => agency.slug === "socialstyrelsen");
      if (!chairAgency)
        throw new Error("The reference data has no Socialstyrelsen to chair Rådet för styrning med kunskap");
      const others = this.ref.agencies
        .filter((agency) => agency !== chairAgency)
        .map((agency) => this.orgSeat("MEMBER", agency, 0.5));
      this.fixedBody(group, this.orgSeat("CHAIR", chairAgency, 0.5), [...others, skr("SECRETARY")]);
    } else if (group.kind === "SUPPORT_FUNCTION") {
      this.fixedBody(group, skr("CHAIR"), [
        ...this.times(2, () => skr("PROCESS_LEADER")),
        ...this.times(2, () => skr("COORDINATOR")),
        skr("SECRETARY"),
      ]);
    } else {
      this.fixedBody(group, region("CHAIR"), [
        ...this.times(this.int(4, 7), () => region("MEMBER")),
        skr("MEMBER"),
        ...this.maybe(0.5, () => skr("SECRETARY")),
      ]);
    }
  }

  // -- Groups and their staffing ---------------------------------------------------------------

  /**
   * A seeded body (NPO, RPO, LPO, NSG, national body): the same composition at every scale; scale
   * adds time-limited adjunct and co-opted engagements (ended), since these bodies cannot multiply.
   */
  private fixedBody(group: GroupRef, chair: Seat, seats: Seat[]): void {
    const body = this.body(group.id, group.validFrom ?? HISTORY_ORIGIN, null, this.chance(LONG_CHAIR_SHARE), false);
    const before = this.memberships.length;
    this.staff(body, chair, seats);
    this.engagements(
      body,
      [chair, ...seats],
      Math.round(Math.max(0, this.scale - 1) * (this.memberships.length - before)),
    );
  }

  private workingGroup(spec: WorkingGroupSpec, chair: Seat, seats: Seat[]): void {
    if (this.slugs.has(spec.slug)) throw new Error(`Generated group slug ${spec.slug} is already taken`);
    this.slugs.add(spec.slug);
    const dissolved = this.chance(DISSOLVED_SHARE);
    const longChair = !dissolved && this.chance(LONG_CHAIR_SHARE);
    const start = this.randomDay(
      HISTORY_ORIGIN,
      day(dissolved ? "2022-06-30" : longChair ? "2020-12-31" : "2025-06-30"),
    );
    const end = dissolved ? this.pick(DISSOLUTION_DATES) : null;
    const keepsOpen = dissolved && (this.dissolvedGroups++ === 0 || this.chance(0.25));
    const row: GroupRow = {
      id: randomUUID(),
      slug: spec.slug,
      kind: spec.kind,
      level: spec.level,
      name: spec.name,
      parentId: spec.parent.id,
      parentKind: spec.parent.kind,
      healthcareRegionId: spec.healthcareRegionId ?? null,
      countyCode: spec.countyCode ?? null,
      municipalParticipation: spec.parent.municipalParticipation,
      validFrom: start,
      validTo: end,
    };
    this.groups.push(row);
    this.staff(this.body(row.id, start, end, longChair, keepsOpen), chair, seats);
  }

  private body(id: string, start: Date, end: Date | null, longChair: boolean, keepsOpenMembership: boolean): Body {
    return {
      id,
      start,
      end,
      members: new Set(),
      longChair: longChair && start <= LONG_CHAIR_START,
      keepsOpenMembership,
    };
  }

  private staff(body: Body, chair: Seat, seats: Seat[]): void {
    this.chairs(body, chair);
    for (const seat of seats) this.seat(body, seat);
  }

  /** The current (or last) chair, and usually one or two earlier chairs whose terms ended the day before the next began. */
  private chairs(body: Body, seat: Seat): void {
    const horizon = body.end ?? this.today;
    let start = body.longChair
      ? LONG_CHAIR_START
      : this.randomDay(later(body.start, addDays(horizon, -1000)), addDays(horizon, -30));
    this.add(body, seat, this.holder(body, seat), start, body.end);
    let earlier = this.chance(0.8) ? (this.chance(0.3) ? 2 : 1) : 0;
    while (earlier-- > 0 && daysBetween(body.start, start) >= 90) {
      const to = addDays(start, -1);
      start = this.randomDay(later(body.start, addDays(to, -4 * 365)), addDays(to, -60));
      this.add(body, seat, this.holder(body, seat), start, to);
    }
  }

  /** A seat's current (or last) holder and sometimes the holder before, whose term ended the day before. */
  private seat(body: Body, seat: Seat): void {
    const horizon = body.end ?? this.today;
    const start = this.randomDay(later(body.start, addDays(horizon, -6 * 365)), addDays(horizon, -14));
    const keepOpen = body.keepsOpenMembership;
    body.keepsOpenMembership = false;
    this.add(body, seat, this.holder(body, seat), start, keepOpen ? null : body.end);
    if (this.chance(EARLIER_HOLDER_SHARE) && daysBetween(body.start, start) >= 60) {
      const from = this.randomDay(later(body.start, addDays(start, -4 * 365)), addDays(start, -60));
      this.add(body, seat, this.holder(body, seat), from, addDays(start, -1));
    }
  }

  /** Ended adjunct or co-opted engagements of a few months; one person may come back several times. */
  private engagements(body: Body, seats: Seat[], count: number): void {
    const lastStart = addDays(this.today, -400);
    if (body.start > lastStart) return;
    for (let made = 0; made < count;) {
      const seat = { ...this.pick(seats), role: this.chance(0.7) ? ("ADJUNCT" as const) : ("CO_OPTED" as const) };
      const person = this.holder(body, seat);
      let from = this.randomDay(body.start, lastStart);
      for (let visits = this.int(1, 5); visits > 0 && made < count; visits--) {
        const to = addDays(from, this.int(14, 180));
        if (to >= this.today) break;
        this.add(body, seat, person, from, to);
        made++;
        from = addDays(to, this.int(30, 300));
      }
    }
  }

  private add(body: Body, seat: Seat, person: number, validFrom: Date, validTo: Date | null): void {
    const personRow = this.people[person] as PersonRow;
    this.load[person] = this.busy(person) + 1;
    this.memberships.push({
      personId: personRow.id,
      groupId: body.id,
      role: seat.role,
      organisationId: seat.org.id,
      validFrom,
      validTo,
      externalId: `membership-${this.memberships.length + 1}`,
    });
  }

  // -- People ----------------------------------------------------------------------------------

  /**
   * Someone for a seat: often a person already active in the seat's pools and not yet in this
   * group (the less busy of a few candidates, so memberships spread evenly), else a new person.
   */
  private holder(body: Body, seat: Seat): number {
    let person: number | undefined;
    if (!this.chance(seat.newShare)) {
      for (let attempt = 0; attempt < 6; attempt++) {
        const pool = this.pool(this.pick(seat.sources)).people;
        const candidate = pool.length > 0 ? this.pick(pool) : undefined;
        if (
          candidate === undefined ||
          body.members.has(candidate) ||
          this.busy(candidate) >= MAX_MEMBERSHIPS_PER_PERSON
        )
          continue;
        if (person === undefined || this.busy(candidate) < this.busy(person)) person = candidate;
      }
    }
    person ??= this.newPerson(seat);
    body.members.add(person);
    for (const key of seat.joins) this.pool(key).add(person);
    return person;
  }

  private busy(person: number): number {
    return this.load[person] ?? 0;
  }

  private newPerson(seat: Seat): number {
    const n = this.people.length + 1;
    const givenName = this.pick(GIVEN_NAMES);
    const familyName = this.pick(FAMILY_NAMES);
    this.people.push({
      id: randomUUID(),
      givenName,
      familyName,
      title: this.pick(seat.municipal ? MUNICIPAL_TITLES : (TITLES_BY_ROLE[seat.role] ?? GENERAL_TITLES)),
      hsaId: `SE23210000${seat.org.countyCode ?? "00"}-${n.toString(36).toUpperCase()}`,
      externalId: `person-${n}`,
      email: `${asciiFold(givenName)}.${asciiFold(familyName)}.${n}@example.se`,
      phone: `+46 7${this.pick(["0", "2", "3", "6"])} ${this.int(100, 999)} ${this.int(10, 99)} ${this.int(10, 99)}`,
    });
    return n - 1;
  }

  private pool(key: string): Pool {
    let pool = this.pools.get(key);
    if (!pool) this.pools.set(key, (pool = new Pool()));
    return pool;
  }

  /** A seat representing `org`, filled from people of that organisation (and the given pools). */
  private orgSeat(
    role: MembershipRole,
    org: OrgRef,
    newShare: number,
    pools: string[] = [],
    alsoJoins: string[] = [],
  ): Seat {
    const own = `org:${org.slug}`;
    return { role, org, newShare, sources: [...pools, ...pools, own], joins: [...pools, ...alsoJoins, own] };
  }

  private municipalSeat(role: MembershipRole, municipality: OrgRef): Seat {
    return { ...this.orgSeat(role, municipality, 0.5), municipal: true };
  }

  // -- Randomness ------------------------------------------------------------------------------

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  /** A count with the given mean, from 0 to twice the mean (so some parents have none). */
  private countAround(mean: number): number {
    return Math.floor(this.random() * (2 * mean + 1));
  }

  private pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("Nothing to pick from");
    return items[Math.floor(this.random() * items.length)] as T;
  }

  private maybe<T>(p: number, make: () => T): T[] {
    return this.chance(p) ? [make()] : [];
  }

  private times<T>(n: number, make: () => T): T[] {
    return Array.from({ length: n }, make);
  }

  private shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy;
  }

  private randomDay(from: Date, to: Date): Date {
    return addDays(from, this.int(0, Math.max(0, daysBetween(from, to))));
  }

  /** Working-group names: a topic each, then numbered once the topics run out. */
  private topics(): (n: number) => string {
    const offset = this.int(0, TOPICS.length - 1);
    return (n) => (n <= TOPICS.length ? (TOPICS[(offset + n - 1) % TOPICS.length] as string) : `arbetsgrupp ${n}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** mulberry32: a small, fast, seedable PRNG with uniform output in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY_MS = 86_400_000;

/** A calendar day as a Date at UTC midnight (what @db.Date columns take). */
function day(iso: string): Date {
  return new Date(`${iso}T00:00:00Z`);
}

function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

function daysBetween(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / DAY_MS);
}

function later(a: Date, b: Date): Date {
  return a > b ? a : b;
}

/** "Märta Ländström" → "marta", "landstrom": e-mail safe. */
function asciiFold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "");
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
