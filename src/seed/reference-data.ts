import { readFileSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../db/migrate";

/** The project's own copies of the verified reference lists (prisma/seed/*.json). */
export const SEED_DIR = path.join(PROJECT_ROOT, "prisma", "seed");

function load<T>(file: string): T {
  return JSON.parse(readFileSync(path.join(SEED_DIR, file), "utf8")) as T;
}

interface Sourced {
  sources?: string[];
}

export interface HealthcareRegionData extends Sourced {
  slug: string;
  name: string;
  alternativeNames?: string[];
  organisation?: string;
}

export interface RegionData extends Sourced {
  slug: string;
  name: string;
  countyCode: string;
  countyName: string;
  healthcareRegionSlugs: string[];
  municipalitiesByHealthcareRegion?: Record<string, string[]>;
  note?: string;
}

export interface MunicipalityData {
  code: string;
  name: string;
  countyCode: string;
  healthcareRegionSlug: string;
}

export interface AgencyData extends Sourced {
  slug: string;
  name: string;
  shortName: string | null;
  memberOfRadetForStyrningMedKunskap: boolean;
  note?: string;
}

export interface ProgramAreaData extends Sourced {
  slug: string;
  name: string;
  kind: "npo" | "council";
  alternativeNames?: string[];
  municipalParticipation: boolean;
  municipalParticipationNote?: string;
  hostHealthcareRegionSlug: string | null;
  hostNote?: string;
  notes?: string[];
  countingNote?: string;
  /** Day it was established, where a source gives it; `establishedNote` says how certain. */
  established?: string;
  establishedNote?: string;
  verification: "verified" | "partially-verified";
}

export interface CollaborationGroupData extends Sourced {
  slug: string;
  name: string;
  shortName: string;
  hostNote?: string;
  notes?: string[];
  verification: string;
}

export interface NationalBodyData extends Sourced {
  slug: string;
  name: string;
  shortName?: string;
  kind: string;
  alternativeNames?: string[];
  role: string;
  composition?: string | null;
  compositionNote?: string;
  nameNote?: string;
  membersNote?: string;
  /** Who chairs it, as the sources say and when. */
  chairNote?: string;
  establishedDate?: string;
  /** How certain `establishedDate` is. */
  establishedNote?: string;
  /** Agencies (by slug) the sources name as taking part. */
  memberAgencies?: string[];
}

export interface StructureData {
  expectedCounts: { kind: string; asOf: string; count: number; note: string; sources: string[] }[];
  organisations: {
    slug: string;
    kind: string;
    name: string;
    shortName?: string;
    countyCode?: string;
    description: string;
    sources: string[];
  }[];
  hostings: {
    group: string;
    host: string;
    kind: "ACTIVE" | "DORMANT";
    validFrom?: string;
    validTo?: string;
    note: string;
  }[];
  formerNames: {
    group?: string;
    healthcareRegion?: string;
    organisation?: string;
    name: string;
    usedFrom?: string;
    usedUntil?: string;
    note: string;
  }[];
  municipalProgramAreas: string[];
  /** The decision that municipal representatives take part in the municipal program areas at every level. */
  municipalParticipationDecision: { decided: string; note: string; sources: string[] };
  regionalStructures: {
    slug: string;
    kind: "COLLABORATION_STRUCTURE" | "KNOWLEDGE_COUNCIL";
    level: "REGIONAL";
    name: string;
    shortName: string;
    countyCode: string;
    description: string;
    validFrom?: string;
    validTo?: string;
    periodNote?: string;
    phases?: { kind: "INTERIM"; validFrom: string; validTo?: string; note: string; sources: string[] }[];
    participants?: { region: boolean; allMunicipalitiesOfCounty: boolean };
    seats?: { organisation: string; seats: number }[];
    mirrors?: "municipalProgramAreas";
    provenance: "VERIFIED" | "PARTIALLY_VERIFIED";
    note?: string;
    sources: string[];
  }[];
  jointLocalProgramAreas: { countyCode: string; linkedTo: string; note: string };
}

export interface KnowledgeSupportData extends Sourced {
  slug: string;
  name: string;
  kind: string;
  /** The owning group's slug, or `ownerOrganisation` the owning agency's. */
  ownerGroup?: string;
  ownerOrganisation?: string;
  programAreas: string[];
  /** Its lifecycle state, since before records began. */
  state: string;
  url?: string;
  municipalTarget: boolean;
  description?: string;
  verification: "verified" | "partially-verified";
  note?: string;
}

export interface ReferenceData {
  healthcareRegions: HealthcareRegionData[];
  regions: RegionData[];
  municipalities: MunicipalityData[];
  agencies: AgencyData[];
  programAreas: ProgramAreaData[];
  collaborationGroups: CollaborationGroupData[];
  nationalBodies: NationalBodyData[];
  structure: StructureData;
  knowledgeSupport: KnowledgeSupportData[];
}

export function loadReferenceData(): ReferenceData {
  const items = <T>(file: string) => load<{ items: T[] }>(file).items;
  return {
    healthcareRegions: items<HealthcareRegionData>("healthcare-regions.json"),
    regions: items<RegionData>("regions.json"),
    municipalities: items<MunicipalityData>("municipalities.json"),
    agencies: items<AgencyData>("agencies.json"),
    programAreas: items<ProgramAreaData>("national-program-areas.json"),
    collaborationGroups: items<CollaborationGroupData>("national-collaboration-groups.json"),
    nationalBodies: items<NationalBodyData>("national-bodies.json"),
    structure: load<StructureData>("structure.json"),
    knowledgeSupport: items<KnowledgeSupportData>("knowledge-support.json"),
  };
}
