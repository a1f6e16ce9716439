-- Every committed write tells the API processes that the data changed, so their response caches
-- never serve an answer older than the last commit: a statement-level trigger on every table sends
-- NOTIFY kg_data_changed. PostgreSQL delivers it only when the transaction commits, and folds
-- repeated notifications of one transaction into one, so a large sync notifies once per table.
-- It fires for every writer: the API, syncs, the seed, imports (TRUNCATE included) and psql.
--
-- The migration runner splits scripts at semicolons, so the function body writes them as the
-- escape \073 inside an E'' string.
CREATE FUNCTION "kg_notify_data_changed"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN PERFORM pg_notify(''kg_data_changed'', TG_TABLE_NAME)\073 RETURN NULL\073 END';

CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "healthcare_region" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "region" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "region_healthcare_region" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "municipality" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "organisation" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "governance_group" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "group_mirror" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "hosting" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "group_participation" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "group_relation" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "other_name" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "expected_count" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "person" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "person_contact" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "membership" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "audit_event" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();

-- A key's last use is recorded at most once a minute on every request that uses it, and changes
-- nothing an answer shows: updates that set only "last_used_at" do not notify. Creating, revoking,
-- re-scoping or expiring a key does.
CREATE TRIGGER "kg_data_changed" AFTER INSERT OR UPDATE OF "id", "name", "prefix", "secret_hash", "scopes", "created_at", "expires_at", "revoked_at" OR DELETE OR TRUNCATE ON "api_key" FOR EACH STATEMENT EXECUTE FUNCTION "kg_notify_data_changed"();
