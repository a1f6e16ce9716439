-- CreateEnum
CREATE TYPE "KnowledgeSupportKind" AS ENUM ('CARE_PATHWAY', 'CLINICAL_KNOWLEDGE_SUPPORT', 'CARE_PROGRAMME', 'NATIONAL_GUIDELINES', 'RECOMMENDATION', 'QUALITY_INDICATORS', 'FRAMEWORK');

-- CreateEnum
CREATE TYPE "KnowledgeSupportState" AS ENUM ('PLANNED', 'IN_DEVELOPMENT', 'IN_CONSULTATION', 'PUBLISHED', 'UNDER_REVISION', 'RETIRED');

-- CreateEnum
CREATE TYPE "ImplementationStatus" AS ENUM ('NOT_DECIDED', 'DECIDED', 'PLANNING', 'IMPLEMENTING', 'IMPLEMENTED', 'FOLLOWED_UP', 'NOT_TO_BE_IMPLEMENTED');

-- CreateEnum
CREATE TYPE "DecisionBody" AS ENUM ('LPO', 'REGIONAL_COUNCIL', 'JOINT_KNOWLEDGE_COUNCIL', 'MUNICIPAL_BODY', 'OTHER');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "AuditEntity" ADD VALUE 'KNOWLEDGE_SUPPORT';
ALTER TYPE "AuditEntity" ADD VALUE 'IMPLEMENTATION';
ALTER TYPE "AuditEntity" ADD VALUE 'FOLLOW_UP';

-- CreateTable
CREATE TABLE "knowledge_support" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "KnowledgeSupportKind" NOT NULL,
    "description" TEXT,
    "owner_group_id" UUID,
    "owner_group_kind" "GroupKind",
    "owner_organisation_id" UUID,
    "owner_organisation_kind" "OrganisationKind",
    "url" TEXT,
    "municipal_target" BOOLEAN NOT NULL DEFAULT false,
    "provenance" "Provenance" NOT NULL DEFAULT 'RECORDED',
    "note" TEXT,
    "sources" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "knowledge_support_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "knowledge_support_program_area" (
    "knowledge_support_id" UUID NOT NULL,
    "program_area_id" UUID NOT NULL,
    "program_area_kind" "GroupKind" NOT NULL,

    CONSTRAINT "knowledge_support_program_area_pkey" PRIMARY KEY ("knowledge_support_id","program_area_id")
);

-- CreateTable
CREATE TABLE "knowledge_support_state" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "knowledge_support_id" UUID NOT NULL,
    "state" "KnowledgeSupportState" NOT NULL,
    "valid_from" DATE,
    "valid_to" DATE,
    "reason" TEXT,

    CONSTRAINT "knowledge_support_state_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "knowledge_support_version" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "knowledge_support_id" UUID NOT NULL,
    "label" TEXT NOT NULL,
    "published_on" DATE,
    "note" TEXT,

    CONSTRAINT "knowledge_support_version_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "knowledge_support_name" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "knowledge_support_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "used_until" DATE,

    CONSTRAINT "knowledge_support_name_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "implementation" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "knowledge_support_id" UUID NOT NULL,
    "county_code" CHAR(2) NOT NULL,
    "municipality_code" CHAR(4),
    "joint_with_municipalities" BOOLEAN NOT NULL DEFAULT false,
    "decision_date" DATE,
    "decided_by" "DecisionBody",
    "decided_by_group_id" UUID,
    "responsible_group_id" UUID,
    "responsible_group_kind" "GroupKind",
    "adaptation_note" TEXT,
    "provenance" "Provenance" NOT NULL DEFAULT 'RECORDED',
    "note" TEXT,
    "sources" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "implementation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "implementation_municipality" (
    "implementation_id" UUID NOT NULL,
    "municipality_code" CHAR(4) NOT NULL,

    CONSTRAINT "implementation_municipality_pkey" PRIMARY KEY ("implementation_id","municipality_code")
);

-- CreateTable
CREATE TABLE "implementation_status" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "implementation_id" UUID NOT NULL,
    "status" "ImplementationStatus" NOT NULL,
    "valid_from" DATE NOT NULL,
    "valid_to" DATE,
    "reason" TEXT,

    CONSTRAINT "implementation_status_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "follow_up" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "knowledge_support_id" UUID NOT NULL,
    "indicator" TEXT NOT NULL,
    "data_source" TEXT NOT NULL,
    "target_level" TEXT,
    "provenance" "Provenance" NOT NULL DEFAULT 'RECORDED',
    "note" TEXT,
    "sources" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "follow_up_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "follow_up_value" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "follow_up_id" UUID NOT NULL,
    "county_code" CHAR(2) NOT NULL,
    "value" DECIMAL(14,4) NOT NULL,
    "period_start" DATE NOT NULL,
    "period_end" DATE NOT NULL,
    "source" TEXT,
    "reported_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "follow_up_value_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "knowledge_support_slug_key" ON "knowledge_support"("slug");

-- CreateIndex
CREATE INDEX "knowledge_support_owner_group_id_idx" ON "knowledge_support"("owner_group_id");

-- CreateIndex
CREATE INDEX "knowledge_support_owner_organisation_id_idx" ON "knowledge_support"("owner_organisation_id");

-- CreateIndex
CREATE INDEX "knowledge_support_kind_name_idx" ON "knowledge_support"("kind", "name");

-- CreateIndex
CREATE INDEX "knowledge_support_program_area_program_area_id_idx" ON "knowledge_support_program_area"("program_area_id");

-- CreateIndex
CREATE INDEX "knowledge_support_state_knowledge_support_id_valid_from_idx" ON "knowledge_support_state"("knowledge_support_id", "valid_from");

-- CreateIndex
CREATE UNIQUE INDEX "knowledge_support_version_knowledge_support_id_label_key" ON "knowledge_support_version"("knowledge_support_id", "label");

-- CreateIndex
CREATE INDEX "knowledge_support_name_knowledge_support_id_idx" ON "knowledge_support_name"("knowledge_support_id");

-- CreateIndex
CREATE INDEX "implementation_knowledge_support_id_county_code_idx" ON "implementation"("knowledge_support_id", "county_code");

-- CreateIndex
CREATE INDEX "implementation_county_code_idx" ON "implementation"("county_code");

-- CreateIndex
CREATE INDEX "implementation_municipality_code_idx" ON "implementation"("municipality_code");

-- CreateIndex
CREATE INDEX "implementation_municipality_municipality_code_idx" ON "implementation_municipality"("municipality_code");

-- CreateIndex
CREATE INDEX "implementation_status_implementation_id_valid_from_idx" ON "implementation_status"("implementation_id", "valid_from");

-- CreateIndex
CREATE UNIQUE INDEX "follow_up_knowledge_support_id_indicator_key" ON "follow_up"("knowledge_support_id", "indicator");

-- CreateIndex
CREATE INDEX "follow_up_value_county_code_idx" ON "follow_up_value"("county_code");

-- CreateIndex
CREATE UNIQUE INDEX "follow_up_value_follow_up_id_county_code_period_start_perio_key" ON "follow_up_value"("follow_up_id", "county_code", "period_start", "period_end");

-- CreateIndex
CREATE UNIQUE INDEX "organisation_id_kind_key" ON "organisation"("id", "kind");

-- AddForeignKey
ALTER TABLE "knowledge_support" ADD CONSTRAINT "knowledge_support_owner_group_id_owner_group_kind_fkey" FOREIGN KEY ("owner_group_id", "owner_group_kind") REFERENCES "governance_group"("id", "kind") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "knowledge_support" ADD CONSTRAINT "knowledge_support_owner_organisation_id_owner_organisation_fkey" FOREIGN KEY ("owner_organisation_id", "owner_organisation_kind") REFERENCES "organisation"("id", "kind") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "knowledge_support_program_area" ADD CONSTRAINT "knowledge_support_program_area_knowledge_support_id_fkey" FOREIGN KEY ("knowledge_support_id") REFERENCES "knowledge_support"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "knowledge_support_program_area" ADD CONSTRAINT "knowledge_support_program_area_program_area_id_program_are_fkey" FOREIGN KEY ("program_area_id", "program_area_kind") REFERENCES "governance_group"("id", "kind") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "knowledge_support_state" ADD CONSTRAINT "knowledge_support_state_knowledge_support_id_fkey" FOREIGN KEY ("knowledge_support_id") REFERENCES "knowledge_support"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "knowledge_support_version" ADD CONSTRAINT "knowledge_support_version_knowledge_support_id_fkey" FOREIGN KEY ("knowledge_support_id") REFERENCES "knowledge_support"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "knowledge_support_name" ADD CONSTRAINT "knowledge_support_name_knowledge_support_id_fkey" FOREIGN KEY ("knowledge_support_id") REFERENCES "knowledge_support"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "implementation" ADD CONSTRAINT "implementation_knowledge_support_id_fkey" FOREIGN KEY ("knowledge_support_id") REFERENCES "knowledge_support"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "implementation" ADD CONSTRAINT "implementation_county_code_fkey" FOREIGN KEY ("county_code") REFERENCES "region"("county_code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "implementation" ADD CONSTRAINT "implementation_municipality_code_fkey" FOREIGN KEY ("municipality_code") REFERENCES "municipality"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "implementation" ADD CONSTRAINT "implementation_decided_by_group_id_fkey" FOREIGN KEY ("decided_by_group_id") REFERENCES "governance_group"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "implementation" ADD CONSTRAINT "implementation_responsible_group_id_responsible_group_kind_fkey" FOREIGN KEY ("responsible_group_id", "responsible_group_kind") REFERENCES "governance_group"("id", "kind") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "implementation_municipality" ADD CONSTRAINT "implementation_municipality_implementation_id_fkey" FOREIGN KEY ("implementation_id") REFERENCES "implementation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "implementation_municipality" ADD CONSTRAINT "implementation_municipality_municipality_code_fkey" FOREIGN KEY ("municipality_code") REFERENCES "municipality"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "implementation_status" ADD CONSTRAINT "implementation_status_implementation_id_fkey" FOREIGN KEY ("implementation_id") REFERENCES "implementation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "follow_up" ADD CONSTRAINT "follow_up_knowledge_support_id_fkey" FOREIGN KEY ("knowledge_support_id") REFERENCES "knowledge_support"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "follow_up_value" ADD CONSTRAINT "follow_up_value_follow_up_id_fkey" FOREIGN KEY ("follow_up_id") REFERENCES "follow_up"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "follow_up_value" ADD CONSTRAINT "follow_up_value_county_code_fkey" FOREIGN KEY ("county_code") REFERENCES "region"("county_code") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Constraints Prisma cannot express.
ALTER TABLE "knowledge_support" ADD CONSTRAINT "kg_knowledge_support_slug_format" CHECK ("slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$');
ALTER TABLE "knowledge_support" ADD CONSTRAINT "kg_knowledge_support_one_owner" CHECK (
  ("owner_group_id" IS NOT NULL AND "owner_group_kind" IS NOT NULL AND "owner_organisation_id" IS NULL AND "owner_organisation_kind" IS NULL)
  OR ("owner_group_id" IS NULL AND "owner_group_kind" IS NULL AND "owner_organisation_id" IS NOT NULL AND "owner_organisation_kind" IS NOT NULL)
);
ALTER TABLE "knowledge_support" ADD CONSTRAINT "kg_knowledge_support_owner_group_kind" CHECK ("owner_group_kind" IN ('NPO', 'PRIMARY_CARE_COUNCIL', 'NSG', 'NAG'));
ALTER TABLE "knowledge_support" ADD CONSTRAINT "kg_knowledge_support_owner_organisation_kind" CHECK ("owner_organisation_kind" = 'AGENCY');
ALTER TABLE "knowledge_support" ADD CONSTRAINT "kg_knowledge_support_name_not_blank" CHECK ("name" ~ '[^[:space:]]');
ALTER TABLE "knowledge_support" ADD CONSTRAINT "kg_knowledge_support_url_format" CHECK ("url" ~ '^https?://[^[:space:]]+$');
ALTER TABLE "knowledge_support_program_area" ADD CONSTRAINT "kg_knowledge_support_program_area_kind" CHECK ("program_area_kind" IN ('NPO', 'PRIMARY_CARE_COUNCIL'));
ALTER TABLE "knowledge_support_state" ADD CONSTRAINT "kg_knowledge_support_state_period" CHECK ("valid_to" IS NULL OR "valid_from" IS NULL OR "valid_from" <= "valid_to");
ALTER TABLE "knowledge_support_state" ADD CONSTRAINT "kg_knowledge_support_retired_reason" CHECK ("state" <> 'RETIRED' OR coalesce("reason", '') ~ '[^[:space:]]');
ALTER TABLE "knowledge_support_state" ADD CONSTRAINT "kg_knowledge_support_state_no_overlap" EXCLUDE USING gist (
  "knowledge_support_id" WITH =, daterange("valid_from", "valid_to", '[]') WITH &&
);
ALTER TABLE "implementation" ADD CONSTRAINT "kg_implementation_municipality_in_county" CHECK ("municipality_code" IS NULL OR left("municipality_code", 2) = "county_code");
ALTER TABLE "implementation" ADD CONSTRAINT "kg_implementation_joint_is_regional" CHECK (NOT "joint_with_municipalities" OR "municipality_code" IS NULL);
ALTER TABLE "implementation" ADD CONSTRAINT "kg_implementation_responsible_kind" CHECK ("responsible_group_kind" IN ('LPO', 'LAG'));
ALTER TABLE "implementation" ADD CONSTRAINT "kg_implementation_decision_body" CHECK ("decided_by_group_id" IS NULL OR "decided_by" IS NOT NULL);
CREATE UNIQUE INDEX "kg_implementation_one_per_region" ON "implementation" ("knowledge_support_id", "county_code") WHERE "municipality_code" IS NULL;
CREATE UNIQUE INDEX "kg_implementation_one_per_municipality" ON "implementation" ("knowledge_support_id", "municipality_code") WHERE "municipality_code" IS NOT NULL;
ALTER TABLE "implementation_status" ADD CONSTRAINT "kg_implementation_status_period" CHECK ("valid_to" IS NULL OR "valid_from" <= "valid_to");
ALTER TABLE "implementation_status" ADD CONSTRAINT "kg_implementation_not_to_be_implemented_reason" CHECK ("status" <> 'NOT_TO_BE_IMPLEMENTED' OR coalesce("reason", '') ~ '[^[:space:]]');
ALTER TABLE "implementation_status" ADD CONSTRAINT "kg_implementation_status_no_overlap" EXCLUDE USING gist (
  "implementation_id" WITH =, daterange("valid_from", "valid_to", '[]') WITH &&
);
ALTER TABLE "follow_up_value" ADD CONSTRAINT "kg_follow_up_value_period" CHECK ("period_start" <= "period_end");

-- Search by name and former name.
CREATE INDEX "kg_knowledge_support_name_search" ON "knowledge_support" USING gin ("kg_fold"("name") gin_trgm_ops);
CREATE INDEX "kg_knowledge_support_former_name_search" ON "knowledge_support_name" USING gin ("kg_fold"("name") gin_trgm_ops);

-- Every committed write notifies the response caches (see 20261207020000_notify_data_changes).
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "knowledge_support" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "knowledge_support_program_area" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "knowledge_support_state" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "knowledge_support_version" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "knowledge_support_name" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "implementation" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "implementation_municipality" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "implementation_status" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "follow_up" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "follow_up_value" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
