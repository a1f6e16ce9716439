-- CreateEnum
CREATE TYPE "AuditEntity" AS ENUM ('PERSON', 'MEMBERSHIP', 'GROUP', 'ORGANISATION');

-- CreateEnum
CREATE TYPE "AuditAction" AS ENUM ('CREATED', 'UPDATED', 'ENDED', 'DISSOLVED');

-- CreateTable
CREATE TABLE "api_key" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_event" (
    "id" BIGSERIAL NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "request_id" TEXT,
    "sync_run_id" UUID,
    "entity" "AuditEntity" NOT NULL,
    "entity_id" UUID NOT NULL,
    "action" "AuditAction" NOT NULL,
    "version" INTEGER NOT NULL,
    "changes" JSONB NOT NULL,

    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_key_name_key" ON "api_key"("name");

-- CreateIndex
CREATE UNIQUE INDEX "api_key_prefix_key" ON "api_key"("prefix");

-- CreateIndex
CREATE INDEX "audit_event_entity_entity_id_id_idx" ON "audit_event"("entity", "entity_id", "id");

-- CreateIndex
CREATE INDEX "audit_event_sync_run_id_idx" ON "audit_event"("sync_run_id");

-- CreateIndex
CREATE INDEX "audit_event_occurred_at_idx" ON "audit_event"("occurred_at");


-- ---------------------------------------------------------------------------------------
-- Constraints Prisma's schema language cannot express. Written by hand, all named kg_*.
-- ---------------------------------------------------------------------------------------
ALTER TABLE "api_key" ADD CONSTRAINT "kg_api_key_name" CHECK (btrim("name") <> '');
ALTER TABLE "api_key" ADD CONSTRAINT "kg_api_key_scopes" CHECK (cardinality("scopes") > 0);
ALTER TABLE "audit_event" ADD CONSTRAINT "kg_audit_event_changes" CHECK (jsonb_typeof("changes") = 'object');
ALTER TABLE "audit_event" ADD CONSTRAINT "kg_audit_event_actor" CHECK (btrim("actor") <> '');
