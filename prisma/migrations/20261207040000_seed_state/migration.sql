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
