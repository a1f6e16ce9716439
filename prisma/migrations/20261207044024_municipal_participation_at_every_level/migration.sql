-- AlterTable
ALTER TABLE "governance_group" ADD COLUMN     "municipal_participation_since" DATE;


-- Municipal participation is decided before it can have a date.
ALTER TABLE "governance_group" ADD CONSTRAINT "kg_group_municipal_participation_since" CHECK ("municipal_participation_since" IS NULL OR "municipal_participation");

-- The primärvårdsråd, like an NPO, is met by healthcare-regional (RPO) and local (LPO) counterparts:
-- municipal representatives are appointed in its area at every level.
ALTER TABLE "governance_group" DROP CONSTRAINT "kg_group_program_area";
ALTER TABLE "governance_group" ADD CONSTRAINT "kg_group_program_area" CHECK (
  ("kind" = 'RPO') = ("program_area_id" IS NOT NULL)
  AND ("program_area_id" IS NULL) = ("program_area_kind" IS NULL)
  AND ("program_area_kind" IS NULL OR "program_area_kind" IN ('NPO', 'PRIMARY_CARE_COUNCIL'))
);
