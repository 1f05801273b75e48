CREATE TABLE "study_totals" (
	"member_id" integer NOT NULL,
	"campaign_id" integer NOT NULL,
	"phase_id" integer NOT NULL,
	"minutes" integer NOT NULL,
	CONSTRAINT "study_totals_member_id_campaign_id_phase_id_pk" PRIMARY KEY("member_id","campaign_id","phase_id")
);
--> statement-breakpoint
-- Statement triggers with transition tables: a bulk insert (ledger import, demo data, a group
-- session) adds one aggregated row per person, not one upsert per check-in. Rows are upserted in
-- key order so two bulk writers cannot deadlock. A restore copies study_totals as backed up and
-- sets campaign_bot.restoring so the copied check-ins are not counted twice.
CREATE FUNCTION "study_totals_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('campaign_bot.restoring', true), '') = 'on' THEN RETURN NULL; END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO study_totals AS t (member_id, campaign_id, phase_id, minutes)
      SELECT member_id, campaign_id, coalesce(phase_id, 0), sum(minutes)::int FROM new_rows
      WHERE status = 'valid' AND minutes IS NOT NULL
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (member_id, campaign_id, phase_id) DO UPDATE SET minutes = t.minutes + excluded.minutes;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO study_totals AS t (member_id, campaign_id, phase_id, minutes)
      SELECT member_id, campaign_id, coalesce(phase_id, 0), -sum(minutes)::int FROM old_rows
      WHERE status = 'valid' AND minutes IS NOT NULL
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (member_id, campaign_id, phase_id) DO UPDATE SET minutes = t.minutes + excluded.minutes;
  ELSE
    INSERT INTO study_totals AS t (member_id, campaign_id, phase_id, minutes)
      SELECT member_id, campaign_id, phase_id, sum(d)::int FROM (
        SELECT member_id, campaign_id, coalesce(phase_id, 0) AS phase_id, minutes AS d FROM new_rows
          WHERE status = 'valid' AND minutes IS NOT NULL
        UNION ALL
        SELECT member_id, campaign_id, coalesce(phase_id, 0), -minutes FROM old_rows
          WHERE status = 'valid' AND minutes IS NOT NULL
      ) AS change
      GROUP BY 1, 2, 3 HAVING sum(d) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (member_id, campaign_id, phase_id) DO UPDATE SET minutes = t.minutes + excluded.minutes;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "checkins_totals_insert" AFTER INSERT ON "checkins"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "study_totals_apply"();
--> statement-breakpoint
CREATE TRIGGER "checkins_totals_update" AFTER UPDATE ON "checkins"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "study_totals_apply"();
--> statement-breakpoint
CREATE TRIGGER "checkins_totals_delete" AFTER DELETE ON "checkins"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "study_totals_apply"();
--> statement-breakpoint
INSERT INTO "study_totals" ("member_id", "campaign_id", "phase_id", "minutes")
  SELECT member_id, campaign_id, coalesce(phase_id, 0), sum(minutes)::int FROM "checkins"
  WHERE status = 'valid' AND minutes IS NOT NULL GROUP BY 1, 2, 3;
