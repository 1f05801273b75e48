-- Participation counts a valid check-in without minutes, which study_totals cannot see: an index
-- over just those few rows (src/domain/progress-totals.ts reads it for the console's 总览).
CREATE INDEX "checkins_no_minutes_idx" ON "checkins" USING btree ("campaign_id","phase_id","member_id","study_date") WHERE "checkins"."status" = 'valid' and coalesce("checkins"."minutes", 0) = 0;