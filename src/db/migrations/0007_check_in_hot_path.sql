CREATE TABLE "data_versions" (
	"name" text PRIMARY KEY NOT NULL,
	"version" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "study_totals" (
	"member_id" integer NOT NULL,
	"campaign_id" integer NOT NULL,
	"phase_id" integer NOT NULL,
	"unit_id" integer,
	"minutes" integer NOT NULL,
	CONSTRAINT "study_totals_member_id_campaign_id_phase_id_pk" PRIMARY KEY("member_id","campaign_id","phase_id")
);
--> statement-breakpoint
CREATE INDEX "study_totals_rank_idx" ON "study_totals" USING btree ("campaign_id","phase_id","unit_id","minutes");--> statement-breakpoint
-- study_totals is kept by statement triggers with transition tables: a bulk insert (ledger import,
-- demo data, a group session) makes one upsert per person, not one per check-in. Rows are upserted
-- in key order so two bulk writers cannot deadlock. A restore copies study_totals and data_versions
-- as backed up and sets campaign_bot.restoring, so nothing is counted twice.
CREATE FUNCTION "study_totals_add"(m int[], c int[], p int[], d int[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO study_totals AS t (member_id, campaign_id, phase_id, unit_id, minutes)
  SELECT x.member_id, x.campaign_id, x.phase_id,
    (SELECT CASE WHEN mm.active THEN mm.unit_id END FROM members mm WHERE mm.id = x.member_id), x.minutes
  FROM (
    SELECT u.member_id, u.campaign_id, ph.phase_id, sum(u.delta)::int AS minutes
    FROM unnest(m, c, p, d) AS u(member_id, campaign_id, phase_id, delta)
    CROSS JOIN LATERAL (VALUES (u.phase_id), (-1)) AS ph(phase_id)
    GROUP BY 1, 2, 3 HAVING sum(u.delta) <> 0
  ) AS x
  ORDER BY 1, 2, 3
  ON CONFLICT (member_id, campaign_id, phase_id) DO UPDATE SET minutes = t.minutes + excluded.minutes
$$;
--> statement-breakpoint
CREATE FUNCTION "study_totals_follow_checkins"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('campaign_bot.restoring', true), '') = 'on' THEN RETURN NULL; END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM study_totals_add(array_agg(member_id), array_agg(campaign_id), array_agg(coalesce(phase_id, 0)), array_agg(-minutes))
      FROM old_rows WHERE status = 'valid' AND minutes IS NOT NULL;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM study_totals_add(array_agg(member_id), array_agg(campaign_id), array_agg(coalesce(phase_id, 0)), array_agg(minutes))
      FROM new_rows WHERE status = 'valid' AND minutes IS NOT NULL;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "checkins_totals_insert" AFTER INSERT ON "checkins"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "study_totals_follow_checkins"();
--> statement-breakpoint
CREATE TRIGGER "checkins_totals_update" AFTER UPDATE ON "checkins"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "study_totals_follow_checkins"();
--> statement-breakpoint
CREATE TRIGGER "checkins_totals_delete" AFTER DELETE ON "checkins"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "study_totals_follow_checkins"();
--> statement-breakpoint
-- A transfer moves a person's totals to the new unit; leaving takes them out of every ranking.
CREATE FUNCTION "study_totals_follow_members"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('campaign_bot.restoring', true), '') = 'on' THEN RETURN NULL; END IF;
  UPDATE study_totals t SET unit_id = CASE WHEN n.active THEN n.unit_id END
  FROM new_rows n
  WHERE t.member_id = n.id AND t.unit_id IS DISTINCT FROM (CASE WHEN n.active THEN n.unit_id END);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "members_totals_unit" AFTER UPDATE ON "members"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "study_totals_follow_members"();
--> statement-breakpoint
SELECT study_totals_add(array_agg(member_id), array_agg(campaign_id), array_agg(coalesce(phase_id, 0)), array_agg(minutes))
  FROM checkins WHERE status = 'valid' AND minutes IS NOT NULL;
--> statement-breakpoint
-- data_versions: one row per counter, created by the first change. A process keeps the directory
-- or the campaign set-up in memory until its counter moves (src/domain/context-cache.ts).
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
