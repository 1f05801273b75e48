CREATE TABLE "data_versions" (
	"name" text PRIMARY KEY NOT NULL,
	"version" integer NOT NULL
);
--> statement-breakpoint
-- One row per counter, created by the first change (a restore copies the rows as they were and
-- sets campaign_bot.restoring, so nothing is bumped twice).
CREATE FUNCTION "bump_data_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('campaign_bot.restoring', true), '') = 'on' THEN RETURN NULL; END IF;
  INSERT INTO data_versions AS v (name, version) VALUES (TG_ARGV[0], 1)
    ON CONFLICT (name) DO UPDATE SET version = v.version + 1;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "members_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "members" FOR EACH STATEMENT EXECUTE FUNCTION "bump_data_version"('directory');
--> statement-breakpoint
CREATE TRIGGER "identities_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "identities" FOR EACH STATEMENT EXECUTE FUNCTION "bump_data_version"('directory');
--> statement-breakpoint
CREATE TRIGGER "units_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "units" FOR EACH STATEMENT EXECUTE FUNCTION "bump_data_version"('directory');
--> statement-breakpoint
CREATE TRIGGER "campaigns_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "campaigns" FOR EACH STATEMENT EXECUTE FUNCTION "bump_data_version"('campaign');
--> statement-breakpoint
CREATE TRIGGER "phases_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "phases" FOR EACH STATEMENT EXECUTE FUNCTION "bump_data_version"('campaign');
--> statement-breakpoint
CREATE TRIGGER "readings_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "readings" FOR EACH STATEMENT EXECUTE FUNCTION "bump_data_version"('campaign');
