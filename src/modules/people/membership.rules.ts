import { OrganisationKind, type GroupKind, type GroupLevel, type MembershipRole } from "../../generated/prisma/enums";
import { Prisma } from "../../generated/prisma/client";
import { array, nullable, oneOf, queryRows, row, text } from "../../db/sql";
import type { Transaction } from "../../db/audit-log";
import { isoDay } from "../../graphql/period";
import { runsPast } from "../../db/period";

/**
 * Roles that only bodies with their own process organisation have: program areas, NSGs, the
 * national support function and regional councils. Working groups (NAG, RAG, LAG) and the
 * steering and advisory bodies have no process leaders or coordinators of their own.
 */
const STAFF_ROLES: readonly MembershipRole[] = ["PROCESS_LEADER", "COORDINATOR"];
const KINDS_WITH_STAFF: readonly GroupKind[] = [
  "NPO",
  "PRIMARY_CARE_COUNCIL",
  "NSG",
  "RPO",
  "LPO",
  "SUPPORT_FUNCTION",
  "KNOWLEDGE_COUNCIL",
  "COLLABORATION_STRUCTURE",
];

/** Why the role is not allowed in a group of this kind, or undefined when it is. */
export function roleProblem(role: MembershipRole, kind: GroupKind): string | undefined {
  if (STAFF_ROLES.includes(role) && !KINDS_WITH_STAFF.includes(kind)) {
    return `The role ${role} is not used in a ${kind}; it is for ${KINDS_WITH_STAFF.join(", ")}`;
  }
  return undefined;
}

/** Organisations that act only nationally: agencies, SKR and Inera. */
const NATIONAL_ONLY: readonly OrganisationKind[] = ["AGENCY", "MEMBER_ORGANISATION", "DIGITAL_SERVICES_COMPANY"];

/** Where an organisation belongs, for deciding which groups it may be represented in. */
export interface OrganisationPlace {
  id: string;
  slug: string;
  kind: OrganisationKind;
  /** The county (län) the organisation belongs to, if any. */
  countyCode: string | null;
  /** The healthcare regions it belongs to (two for Region Halland). */
  healthcareRegionIds: string[];
}

export interface GroupPlace {
  kind: GroupKind;
  level: GroupLevel;
  countyCode: string | null;
  healthcareRegionId: string | null;
  validTo: Date | null;
}

/**
 * Why the organisation may not be represented in the group, or undefined when it may.
 * National groups take any organisation. A healthcare region's groups take organisations
 * within it; a region's groups take organisations in its county. Agencies, SKR and Inera sit
 * only in national groups; organisations with no place (patient organisations, say) sit anywhere.
 * A patient representative (`role` PATIENT_REPRESENTATIVE) represents a patient organisation.
 */
export function representationProblem(
  organisation: OrganisationPlace,
  group: GroupPlace,
  role?: MembershipRole,
): string | undefined {
  if (role === "PATIENT_REPRESENTATIVE" && organisation.kind !== "PATIENT_ORGANISATION")
    return `A patient representative represents a patient organisation, not ${organisation.slug} (${organisation.kind})`;
  if (group.level === "NATIONAL") return undefined;
  if (NATIONAL_ONLY.includes(organisation.kind))
    return `${organisation.slug} (${organisation.kind}) is represented only in national groups`;
  if (group.level === "HEALTHCARE_REGIONAL") {
    const inside =
      organisation.healthcareRegionIds.length === 0 ||
      (group.healthcareRegionId !== null && organisation.healthcareRegionIds.includes(group.healthcareRegionId));
    return inside ? undefined : `${organisation.slug} is outside the group's healthcare region`;
  }
  if (organisation.kind === "HEALTHCARE_REGION")
    return `A healthcare region (${organisation.slug}) is not represented in a region's own groups`;
  if (organisation.countyCode !== null && organisation.countyCode !== group.countyCode) {
    return `${organisation.slug} belongs to county ${organisation.countyCode}, not to the group's county ${group.countyCode ?? "?"}`;
  }
  return undefined;
}

/** Why the period is not possible, with the field at fault, or undefined: it runs backwards, or outside a dissolved group's life. */
export function periodProblem(
  validFrom: Date,
  validTo: Date | null,
  group: GroupPlace,
): { field: "validFrom" | "validTo"; message: string } | undefined {
  if (validTo !== null && validTo < validFrom)
    return { field: "validTo", message: "validTo must not be before validFrom" };
  if (group.validTo === null) return undefined;
  if (validFrom > group.validTo)
    return {
      field: "validFrom",
      message: `The group was dissolved on ${isoDay(group.validTo)}; a membership cannot start after that`,
    };
  if (runsPast({ validTo }, group.validTo)) {
    return {
      field: "validTo",
      message: `The group was dissolved on ${isoDay(group.validTo)}; a membership of it must end on or before that day, not ${validTo ? `run to ${isoDay(validTo)}` : "run on"}`,
    };
  }
  return undefined;
}

const ORGANISATION_PLACE = row({
  id: text(),
  slug: text(),
  kind: oneOf(Object.values(OrganisationKind)),
  countyCode: nullable(text()),
  healthcareRegionIds: array(text()),
});

/** Where the given organisations belong, in one statement. */
export async function organisationPlaces(
  tx: Transaction,
  where: { ids?: string[]; slugs?: string[] },
): Promise<OrganisationPlace[]> {
  return queryRows(
    tx,
    Prisma.sql`SELECT o."id", o."slug", o."kind"::text AS "kind", coalesce(o."county_code", r."county_code", m."county_code") AS "countyCode",
       CASE
         WHEN o."healthcare_region_id" IS NOT NULL THEN ARRAY[o."healthcare_region_id"]::text[]
         WHEN m."id" IS NOT NULL THEN ARRAY[m."healthcare_region_id"]::text[]
         ELSE coalesce((SELECT array_agg(rh."healthcare_region_id"::text) FROM "region" cr JOIN "region_healthcare_region" rh ON rh."region_id" = cr."id"
                        WHERE cr."county_code" = coalesce(o."county_code", r."county_code")), '{}')
       END AS "healthcareRegionIds"
     FROM "organisation" o LEFT JOIN "region" r ON r."id" = o."region_id" LEFT JOIN "municipality" m ON m."id" = o."municipality_id"
     WHERE o."id" = ANY(${where.ids ?? []}::uuid[]) OR o."slug" = ANY(${where.slugs ?? []}::text[])`,
    ORGANISATION_PLACE,
  );
}
