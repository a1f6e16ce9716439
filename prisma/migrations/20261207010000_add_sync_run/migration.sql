-- CreateEnum
CREATE TYPE "SyncRunStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateTable
CREATE TABLE "sync_run" (
    "id" UUID NOT NULL,
    "sequence" BIGSERIAL NOT NULL,
    "source_system" TEXT NOT NULL,
    "started_by" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "dry_run" BOOLEAN NOT NULL,
    "asynchronous" BOOLEAN NOT NULL,
    "owners" TEXT[],
    "status" "SyncRunStatus" NOT NULL,
    "rows_total" INTEGER NOT NULL,
    "rows_done" INTEGER NOT NULL DEFAULT 0,
    "applied" BOOLEAN,
    "counts" JSONB,
    "result" JSONB,
    "error_code" TEXT,
    "error" TEXT,
    "instance_key" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "sync_run_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "sync_run_sequence_key" ON "sync_run"("sequence");

-- CreateIndex
CREATE INDEX "sync_run_source_system_sequence_idx" ON "sync_run"("source_system", "sequence");

-- CreateIndex
CREATE INDEX "sync_run_status_idx" ON "sync_run"("status");

-- Constraints the schema language cannot state
ALTER TABLE "sync_run" ADD CONSTRAINT "kg_sync_run_mode" CHECK ("mode" IN ('MERGE', 'REPLACE'));
ALTER TABLE "sync_run" ADD CONSTRAINT "kg_sync_run_progress" CHECK ("rows_done" >= 0 AND "rows_done" <= "rows_total");
ALTER TABLE "sync_run" ADD CONSTRAINT "kg_sync_run_finished" CHECK (("status" IN ('SUCCEEDED', 'FAILED')) = ("finished_at" IS NOT NULL));
