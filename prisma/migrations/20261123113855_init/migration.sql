-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "btree_gist";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "unaccent";

-- CreateEnum
CREATE TYPE "Provenance" AS ENUM ('VERIFIED', 'PARTIALLY_VERIFIED', 'MODELLED', 'RECORDED');

-- CreateEnum
CREATE TYPE "OrganisationKind" AS ENUM ('HEALTHCARE_REGION', 'REGION', 'MUNICIPALITY', 'AGENCY', 'MEMBER_ORGANISATION', 'DIGITAL_SERVICES_COMPANY', 'MUNICIPAL_ASSOCIATION', 'PATIENT_ORGANISATION', 'OTHER');

-- CreateEnum
CREATE TYPE "GroupLevel" AS ENUM ('NATIONAL', 'HEALTHCARE_REGIONAL', 'REGIONAL');

-- CreateEnum
CREATE TYPE "GroupKind" AS ENUM ('NPO', 'PRIMARY_CARE_COUNCIL', 'NSG', 'NAG', 'RPO', 'RAG', 'LPO', 'LAG', 'STEERING_GROUP', 'PREPARATORY_GROUP', 'CHAIRS_FORUM', 'SUPPORT_FUNCTION', 'PARTNERSHIP', 'STATE_COUNCIL', 'ADVISORY_GROUP', 'KNOWLEDGE_COUNCIL', 'COLLABORATION_STRUCTURE');

-- CreateEnum
CREATE TYPE "HostingKind" AS ENUM ('ACTIVE', 'DORMANT');

-- CreateEnum
CREATE TYPE "ParticipationRole" AS ENUM ('MEMBER', 'PARTICIPANT');

-- CreateEnum
CREATE TYPE "GroupRelationKind" AS ENUM ('LINKED_TO');

-- CreateEnum
CREATE TYPE "MembershipRole" AS ENUM ('CHAIR', 'VICE_CHAIR', 'MEMBER', 'DEPUTY_MEMBER', 'CO_OPTED', 'PROCESS_LEADER', 'SECRETARY', 'COORDINATOR', 'ADJUNCT');

-- CreateEnum
CREATE TYPE "NameKind" AS ENUM ('FORMER', 'VARIANT');

-- CreateTable
CREATE TABLE "healthcare_region" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "sources" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "healthcare_region_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "region" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "county_code" CHAR(2) NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "county_name" TEXT NOT NULL,
    "note" TEXT,
    "sources" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "region_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "region_healthcare_region" (
    "region_id" UUID NOT NULL,
    "healthcare_region_id" UUID NOT NULL,
    "partial" BOOLEAN NOT NULL DEFAULT false,
    "position" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "region_healthcare_region_pkey" PRIMARY KEY ("region_id","healthcare_region_id")
);

-- CreateTable
CREATE TABLE "municipality" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "code" CHAR(4) NOT NULL,
    "name" TEXT NOT NULL,
    "county_code" CHAR(2) NOT NULL,
    "healthcare_region_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "municipality_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "organisation" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" TEXT NOT NULL,
    "kind" "OrganisationKind" NOT NULL,
    "name" TEXT NOT NULL,
    "short_name" TEXT,
    "description" TEXT,
    "county_code" CHAR(2),
    "region_id" UUID,
    "healthcare_region_id" UUID,
    "municipality_id" UUID,
    "provenance" "Provenance" NOT NULL DEFAULT 'RECORDED',
    "note" TEXT,
    "sources" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "organisation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "governance_group" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" TEXT NOT NULL,
    "kind" "GroupKind" NOT NULL,
    "level" "GroupLevel" NOT NULL,
    "name" TEXT NOT NULL,
    "short_name" TEXT,
    "description" TEXT,
    "parent_id" UUID,
    "parent_kind" "GroupKind",
    "program_area_id" UUID,
    "program_area_kind" "GroupKind",
    "healthcare_region_id" UUID,
    "county_code" CHAR(2),
    "municipal_participation" BOOLEAN NOT NULL DEFAULT false,
    "municipal_participation_note" TEXT,
    "valid_from" DATE,
    "valid_to" DATE,
    "period_note" TEXT,
    "provenance" "Provenance" NOT NULL DEFAULT 'RECORDED',
    "note" TEXT,
    "sources" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "governance_group_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "group_mirror" (
    "group_id" UUID NOT NULL,
    "program_area_id" UUID NOT NULL,
    "program_area_kind" "GroupKind" NOT NULL,

    CONSTRAINT "group_mirror_pkey" PRIMARY KEY ("group_id","program_area_id")
);

-- CreateTable
CREATE TABLE "hosting" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "group_id" UUID NOT NULL,
    "organisation_id" UUID NOT NULL,
    "kind" "HostingKind" NOT NULL DEFAULT 'ACTIVE',
    "valid_from" DATE,
    "valid_to" DATE,
    "note" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "hosting_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "group_participation" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "group_id" UUID NOT NULL,
    "organisation_id" UUID NOT NULL,
    "role" "ParticipationRole" NOT NULL DEFAULT 'PARTICIPANT',
    "seats" INTEGER,
    "valid_from" DATE,
    "valid_to" DATE,
    "provenance" "Provenance" NOT NULL DEFAULT 'RECORDED',
    "note" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "group_participation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "group_relation" (
    "from_group_id" UUID NOT NULL,
    "to_group_id" UUID NOT NULL,
    "kind" "GroupRelationKind" NOT NULL,
    "note" TEXT,

    CONSTRAINT "group_relation_pkey" PRIMARY KEY ("from_group_id","to_group_id","kind")
);

-- CreateTable
CREATE TABLE "other_name" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "group_id" UUID,
    "organisation_id" UUID,
    "healthcare_region_id" UUID,
    "kind" "NameKind" NOT NULL,
    "name" TEXT NOT NULL,
    "used_until" DATE,
    "note" TEXT,

    CONSTRAINT "other_name_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "expected_count" (
    "kind" "GroupKind" NOT NULL,
    "count" INTEGER NOT NULL,
    "note" TEXT,
    "sources" TEXT[],

    CONSTRAINT "expected_count_pkey" PRIMARY KEY ("kind")
);

-- CreateTable
CREATE TABLE "person" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "given_name" TEXT NOT NULL,
    "family_name" TEXT NOT NULL,
    "title" TEXT,
    "hsa_id" TEXT,
    "source_system" TEXT,
    "external_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "person_contact" (
    "person_id" UUID NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "person_contact_pkey" PRIMARY KEY ("person_id")
);

-- CreateTable
CREATE TABLE "membership" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "person_id" UUID NOT NULL,
    "group_id" UUID NOT NULL,
    "role" "MembershipRole" NOT NULL,
    "representing_organisation_id" UUID,
    "valid_from" DATE NOT NULL,
    "valid_to" DATE,
    "source_system" TEXT,
    "external_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "membership_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "healthcare_region_slug_key" ON "healthcare_region"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "region_county_code_key" ON "region"("county_code");

-- CreateIndex
CREATE UNIQUE INDEX "region_slug_key" ON "region"("slug");

-- CreateIndex
CREATE INDEX "region_healthcare_region_healthcare_region_id_idx" ON "region_healthcare_region"("healthcare_region_id");

-- CreateIndex
CREATE UNIQUE INDEX "municipality_code_key" ON "municipality"("code");

-- CreateIndex
CREATE INDEX "municipality_county_code_code_idx" ON "municipality"("county_code", "code");

-- CreateIndex
CREATE INDEX "municipality_healthcare_region_id_idx" ON "municipality"("healthcare_region_id");

-- CreateIndex
CREATE UNIQUE INDEX "organisation_slug_key" ON "organisation"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "organisation_region_id_key" ON "organisation"("region_id");

-- CreateIndex
CREATE UNIQUE INDEX "organisation_healthcare_region_id_key" ON "organisation"("healthcare_region_id");

-- CreateIndex
CREATE UNIQUE INDEX "organisation_municipality_id_key" ON "organisation"("municipality_id");

-- CreateIndex
CREATE INDEX "organisation_kind_name_idx" ON "organisation"("kind", "name");

-- CreateIndex
CREATE INDEX "organisation_county_code_idx" ON "organisation"("county_code");

-- CreateIndex
CREATE UNIQUE INDEX "governance_group_slug_key" ON "governance_group"("slug");

-- CreateIndex
CREATE INDEX "governance_group_kind_name_idx" ON "governance_group"("kind", "name");

-- CreateIndex
CREATE INDEX "governance_group_parent_id_idx" ON "governance_group"("parent_id");

-- CreateIndex
CREATE INDEX "governance_group_healthcare_region_id_idx" ON "governance_group"("healthcare_region_id");

-- CreateIndex
CREATE INDEX "governance_group_county_code_idx" ON "governance_group"("county_code");

-- CreateIndex
CREATE UNIQUE INDEX "governance_group_id_kind_key" ON "governance_group"("id", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "governance_group_program_area_id_healthcare_region_id_key" ON "governance_group"("program_area_id", "healthcare_region_id");

-- CreateIndex
CREATE INDEX "group_mirror_program_area_id_idx" ON "group_mirror"("program_area_id");

-- CreateIndex
CREATE INDEX "hosting_organisation_id_idx" ON "hosting"("organisation_id");

-- CreateIndex
CREATE UNIQUE INDEX "hosting_group_id_organisation_id_kind_key" ON "hosting"("group_id", "organisation_id", "kind");

-- CreateIndex
CREATE INDEX "group_participation_organisation_id_idx" ON "group_participation"("organisation_id");

-- CreateIndex
CREATE UNIQUE INDEX "group_participation_group_id_organisation_id_role_key" ON "group_participation"("group_id", "organisation_id", "role");

-- CreateIndex
CREATE INDEX "group_relation_to_group_id_idx" ON "group_relation"("to_group_id");

-- CreateIndex
CREATE INDEX "other_name_group_id_idx" ON "other_name"("group_id");

-- CreateIndex
CREATE INDEX "other_name_organisation_id_idx" ON "other_name"("organisation_id");

-- CreateIndex
CREATE INDEX "other_name_healthcare_region_id_idx" ON "other_name"("healthcare_region_id");

-- CreateIndex
CREATE UNIQUE INDEX "person_hsa_id_key" ON "person"("hsa_id");

-- CreateIndex
CREATE INDEX "person_family_name_given_name_idx" ON "person"("family_name", "given_name");

-- CreateIndex
CREATE UNIQUE INDEX "person_source_system_external_id_key" ON "person"("source_system", "external_id");

-- CreateIndex
CREATE INDEX "membership_group_id_role_idx" ON "membership"("group_id", "role");

-- CreateIndex
CREATE INDEX "membership_person_id_idx" ON "membership"("person_id");

-- CreateIndex
CREATE INDEX "membership_representing_organisation_id_idx" ON "membership"("representing_organisation_id");

-- CreateIndex
CREATE UNIQUE INDEX "membership_source_system_external_id_key" ON "membership"("source_system", "external_id");

-- AddForeignKey
ALTER TABLE "region_healthcare_region" ADD CONSTRAINT "region_healthcare_region_region_id_fkey" FOREIGN KEY ("region_id") REFERENCES "region"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "region_healthcare_region" ADD CONSTRAINT "region_healthcare_region_healthcare_region_id_fkey" FOREIGN KEY ("healthcare_region_id") REFERENCES "healthcare_region"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "municipality" ADD CONSTRAINT "municipality_county_code_fkey" FOREIGN KEY ("county_code") REFERENCES "region"("county_code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "municipality" ADD CONSTRAINT "municipality_healthcare_region_id_fkey" FOREIGN KEY ("healthcare_region_id") REFERENCES "healthcare_region"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "organisation" ADD CONSTRAINT "organisation_region_id_fkey" FOREIGN KEY ("region_id") REFERENCES "region"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "organisation" ADD CONSTRAINT "organisation_healthcare_region_id_fkey" FOREIGN KEY ("healthcare_region_id") REFERENCES "healthcare_region"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "organisation" ADD CONSTRAINT "organisation_municipality_id_fkey" FOREIGN KEY ("municipality_id") REFERENCES "municipality"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "governance_group" ADD CONSTRAINT "governance_group_parent_id_parent_kind_fkey" FOREIGN KEY ("parent_id", "parent_kind") REFERENCES "governance_group"("id", "kind") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "governance_group" ADD CONSTRAINT "governance_group_program_area_id_program_area_kind_fkey" FOREIGN KEY ("program_area_id", "program_area_kind") REFERENCES "governance_group"("id", "kind") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "governance_group" ADD CONSTRAINT "governance_group_healthcare_region_id_fkey" FOREIGN KEY ("healthcare_region_id") REFERENCES "healthcare_region"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "governance_group" ADD CONSTRAINT "governance_group_county_code_fkey" FOREIGN KEY ("county_code") REFERENCES "region"("county_code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "group_mirror" ADD CONSTRAINT "group_mirror_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "governance_group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "group_mirror" ADD CONSTRAINT "group_mirror_program_area_id_program_area_kind_fkey" FOREIGN KEY ("program_area_id", "program_area_kind") REFERENCES "governance_group"("id", "kind") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "hosting" ADD CONSTRAINT "hosting_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "governance_group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "hosting" ADD CONSTRAINT "hosting_organisation_id_fkey" FOREIGN KEY ("organisation_id") REFERENCES "organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "group_participation" ADD CONSTRAINT "group_participation_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "governance_group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "group_participation" ADD CONSTRAINT "group_participation_organisation_id_fkey" FOREIGN KEY ("organisation_id") REFERENCES "organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "group_relation" ADD CONSTRAINT "group_relation_from_group_id_fkey" FOREIGN KEY ("from_group_id") REFERENCES "governance_group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "group_relation" ADD CONSTRAINT "group_relation_to_group_id_fkey" FOREIGN KEY ("to_group_id") REFERENCES "governance_group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "other_name" ADD CONSTRAINT "other_name_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "governance_group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "other_name" ADD CONSTRAINT "other_name_organisation_id_fkey" FOREIGN KEY ("organisation_id") REFERENCES "organisation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "other_name" ADD CONSTRAINT "other_name_healthcare_region_id_fkey" FOREIGN KEY ("healthcare_region_id") REFERENCES "healthcare_region"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "person_contact" ADD CONSTRAINT "person_contact_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "membership" ADD CONSTRAINT "membership_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "membership" ADD CONSTRAINT "membership_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "governance_group"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "membership" ADD CONSTRAINT "membership_representing_organisation_id_fkey" FOREIGN KEY ("representing_organisation_id") REFERENCES "organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------
-- Constraints Prisma's schema language cannot express. Written by hand, all named kg_*.
-- The migration runner splits scripts at every semicolon, so none may stand inside a statement or comment.
-- ---------------------------------------------------------------------------------------

-- Natural-key formats
ALTER TABLE "region" ADD CONSTRAINT "kg_region_county_code_format" CHECK ("county_code" ~ '^[0-9]{2}$');
ALTER TABLE "municipality" ADD CONSTRAINT "kg_municipality_code_format" CHECK ("code" ~ '^[0-9]{4}$');
ALTER TABLE "municipality" ADD CONSTRAINT "kg_municipality_code_in_county" CHECK (left("code", 2) = "county_code");
ALTER TABLE "healthcare_region" ADD CONSTRAINT "kg_healthcare_region_slug_format" CHECK ("slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$');
ALTER TABLE "region" ADD CONSTRAINT "kg_region_slug_format" CHECK ("slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$');
ALTER TABLE "organisation" ADD CONSTRAINT "kg_organisation_slug_format" CHECK ("slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$');
ALTER TABLE "governance_group" ADD CONSTRAINT "kg_group_slug_format" CHECK ("slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$');
ALTER TABLE "organisation" ADD CONSTRAINT "kg_organisation_county_code_format" CHECK ("county_code" ~ '^[0-9]{2}$');
ALTER TABLE "person" ADD CONSTRAINT "kg_person_hsa_id_format" CHECK ("hsa_id" ~ '^SE[0-9]{10}-[A-Za-z0-9]{1,31}$');
ALTER TABLE "person_contact" ADD CONSTRAINT "kg_person_contact_email_format" CHECK ("email" ~ '^[^@[:space:]]+@[^@[:space:]]+$');

-- Names are never blank
ALTER TABLE "healthcare_region" ADD CONSTRAINT "kg_healthcare_region_name" CHECK (btrim("name") <> '');
ALTER TABLE "region" ADD CONSTRAINT "kg_region_name" CHECK (btrim("name") <> '');
ALTER TABLE "municipality" ADD CONSTRAINT "kg_municipality_name" CHECK (btrim("name") <> '');
ALTER TABLE "organisation" ADD CONSTRAINT "kg_organisation_name" CHECK (btrim("name") <> '');
ALTER TABLE "governance_group" ADD CONSTRAINT "kg_group_name" CHECK (btrim("name") <> '');
ALTER TABLE "other_name" ADD CONSTRAINT "kg_other_name_name" CHECK (btrim("name") <> '');
ALTER TABLE "person" ADD CONSTRAINT "kg_person_names" CHECK (btrim("given_name") <> '' AND btrim("family_name") <> '');

-- Periods run forwards
ALTER TABLE "governance_group" ADD CONSTRAINT "kg_group_period" CHECK ("valid_to" IS NULL OR "valid_from" IS NULL OR "valid_from" <= "valid_to");
ALTER TABLE "hosting" ADD CONSTRAINT "kg_hosting_period" CHECK ("valid_to" IS NULL OR "valid_from" IS NULL OR "valid_from" <= "valid_to");
ALTER TABLE "group_participation" ADD CONSTRAINT "kg_participation_period" CHECK ("valid_to" IS NULL OR "valid_from" IS NULL OR "valid_from" <= "valid_to");
ALTER TABLE "membership" ADD CONSTRAINT "kg_membership_period" CHECK ("valid_to" IS NULL OR "valid_from" <= "valid_to");

-- Organisations: exactly the geographic link their kind calls for
ALTER TABLE "organisation" ADD CONSTRAINT "kg_organisation_geography" CHECK (
  ("kind" = 'HEALTHCARE_REGION') = ("healthcare_region_id" IS NOT NULL)
  AND ("kind" = 'REGION') = ("region_id" IS NOT NULL)
  AND ("kind" = 'MUNICIPALITY') = ("municipality_id" IS NOT NULL)
);

-- Groups: level follows kind, scope follows level, working groups have an appointing body
ALTER TABLE "governance_group" ADD CONSTRAINT "kg_group_kind_level" CHECK (
  CASE
    WHEN "kind" IN ('RPO', 'RAG') THEN "level" = 'HEALTHCARE_REGIONAL'
    WHEN "kind" IN ('LPO', 'LAG') THEN "level" = 'REGIONAL'
    WHEN "kind" IN ('KNOWLEDGE_COUNCIL', 'COLLABORATION_STRUCTURE') THEN TRUE
    ELSE "level" = 'NATIONAL'
  END
);
ALTER TABLE "governance_group" ADD CONSTRAINT "kg_group_scope" CHECK (
  CASE "level"
    WHEN 'NATIONAL' THEN "healthcare_region_id" IS NULL AND "county_code" IS NULL
    WHEN 'HEALTHCARE_REGIONAL' THEN "healthcare_region_id" IS NOT NULL AND "county_code" IS NULL
    ELSE "county_code" IS NOT NULL AND "healthcare_region_id" IS NULL
  END
);
-- The kinds of linked groups are carried beside the links and checked through composite
-- foreign keys to (id, kind), so the database itself keeps a LAG under an LPO, an RPO on an NPO.
ALTER TABLE "governance_group" ADD CONSTRAINT "kg_group_parent" CHECK (
  ("kind" IN ('NAG', 'RAG', 'LAG')) = ("parent_id" IS NOT NULL)
  AND ("parent_id" IS NULL) = ("parent_kind" IS NULL)
  AND "parent_id" <> "id"
  AND ("kind" <> 'NAG' OR "parent_kind" IN ('NPO', 'NSG', 'PRIMARY_CARE_COUNCIL'))
  AND ("kind" <> 'RAG' OR "parent_kind" = 'RPO')
  AND ("kind" <> 'LAG' OR "parent_kind" = 'LPO')
);
ALTER TABLE "governance_group" ADD CONSTRAINT "kg_group_program_area" CHECK (
  ("kind" = 'RPO') = ("program_area_id" IS NOT NULL)
  AND ("program_area_id" IS NULL) = ("program_area_kind" IS NULL)
  AND ("program_area_kind" IS NULL OR "program_area_kind" = 'NPO')
);
ALTER TABLE "group_mirror" ADD CONSTRAINT "kg_group_mirror_kind" CHECK ("program_area_kind" IN ('NPO', 'PRIMARY_CARE_COUNCIL'));

-- Other records
ALTER TABLE "group_participation" ADD CONSTRAINT "kg_participation_seats" CHECK ("seats" IS NULL OR "seats" > 0);
ALTER TABLE "other_name" ADD CONSTRAINT "kg_other_name_owner" CHECK (num_nonnulls("group_id", "organisation_id", "healthcare_region_id") = 1);
ALTER TABLE "expected_count" ADD CONSTRAINT "kg_expected_count_positive" CHECK ("count" >= 0);
ALTER TABLE "person" ADD CONSTRAINT "kg_person_external_key" CHECK (("source_system" IS NULL) = ("external_id" IS NULL));
ALTER TABLE "membership" ADD CONSTRAINT "kg_membership_external_key" CHECK (("source_system" IS NULL) = ("external_id" IS NULL));

-- Memberships: a person holds a role in a group at most once at any time, and a group has one chair at a time.
ALTER TABLE "membership" ADD CONSTRAINT "kg_membership_no_overlap" EXCLUDE USING gist (
  "person_id" WITH =, "group_id" WITH =, "role" WITH =, daterange("valid_from", "valid_to", '[]') WITH &&
);
ALTER TABLE "membership" ADD CONSTRAINT "kg_membership_one_chair" EXCLUDE USING gist (
  "group_id" WITH =, daterange("valid_from", "valid_to", '[]') WITH &&
) WHERE ("role" = 'CHAIR');
