-- CreateTable
CREATE TABLE "seed_state" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "fingerprint" TEXT NOT NULL,
    "change_position" BIGINT NOT NULL,
    "seeded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "seed_state_pkey" PRIMARY KEY ("id")
);


-- One row at most.
ALTER TABLE "seed_state" ADD CONSTRAINT "kg_seed_state_single_row" CHECK ("id" = 1);

-- seed_state and sync_run, added after it, notify the response cache of their writes like every
-- other table (see 20261207020000_notify_data_changes).
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "seed_state" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "sync_run" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
