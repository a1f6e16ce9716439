-- AlterEnum
ALTER TYPE "SyncRunStatus" ADD VALUE 'STAGING' BEFORE 'QUEUED';

-- AlterTable
ALTER TABLE "sync_run" ADD COLUMN     "settings" JSONB;

-- CreateTable
CREATE TABLE "sync_run_chunk" (
    "run_id" UUID NOT NULL,
    "offset" INTEGER NOT NULL,
    "row_count" INTEGER NOT NULL,
    "rows" TEXT NOT NULL,

    CONSTRAINT "sync_run_chunk_pkey" PRIMARY KEY ("run_id","offset")
);

-- CreateTable
CREATE TABLE "sync_run_result_part" (
    "run_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "list" TEXT,
    "json" TEXT NOT NULL,

    CONSTRAINT "sync_run_result_part_pkey" PRIMARY KEY ("run_id","position")
);

-- AddForeignKey
ALTER TABLE "sync_run_chunk" ADD CONSTRAINT "sync_run_chunk_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "sync_run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sync_run_result_part" ADD CONSTRAINT "sync_run_result_part_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "sync_run"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Constraints the schema language cannot state
ALTER TABLE "sync_run_chunk" ADD CONSTRAINT "kg_sync_run_chunk_rows" CHECK ("offset" >= 0 AND "row_count" BETWEEN 1 AND 10000);
ALTER TABLE "sync_run_result_part" ADD CONSTRAINT "kg_sync_run_result_part_list" CHECK (("position" = 0) = ("list" IS NULL) AND "position" >= 0);

-- Both notify the response cache of their writes like every other table (see 20261207020000_notify_data_changes).
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "sync_run_chunk" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "sync_run_result_part" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
