-- Adds check-ins to study_periods: per (campaign, half-month, person) the number of valid check-ins
-- (with or without minutes: both count as taking part) and their minutes. Called by the check-in
-- triggers (02_study_totals_follow_checkins) with +1/−1 and ± minutes. plpgsql for its kept plans,
-- with a one-row form for the plain check-in, as study_totals_add; rows upserted in key order so
-- two bulk writers cannot deadlock.
CREATE OR REPLACE FUNCTION "study_periods_add"(c int[], s date[], m int[], n int[], d int[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(m) = 1 THEN
    INSERT INTO study_periods AS t (campaign_id, period_start, member_id, checkins, minutes)
      VALUES (c[1], s[1], m[1], n[1], d[1])
      ON CONFLICT (campaign_id, period_start, member_id) DO UPDATE SET checkins = t.checkins + excluded.checkins, minutes = t.minutes + excluded.minutes;
    RETURN;
  END IF;
  INSERT INTO study_periods AS t (campaign_id, period_start, member_id, checkins, minutes)
  SELECT u.campaign_id, u.period_start, u.member_id, sum(u.n)::int, sum(u.d)::int
  FROM unnest(c, s, m, n, d) AS u(campaign_id, period_start, member_id, n, d)
  GROUP BY 1, 2, 3 HAVING sum(u.n) <> 0 OR sum(u.d) <> 0
  ORDER BY 1, 2, 3
  ON CONFLICT (campaign_id, period_start, member_id) DO UPDATE SET checkins = t.checkins + excluded.checkins, minutes = t.minutes + excluded.minutes;
END $$;
