-- Created study_totals_add's plpgsql form and the check-in functions standing_of, record_checkin,
-- checkin_message and checkin_messages. Their definitions now live once, in src/db/functions/,
-- applied after the migrations (src/db/sql-functions.ts); no migration between this one and that
-- step calls them.
SELECT 1;
