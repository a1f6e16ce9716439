/**
 * The generated part of the knowledge-support register: fictitious knowledge support for every
 * program area, its lifecycle, versions and former names, its implementation in every region
 * (statuses spread over time, regions at different paces, some decisions not to implement, some
 * retired support still being implemented), joint and municipal implementations, follow-up
 * indicators and reported values. Everything is marked as generated (slug prefix `gen-`, a note,
 * provenance RECORDED). Deterministic for a seed: one PRNG, reference rows in a stable order.
 */
import { randomUUID } from "node:crypto";
import { execute } from "../db/sql";
import {
  Prisma,
  type DecisionBody,
  type ImplementationStatus,
  type KnowledgeSupportKind,
  type KnowledgeSupportState,
} from "../generated/prisma/client";

type Tx = Prisma.TransactionClient;

export const KNOWLEDGE_NOTE = "Generated test data (kg-dataset); fictitious, not a published knowledge support.";
const IMPLEMENTATION_NOTE = "Generated test data (kg-dataset); fictitious.";
const CHUNK = 5_000;
const DAY_MS = 86_400_000;

export interface KnowledgeSummary {
  knowledgeSupports: number;
  implementations: number;
  followUpValues: number;
}

const KINDS: { kind: KnowledgeSupportKind; label: string }[] = [
  { kind: "CARE_PATHWAY", label: "Personcentrerat och sammanhållet vårdförlopp" },
  { kind: "CLINICAL_KNOWLEDGE_SUPPORT", label: "Nationellt kliniskt kunskapsstöd" },
  { kind: "CARE_PROGRAMME", label: "Nationellt vårdprogram" },
  { kind: "RECOMMENDATION", label: "Rekommendation" },
  { kind: "QUALITY_INDICATORS", label: "Kvalitetsindikatorer och målnivåer" },
  { kind: "NATIONAL_GUIDELINES", label: "Nationella riktlinjer" },
];
const TOPICS = [
  "tidig upptäckt",
  "utredning",
  "behandling",
  "uppföljning",
  "rehabilitering",
  "läkemedelsbehandling",
  "samverkan vid utskrivning",
  "egenvård",
  "palliativa insatser",
  "samsjuklighet",
];
const REGISTERS = [
  "Nationellt kvalitetsregister inom området",
  "Patientregistret (Socialstyrelsen)",
  "Läkemedelsregistret (Socialstyrelsen)",
  "Senior alert",
  "Svenska palliativregistret",
];
const RETIRE_REASONS = [
  "Ersatt av ett sammanhållet vårdförlopp.",
  "Bortvalt vid översyn av floran av kunskapsstöd: överlappar annat stöd.",
  "Inaktuellt; kunskapsläget har ändrats.",
];
const NOT_TO_IMPLEMENT_REASONS = [
  "Regionens befintliga vårdprogram täcker området.",
  "Prioriteras bort i årets verksamhetsplan.",
  "Målgruppen saknas i regionens uppdrag.",
];
const STEPS: ImplementationStatus[] = [
  "NOT_DECIDED",
  "DECIDED",
  "PLANNING",
  "IMPLEMENTING",
  "IMPLEMENTED",
  "FOLLOWED_UP",
];
/** Joint region–municipality processes the sources describe: Västernorrland and VGR–VästKom. */
const JOINT_COUNTIES = ["22", "14"];

interface Support {
  id: string;
  slug: string;
  name: string;
  kind: KnowledgeSupportKind;
  ownerGroupId: string | null;
  ownerGroupKind: string | null;
  ownerOrganisationId: string | null;
  municipalTarget: boolean;
  areaId: string;
  areaKind: string;
  areaSlug: string;
  /** When it was published; null when it never was. */
  publishedOn: Date | null;
  retiredOn: Date | null;
}

export async function generateKnowledge(
  tx: Tx,
  random: () => number,
  scale: number,
  today: Date,
): Promise<KnowledgeSummary> {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const daysAfter = (from: Date, days: number) => new Date(from.getTime() + Math.round(days) * DAY_MS);
  const iso = (date: Date) => date.toISOString().slice(0, 10);

  const areas = await tx.group.findMany({
    where: { kind: { in: ["NPO", "PRIMARY_CARE_COUNCIL"] } },
    select: { id: true, slug: true, kind: true, name: true, municipalParticipation: true },
    orderBy: { slug: "asc" },
  });
  const nags = await tx.group.findMany({
    where: { kind: "NAG" },
    select: { id: true, parentId: true, slug: true },
    orderBy: { slug: "asc" },
  });
  const socialstyrelsen = await tx.organisation.findFirst({ where: { slug: "socialstyrelsen" }, select: { id: true } });
  const regions = (await tx.region.findMany({ select: { countyCode: true }, orderBy: { countyCode: "asc" } })).map(
    (r) => r.countyCode,
  );
  const municipalities = await tx.municipality.findMany({
    select: { code: true, countyCode: true },
    orderBy: { code: "asc" },
  });
  const lpoRows = await tx.groupMirror.findMany({
    where: { group: { kind: "LPO" } },
    select: { programArea: { select: { slug: true } }, group: { select: { id: true, countyCode: true, kind: true } } },
    orderBy: [{ groupId: "asc" }],
  });
  const lpos = new Map<string, string>();
  for (const row of lpoRows) {
    const key = `${row.programArea.slug}/${row.group.countyCode}`;
    if (!lpos.has(key)) lpos.set(key, row.group.id);
  }
  // Each region has its pace: how fast it decides and implements (days per step).
  const pace = new Map(regions.map((code) => [code, 90 + random() * 240]));

  const perArea = Math.max(1, Math.round(3 * scale));
  const supports: Support[] = [];
  const states: {
    id: string;
    ks: string;
    state: KnowledgeSupportState;
    from: Date | null;
    to: Date | null;
    reason: string | null;
  }[] = [];
  const versions: { ks: string; label: string; on: Date }[] = [];
  const formerNames: { ks: string; name: string; until: Date }[] = [];
  for (const [areaIndex, area] of areas.entries()) {
    const areaNags = nags.filter((n) => n.parentId === area.id);
    for (let i = 0; i < perArea; i++) {
      // Every fifth area gets two supports of one kind: overlapping scope, for the duplicates report.
      const kindIndex = areaIndex % 5 === 0 && i === 2 ? area.slug.length : i + area.slug.length;
      const { kind, label } = KINDS[kindIndex % KINDS.length]!;
      const topic = TOPICS[i % TOPICS.length]!;
      const round = Math.floor(i / TOPICS.length);
      const name = `${label}: ${area.name.replace(/^NPO /, "")} – ${topic}${round > 0 ? ` ${round + 1}` : ""}`;
      const ownerNag = kind !== "NATIONAL_GUIDELINES" && areaNags.length > 0 && random() < 0.4 ? pick(areaNags) : null;
      const byAgency = kind === "NATIONAL_GUIDELINES" && socialstyrelsen !== null;
      const support: Support = {
        id: randomUUID(),
        slug: `gen-${area.slug}-${i + 1}`,
        name,
        kind,
        ownerGroupId: byAgency ? null : (ownerNag?.id ?? area.id),
        ownerGroupKind: byAgency ? null : ownerNag ? "NAG" : area.kind,
        ownerOrganisationId: byAgency ? socialstyrelsen.id : null,
        municipalTarget: area.municipalParticipation && random() < 0.7,
        areaId: area.id,
        areaKind: area.kind,
        areaSlug: area.slug,
        publishedOn: null,
        retiredOn: null,
      };
      // Lifecycle: planned → in development → consultation → published (→ under revision | retired).
      let at = daysAfter(new Date("2019-01-01"), random() * 1800);
      const fate = random();
      const path: KnowledgeSupportState[] =
        fate < 0.08
          ? ["PLANNED", "IN_DEVELOPMENT"]
          : fate < 0.14
            ? ["PLANNED", "IN_DEVELOPMENT", "IN_CONSULTATION"]
            : fate < 0.24
              ? ["PLANNED", "IN_DEVELOPMENT", "IN_CONSULTATION", "PUBLISHED", "RETIRED"]
              : fate < 0.36
                ? ["PLANNED", "IN_DEVELOPMENT", "IN_CONSULTATION", "PUBLISHED", "UNDER_REVISION"]
                : ["PLANNED", "IN_DEVELOPMENT", "IN_CONSULTATION", "PUBLISHED"];
      const periods: { state: KnowledgeSupportState; from: Date }[] = [];
      for (const state of path) {
        if (at > today) break;
        periods.push({ state, from: at });
        at = daysAfter(at, state === "PUBLISHED" ? 400 + random() * 700 : 60 + random() * 300);
      }
      periods.forEach((period, index) => {
        const next = periods[index + 1];
        states.push({
          id: randomUUID(),
          ks: support.id,
          state: period.state,
          from: period.from,
          to: next ? daysAfter(next.from, -1) : null,
          reason: period.state === "RETIRED" ? pick(RETIRE_REASONS) : null,
        });
        if (period.state === "PUBLISHED") {
          support.publishedOn = period.from;
          versions.push({ ks: support.id, label: "1.0", on: period.from });
        }
        if (period.state === "RETIRED") support.retiredOn = period.from;
      });
      if (periods.at(-1)?.state === "UNDER_REVISION" && random() < 0.5 && support.publishedOn)
        versions.push({ ks: support.id, label: "1.1", on: daysAfter(support.publishedOn, 200) });
      if (random() < 0.06) {
        const former = `${label} (arbetsnamn): ${topic}, ${area.name.replace(/^NPO /, "").toLowerCase()}`;
        formerNames.push({ ks: support.id, name: former, until: daysAfter(periods[0]!.from, 120) });
      }
      supports.push(support);
    }
  }

  // Implementations: every published support × every region, at the region's pace.
  const implementations: {
    id: string;
    ks: string;
    county: string;
    municipality: string | null;
    joint: boolean;
    decisionDate: Date | null;
    decidedBy: DecisionBody | null;
    decidedByGroup: string | null;
    responsible: string | null;
    responsibleKind: string | null;
    adaptation: string | null;
  }[] = [];
  const statuses: { impl: string; status: ImplementationStatus; from: Date; to: Date | null; reason: string | null }[] =
    [];
  const jointMembers: { impl: string; municipality: string }[] = [];
  const addHistory = (impl: string, start: Date, stepDays: number, allowRefusal: boolean): Date | null => {
    let at = start;
    let decided: Date | null = null;
    const refuse = allowRefusal && random() < 0.06;
    const last = refuse ? 1 : 1 + Math.floor(random() * (STEPS.length - 1));
    const periods: { status: ImplementationStatus; from: Date; reason: string | null }[] = [];
    for (let step = 0; step <= last && at <= today; step++) {
      const status: ImplementationStatus = refuse && step === 1 ? "NOT_TO_BE_IMPLEMENTED" : STEPS[step]!;
      periods.push({
        status,
        from: at,
        reason: status === "NOT_TO_BE_IMPLEMENTED" ? pick(NOT_TO_IMPLEMENT_REASONS) : null,
      });
      if (step === 1) decided = at;
      at = daysAfter(at, stepDays * (0.5 + random()));
    }
    periods.forEach((period, index) => {
      const next = periods[index + 1];
      statuses.push({ impl, ...period, to: next ? daysAfter(next.from, -1) : null });
    });
    return decided;
  };
  for (const support of supports) {
    if (!support.publishedOn) continue;
    for (const county of regions) {
      // Some regions have recorded nothing yet: the matrix shows them as not decided.
      if (random() < 0.12) continue;
      const id = randomUUID();
      const joint = support.municipalTarget && JOINT_COUNTIES.includes(county);
      const start = daysAfter(support.publishedOn, 10 + random() * 60);
      const decided = addHistory(id, start, pace.get(county)!, true);
      const lpo = lpos.get(`${support.areaSlug}/${county}`) ?? null;
      implementations.push({
        id,
        ks: support.id,
        county,
        municipality: null,
        joint,
        decisionDate: decided,
        decidedBy: decided ? (joint ? "JOINT_KNOWLEDGE_COUNCIL" : lpo ? "LPO" : "REGIONAL_COUNCIL") : null,
        decidedByGroup: decided && !joint ? lpo : null,
        responsible: lpo,
        responsibleKind: lpo ? "LPO" : null,
        adaptation: random() < 0.15 ? "Anpassat till regionens vårdnivåer och befintliga vårdprogram." : null,
      });
      if (joint)
        for (const m of municipalities.filter((m) => m.countyCode === county))
          jointMembers.push({ impl: id, municipality: m.code });
    }
    // A couple of municipalities implement municipally targeted support on their own.
    if (support.municipalTarget)
      for (let k = 0; k < 2; k++) {
        const m = pick(municipalities);
        if (JOINT_COUNTIES.includes(m.countyCode)) continue;
        if (implementations.some((i) => i.ks === support.id && i.municipality === m.code)) continue;
        const id = randomUUID();
        const decided = addHistory(id, daysAfter(support.publishedOn, 30 + random() * 90), 200, false);
        implementations.push({
          id,
          ks: support.id,
          county: m.countyCode,
          municipality: m.code,
          joint: false,
          decisionDate: decided,
          decidedBy: decided ? "MUNICIPAL_BODY" : null,
          decidedByGroup: null,
          responsible: null,
          responsibleKind: null,
          adaptation: null,
        });
      }
  }

  // Follow-up: one or two indicators of each published support, with yearly values per region.
  const followUps: { id: string; ks: string; indicator: string; source: string; target: string | null }[] = [];
  const values: { fu: string; county: string; value: number; start: Date; end: Date; source: string }[] = [];
  for (const support of supports) {
    if (!support.publishedOn) continue;
    const count = 1 + (random() < 0.4 ? 1 : 0);
    for (let k = 0; k < count; k++) {
      const id = randomUUID();
      const source = pick(REGISTERS);
      const target = random() < 0.7 ? `≥ ${60 + Math.floor(random() * 35)} %` : null;
      followUps.push({
        id,
        ks: support.id,
        indicator:
          k === 0
            ? "Andel patienter som fått insatser enligt kunskapsstödet"
            : "Andel patienter med dokumenterad uppföljning",
        source,
        target,
      });
      for (const county of regions)
        for (let year = support.publishedOn.getUTCFullYear() + 1; year < today.getUTCFullYear(); year++) {
          if (random() < 0.15) continue;
          values.push({
            fu: id,
            county,
            value: Math.round((40 + random() * 55) * 10) / 10,
            start: new Date(`${year}-01-01`),
            end: new Date(`${year}-12-31`),
            source: `${source}, årsrapport ${year + 1}`,
          });
        }
    }
  }

  const chunks = async <Row>(rows: Row[], insert: (chunk: Row[]) => Prisma.Sql) => {
    for (let i = 0; i < rows.length; i += CHUNK) await execute(tx, insert(rows.slice(i, i + CHUNK)));
  };
  await chunks(
    supports,
    (c) => Prisma.sql`
    INSERT INTO knowledge_support (id, slug, name, kind, owner_group_id, owner_group_kind, owner_organisation_id, owner_organisation_kind,
                                   municipal_target, provenance, note, sources)
    SELECT u.id, u.slug, u.name, u.kind, u.gid, u.gkind, u.oid, CASE WHEN u.oid IS NULL THEN NULL ELSE 'AGENCY'::"OrganisationKind" END,
           u.mt, 'RECORDED', ${KNOWLEDGE_NOTE}::text, '{}'
      FROM unnest(${c.map((s) => s.id)}::uuid[], ${c.map((s) => s.slug)}::text[], ${c.map((s) => s.name)}::text[],
                  ${c.map((s) => s.kind)}::"KnowledgeSupportKind"[], ${c.map((s) => s.ownerGroupId)}::uuid[],
                  ${c.map((s) => s.ownerGroupKind)}::"GroupKind"[], ${c.map((s) => s.ownerOrganisationId)}::uuid[],
                  ${c.map((s) => s.municipalTarget)}::boolean[]) AS u(id, slug, name, kind, gid, gkind, oid, mt)`,
  );
  await chunks(
    supports,
    (c) => Prisma.sql`
    INSERT INTO knowledge_support_program_area (knowledge_support_id, program_area_id, program_area_kind)
    SELECT * FROM unnest(${c.map((s) => s.id)}::uuid[], ${c.map((s) => s.areaId)}::uuid[], ${c.map((s) => s.areaKind)}::"GroupKind"[])`,
  );
  await chunks(
    states,
    (c) => Prisma.sql`
    INSERT INTO knowledge_support_state (id, knowledge_support_id, state, valid_from, valid_to, reason)
    SELECT * FROM unnest(${c.map((s) => s.id)}::uuid[], ${c.map((s) => s.ks)}::uuid[], ${c.map((s) => s.state)}::"KnowledgeSupportState"[],
                         ${c.map((s) => s.from && iso(s.from))}::date[], ${c.map((s) => s.to && iso(s.to))}::date[], ${c.map((s) => s.reason)}::text[])`,
  );
  await chunks(
    versions,
    (c) => Prisma.sql`
    INSERT INTO knowledge_support_version (knowledge_support_id, label, published_on)
    SELECT * FROM unnest(${c.map((v) => v.ks)}::uuid[], ${c.map((v) => v.label)}::text[], ${c.map((v) => iso(v.on))}::date[])`,
  );
  await chunks(
    formerNames,
    (c) => Prisma.sql`
    INSERT INTO knowledge_support_name (knowledge_support_id, name, used_until)
    SELECT * FROM unnest(${c.map((n) => n.ks)}::uuid[], ${c.map((n) => n.name)}::text[], ${c.map((n) => iso(n.until))}::date[])`,
  );
  await chunks(
    implementations,
    (c) => Prisma.sql`
    INSERT INTO implementation (id, knowledge_support_id, county_code, municipality_code, joint_with_municipalities, decision_date, decided_by,
                                decided_by_group_id, responsible_group_id, responsible_group_kind, adaptation_note, provenance, note, sources)
    SELECT u.*, 'RECORDED', ${IMPLEMENTATION_NOTE}::text, '{}'
      FROM unnest(${c.map((i) => i.id)}::uuid[], ${c.map((i) => i.ks)}::uuid[], ${c.map((i) => i.county)}::text[], ${c.map((i) => i.municipality)}::text[],
                  ${c.map((i) => i.joint)}::boolean[], ${c.map((i) => i.decisionDate && iso(i.decisionDate))}::date[],
                  ${c.map((i) => i.decidedBy)}::"DecisionBody"[], ${c.map((i) => i.decidedByGroup)}::uuid[], ${c.map((i) => i.responsible)}::uuid[],
                  ${c.map((i) => i.responsibleKind)}::"GroupKind"[], ${c.map((i) => i.adaptation)}::text[]) AS u`,
  );
  await chunks(
    jointMembers,
    (c) => Prisma.sql`
    INSERT INTO implementation_municipality (implementation_id, municipality_code)
    SELECT * FROM unnest(${c.map((j) => j.impl)}::uuid[], ${c.map((j) => j.municipality)}::text[])`,
  );
  await chunks(
    statuses,
    (c) => Prisma.sql`
    INSERT INTO implementation_status (implementation_id, status, valid_from, valid_to, reason)
    SELECT * FROM unnest(${c.map((s) => s.impl)}::uuid[], ${c.map((s) => s.status)}::"ImplementationStatus"[],
                         ${c.map((s) => iso(s.from))}::date[], ${c.map((s) => s.to && iso(s.to))}::date[], ${c.map((s) => s.reason)}::text[])`,
  );
  await chunks(
    followUps,
    (c) => Prisma.sql`
    INSERT INTO follow_up (id, knowledge_support_id, indicator, data_source, target_level, provenance, note, sources)
    SELECT u.*, 'RECORDED', ${IMPLEMENTATION_NOTE}::text, '{}'
      FROM unnest(${c.map((f) => f.id)}::uuid[], ${c.map((f) => f.ks)}::uuid[], ${c.map((f) => f.indicator)}::text[],
                  ${c.map((f) => f.source)}::text[], ${c.map((f) => f.target)}::text[]) AS u`,
  );
  await chunks(
    values,
    (c) => Prisma.sql`
    INSERT INTO follow_up_value (follow_up_id, county_code, value, period_start, period_end, source, reported_at)
    SELECT u.fu, u.county, u.value, u.ps, u.pe, u.source, (u.pe + 120)::timestamptz
      FROM unnest(${c.map((v) => v.fu)}::uuid[], ${c.map((v) => v.county)}::text[], ${c.map((v) => v.value)}::numeric[],
                  ${c.map((v) => iso(v.start))}::date[], ${c.map((v) => iso(v.end))}::date[], ${c.map((v) => v.source)}::text[])
                  AS u(fu, county, value, ps, pe, source)`,
  );
  return { knowledgeSupports: supports.length, implementations: implementations.length, followUpValues: values.length };
}
