-- Gave study_totals_add its one-row form, now in src/db/functions/01_study_totals_add.sql.
-- Every check-in updates two study_totals rows, and a rank counts the unit's rows through the
-- index; a page is read from the table too until VACUUM marks it all-visible. The default (20 %
-- of the table dead) left a morning's worth of pages unmarked; vacuum it after ~2 %.
ALTER TABLE "study_totals" SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000);
