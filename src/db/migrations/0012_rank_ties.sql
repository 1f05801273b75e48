-- Ranks broke ties by the campaign's total: standing_of's definition is now in
-- src/db/functions/05_standing_of.sql, applied after the migrations.
SELECT 1;
