-- data_versions: one row per counter, created by the first change. A process keeps the directory
-- or the campaign set-up in memory until its counter moves (src/domain/context-cache.ts).
-- Triggers: members_version, identities_version, units_version ('directory'); campaigns_version,
-- phases_version, readings_version ('campaign') — migration 0007.
CREATE OR REPLACE FUNCTION "bump_data_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('campaign_bot.restoring', true), '') = 'on' THEN RETURN NULL; END IF;
  INSERT INTO data_versions AS v (name, version) VALUES (TG_ARGV[0], 1)
    ON CONFLICT (name) DO UPDATE SET version = v.version + 1;
  RETURN NULL;
END $$;
