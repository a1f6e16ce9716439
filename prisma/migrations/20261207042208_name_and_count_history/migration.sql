-- AlterTable
ALTER TABLE "other_name" ADD COLUMN     "used_from" DATE;

-- Expected counts become readings on a day. They are reference data the seed writes again (its
-- fingerprint changes with this release), so the undated rows are dropped rather than guessed a day.
DELETE FROM "expected_count";

-- AlterTable
ALTER TABLE "expected_count" DROP CONSTRAINT "expected_count_pkey",
ADD COLUMN     "as_of" DATE NOT NULL,
ADD CONSTRAINT "expected_count_pkey" PRIMARY KEY ("kind", "as_of");

-- A former name was used no later than it was last used.
ALTER TABLE "other_name" ADD CONSTRAINT "kg_other_name_period" CHECK ("used_until" IS NULL OR "used_from" IS NULL OR "used_from" <= "used_until");

-- Former names are searched like the names themselves.
CREATE INDEX "kg_other_name_search" ON "other_name" USING gin ("kg_fold"("name") gin_trgm_ops);

-- Two names recorded as variants are former names (Nationellt levnadsvaneråd in 2018, Sällsynta
-- diagnoser in 2019): the seed writes them again as such, so the variant rows go.
DELETE FROM "other_name" n USING "governance_group" g
 WHERE n."group_id" = g."id" AND n."kind" = 'VARIANT'
   AND ((g."slug" = 'levnadsvanor' AND n."name" = 'Nationellt levnadsvaneråd')
     OR (g."slug" = 'sallsynta-sjukdomar' AND n."name" = 'Sällsynta diagnoser'));
