import type { Database } from "../../db/prisma";
import { Prisma } from "../../generated/prisma/client";
import { inForceSql, runsPastSql } from "../../db/period";
import { nullable, oneOf, queryRows, row, text } from "../../db/sql";

export enum StructureGapKind {
  NPO_WITHOUT_HEALTHCARE_REGION_REPRESENTATIVE = "NPO_WITHOUT_HEALTHCARE_REGION_REPRESENTATIVE",
  HEALTHCARE_REGION_WITHOUT_RPO = "HEALTHCARE_REGION_WITHOUT_RPO",
  REGION_WITHOUT_LPO = "REGION_WITHOUT_LPO",
  MUNICIPAL_PARTICIPATION_WITHOUT_MUNICIPAL_MEMBER = "MUNICIPAL_PARTICIPATION_WITHOUT_MUNICIPAL_MEMBER",
  CHAIR_MANDATE_OVER_THREE_YEARS = "CHAIR_MANDATE_OVER_THREE_YEARS",
  MEMBERSHIP_OF_DISSOLVED_GROUP = "MEMBERSHIP_OF_DISSOLVED_GROUP",
  UNCONFIRMED_RPO = "UNCONFIRMED_RPO",
  UNCONFIRMED_LPO = "UNCONFIRMED_LPO",
}

/** What a kind of gap rests on: the structure the sources describe, the records' own consistency, or a heuristic of this project. */
export enum StructureGapBasis {
  MODEL = "MODEL",
  RECORDS = "RECORDS",
  HEURISTIC = "HEURISTIC",
}

export const BASIS_OF_KIND: Record<StructureGapKind, StructureGapBasis> = {
  NPO_WITHOUT_HEALTHCARE_REGION_REPRESENTATIVE: StructureGapBasis.HEURISTIC,
  HEALTHCARE_REGION_WITHOUT_RPO: StructureGapBasis.MODEL,
  REGION_WITHOUT_LPO: StructureGapBasis.MODEL,
  MUNICIPAL_PARTICIPATION_WITHOUT_MUNICIPAL_MEMBER: StructureGapBasis.MODEL,
  CHAIR_MANDATE_OVER_THREE_YEARS: StructureGapBasis.HEURISTIC,
  MEMBERSHIP_OF_DISSOLVED_GROUP: StructureGapBasis.RECORDS,
  UNCONFIRMED_RPO: StructureGapBasis.MODEL,
  UNCONFIRMED_LPO: StructureGapBasis.MODEL,
};

/** The project's own rules of thumb, set per question; not rules of the national system. */
export interface GapHeuristics {
  /** A chair's mandate longer than this many years is reported. @default 3 */
  chairMandateYears: number;
}

export const DEFAULT_GAP_HEURISTICS: GapHeuristics = { chairMandateYears: 3 };

export interface StructureGapRow {
  kind: StructureGapKind;
  message: string;
  groupId: string | null;
  programAreaId: string | null;
  healthcareRegionId: string | null;
  countyCode: string | null;
  membershipId: string | null;
}

const STRUCTURE_GAP_ROW = row({
  kind: oneOf(Object.values(StructureGapKind)),
  message: text(),
  groupId: nullable(text()),
  programAreaId: nullable(text()),
  healthcareRegionId: nullable(text()),
  countyCode: nullable(text()),
  membershipId: nullable(text()),
});

/** Where the recorded structure departs from the model, on one day. One statement. */
export class GapsService {
  constructor(private readonly prisma: Database) {}

  structureGaps(day: Date, heuristics: GapHeuristics = DEFAULT_GAP_HEURISTICS): Promise<StructureGapRow[]> {
    const on = Prisma.sql`${day.toISOString().slice(0, 10)}::date`;
    const years = heuristics.chairMandateYears;
    return queryRows(
      this.prisma,
      Prisma.sql`
      WITH active_group AS (
        SELECT * FROM governance_group g
         WHERE ${inForceSql("g", day)}
      ),
      npo AS (SELECT * FROM active_group WHERE kind = 'NPO'),
      -- The areas met by RPOs and LPOs: the NPOs and the primärvårdsråd.
      program_area AS (SELECT * FROM active_group WHERE kind IN ('NPO', 'PRIMARY_CARE_COUNCIL')),
      active_membership AS (
        SELECT * FROM membership m WHERE ${inForceSql("m", day)}
      ),
      organisation_healthcare_region AS (
        SELECT o.id AS organisation_id, o.healthcare_region_id FROM organisation o WHERE o.healthcare_region_id IS NOT NULL
        UNION SELECT o.id, link.healthcare_region_id FROM organisation o JOIN region_healthcare_region link ON link.region_id = o.region_id
        UNION SELECT o.id, mu.healthcare_region_id FROM organisation o JOIN municipality mu ON mu.id = o.municipality_id
      )
      SELECT 'NPO_WITHOUT_HEALTHCARE_REGION_REPRESENTATIVE' AS kind, n.name || ' has no member representing ' || hr.name AS message,
             n.id::text AS "groupId", n.id::text AS "programAreaId", hr.id::text AS "healthcareRegionId", NULL::text AS "countyCode", NULL::text AS "membershipId"
        FROM npo n CROSS JOIN healthcare_region hr
       WHERE NOT EXISTS (
         SELECT 1 FROM active_membership m
           JOIN organisation_healthcare_region ohr ON ohr.organisation_id = m.representing_organisation_id
          WHERE m.group_id = n.id AND ohr.healthcare_region_id = hr.id)
      UNION ALL
      SELECT 'HEALTHCARE_REGION_WITHOUT_RPO', hr.name || ' has no RPO for ' || n.name,
             NULL, n.id::text, hr.id::text, NULL, NULL
        FROM program_area n CROSS JOIN healthcare_region hr
       WHERE NOT EXISTS (SELECT 1 FROM active_group r WHERE r.kind = 'RPO' AND r.program_area_id = n.id AND r.healthcare_region_id = hr.id)
      UNION ALL
      -- Present only as modelled from the mirror model: reported as unconfirmed, not as present.
      SELECT 'UNCONFIRMED_RPO', r.name || ' is only modelled: no source confirms that ' || hr.name || ' has an RPO for ' || n.name,
             r.id::text, n.id::text, hr.id::text, NULL, NULL
        FROM program_area n CROSS JOIN healthcare_region hr
        JOIN LATERAL (
          SELECT r.* FROM active_group r WHERE r.kind = 'RPO' AND r.program_area_id = n.id AND r.healthcare_region_id = hr.id
           ORDER BY r.slug LIMIT 1) r ON true
       WHERE NOT EXISTS (
         SELECT 1 FROM active_group c WHERE c.kind = 'RPO' AND c.program_area_id = n.id AND c.healthcare_region_id = hr.id
            AND c.provenance <> 'MODELLED')
      UNION ALL
      SELECT 'UNCONFIRMED_LPO', l.name || ' is only modelled: no source confirms that ' || rg.name || ' has an LPO for ' || n.name,
             l.id::text, n.id::text, NULL, rg.county_code::text, NULL
        FROM program_area n CROSS JOIN region rg
        JOIN LATERAL (
          SELECT l.* FROM active_group l JOIN group_mirror gm ON gm.group_id = l.id
           WHERE l.kind = 'LPO' AND l.county_code = rg.county_code AND gm.program_area_id = n.id
           ORDER BY l.slug LIMIT 1) l ON true
       WHERE NOT EXISTS (
         SELECT 1 FROM active_group c JOIN group_mirror gm ON gm.group_id = c.id
          WHERE c.kind = 'LPO' AND c.county_code = rg.county_code AND gm.program_area_id = n.id AND c.provenance <> 'MODELLED')
      UNION ALL
      SELECT 'REGION_WITHOUT_LPO', rg.name || ' has no LPO for ' || n.name,
             NULL, n.id::text, NULL, rg.county_code::text, NULL
        FROM program_area n CROSS JOIN region rg
       WHERE NOT EXISTS (
         SELECT 1 FROM active_group l JOIN group_mirror gm ON gm.group_id = l.id
          WHERE l.kind = 'LPO' AND l.county_code = rg.county_code AND gm.program_area_id = n.id)
      UNION ALL
      -- At every level: municipal representatives are appointed in these areas nationally, healthcare-regionally and locally.
      SELECT 'MUNICIPAL_PARTICIPATION_WITHOUT_MUNICIPAL_MEMBER', g.name || ' has municipal participation but no member representing a municipality',
             g.id::text, CASE WHEN g.kind IN ('NPO', 'PRIMARY_CARE_COUNCIL') THEN g.id ELSE g.program_area_id END::text,
             g.healthcare_region_id::text, g.county_code::text, NULL
        FROM active_group g
       WHERE g.kind IN ('NPO', 'PRIMARY_CARE_COUNCIL', 'RPO', 'LPO') AND g.municipal_participation
         AND NOT EXISTS (
           SELECT 1 FROM active_membership m JOIN organisation o ON o.id = m.representing_organisation_id
            WHERE m.group_id = g.id AND o.kind IN ('MUNICIPALITY', 'MUNICIPAL_ASSOCIATION'))
         AND NOT EXISTS (
           SELECT 1 FROM group_participation p JOIN organisation o ON o.id = p.organisation_id
            WHERE p.group_id = g.id AND o.kind IN ('MUNICIPALITY', 'MUNICIPAL_ASSOCIATION') AND ${inForceSql("p", day)})
      UNION ALL
      SELECT 'CHAIR_MANDATE_OVER_THREE_YEARS',
             p.given_name || ' ' || p.family_name || ' has chaired ' || g.name || ' since ' || to_char(m.valid_from, 'YYYY-MM-DD') || ', more than ' || ${years}::int || ' years',
             g.id::text, NULL, NULL, NULL, m.id::text
        FROM active_membership m JOIN active_group g ON g.id = m.group_id JOIN person p ON p.id = m.person_id
       WHERE m.role = 'CHAIR' AND coalesce(m.valid_to, ${on}) > (m.valid_from + make_interval(years => ${years}::int))::date
      UNION ALL
      SELECT 'MEMBERSHIP_OF_DISSOLVED_GROUP',
             p.given_name || ' ' || p.family_name || ' still sits in ' || g.name || ', dissolved on ' || to_char(g.valid_to, 'YYYY-MM-DD'),
             g.id::text, NULL, NULL, NULL, m.id::text
        FROM membership m JOIN governance_group g ON g.id = m.group_id JOIN person p ON p.id = m.person_id
       WHERE g.valid_to IS NOT NULL AND g.valid_to < ${on} AND ${runsPastSql("m", Prisma.sql`g.valid_to`)}`,
      STRUCTURE_GAP_ROW,
    );
  }
}
