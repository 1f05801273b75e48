CREATE TABLE "study_periods" (
	"campaign_id" integer NOT NULL,
	"period_start" date NOT NULL,
	"member_id" integer NOT NULL,
	"checkins" integer NOT NULL,
	"minutes" integer NOT NULL,
	CONSTRAINT "study_periods_campaign_id_period_start_member_id_pk" PRIMARY KEY("campaign_id","period_start","member_id")
);
--> statement-breakpoint
-- The check-ins so far, counted once; from here on the triggers keep it (src/db/functions/02_…).
-- A half-month starts on the 1st or the 16th (00_half_month_start.sql, which is applied after the
-- migrations, so the rule is written out here).
INSERT INTO "study_periods" ("campaign_id", "period_start", "member_id", "checkins", "minutes")
SELECT "campaign_id",
  "study_date" - (extract(day FROM "study_date")::int - CASE WHEN extract(day FROM "study_date") >= 16 THEN 16 ELSE 1 END),
  "member_id", count(*)::int, coalesce(sum("minutes"), 0)::int
FROM "checkins" WHERE "status" = 'valid'
GROUP BY 1, 2, 3;
--> statement-breakpoint
-- Planned on real counts from the first read (a new table looks empty to the planner until autovacuum).
ANALYZE "study_periods";
