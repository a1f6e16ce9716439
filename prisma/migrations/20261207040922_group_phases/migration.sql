-- CreateEnum
CREATE TYPE "GroupPhaseKind" AS ENUM ('INTERIM');

-- CreateTable
CREATE TABLE "group_phase" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "group_id" UUID NOT NULL,
    "kind" "GroupPhaseKind" NOT NULL,
    "valid_from" DATE NOT NULL,
    "valid_to" DATE,
    "note" TEXT,
    "sources" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "group_phase_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "group_phase_group_id_kind_valid_from_key" ON "group_phase"("group_id", "kind", "valid_from");

-- AddForeignKey
ALTER TABLE "group_phase" ADD CONSTRAINT "group_phase_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "governance_group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A phase ends no earlier than it starts.
ALTER TABLE "group_phase" ADD CONSTRAINT "kg_group_phase_period" CHECK ("valid_to" IS NULL OR "valid_from" <= "valid_to");

CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "group_phase" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
