-- Search: names folded for comparison (lower case, accents removed: "Hälsa" -> "halsa"), with
-- trigram indexes so substring and similarity matches need no full scan. unaccent is only
-- STABLE (its dictionary could change), so an IMMUTABLE wrapper naming the dictionary makes it indexable.
-- Its high COST tells the planner that folding every row costs more than reading the index.
CREATE FUNCTION "kg_fold"(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT COST 1000
  AS 'SELECT lower(public.unaccent(''public.unaccent''::regdictionary, $1))';

CREATE INDEX "kg_group_name_search" ON "governance_group" USING gin ("kg_fold"("name") gin_trgm_ops);
CREATE INDEX "kg_group_short_name_search" ON "governance_group" USING gin ("kg_fold"("short_name") gin_trgm_ops);
CREATE INDEX "kg_organisation_name_search" ON "organisation" USING gin ("kg_fold"("name") gin_trgm_ops);
CREATE INDEX "kg_organisation_short_name_search" ON "organisation" USING gin ("kg_fold"("short_name") gin_trgm_ops);
CREATE INDEX "kg_person_name_search" ON "person" USING gin ("kg_fold"("given_name" || ' ' || "family_name") gin_trgm_ops);
