-- The first day of a date's half-month: the 1st, or the 16th (as src/domain/circular.ts
-- currentPeriodFor counts the half-monthly circular's periods). Date arithmetic only, so the
-- session's time zone cannot move it.
CREATE OR REPLACE FUNCTION "half_month_start"(d date) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT d - (extract(day FROM d)::int - CASE WHEN extract(day FROM d) >= 16 THEN 16 ELSE 1 END)
$$;
