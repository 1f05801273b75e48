-- A person's standing, as a check-in's reply and 我的 show it: today's total on p_today (unless the
-- caller knows it), the campaign total, the score ranked by (p_rank_phase; -1 = the whole campaign),
-- the rank among the active people of the unit, and how many they are (unless the caller knows).
-- Ranks: people rank by the phase's total and, among those equal on it, by the campaign's total
-- (on a phase's first day everyone has 0 in it: 6h50 and 6h30 in the campaign are not both 第 1
-- 名). Only people equal on both share a rank. With p_rank_phase = -1 both keys are the campaign's.
CREATE OR REPLACE FUNCTION "standing_of"(
  p_member_id int, p_campaign_id int, p_unit_id int, p_rank_phase int, p_today date, p_today_total int, p_unit_size int,
  OUT today_total int, OUT campaign_total int, OUT rank_score int, OUT unit_rank int, OUT unit_size int
) LANGUAGE plpgsql AS $$
BEGIN
  IF p_today_total IS NOT NULL THEN
    today_total := p_today_total;
  ELSE
    SELECT coalesce(sum(d.minutes), 0)::int INTO today_total FROM checkins d
      WHERE d.member_id = p_member_id AND d.study_date = p_today AND d.status = 'valid';
  END IF;
  SELECT coalesce(sum(t.minutes) FILTER (WHERE t.phase_id = -1), 0)::int,
         coalesce(sum(t.minutes) FILTER (WHERE t.phase_id = p_rank_phase), 0)::int
    INTO campaign_total, rank_score
    FROM study_totals t WHERE t.member_id = p_member_id AND t.campaign_id = p_campaign_id AND t.phase_id IN (-1, p_rank_phase);
  -- Everyone ahead has a campaign row (a phase row implies one), so count over the unit's campaign rows.
  SELECT count(*)::int + 1 INTO unit_rank FROM study_totals a
    LEFT JOIN study_totals p ON p.member_id = a.member_id AND p.campaign_id = a.campaign_id AND p.phase_id = p_rank_phase
    WHERE a.campaign_id = p_campaign_id AND a.phase_id = -1 AND a.unit_id = p_unit_id
      AND (coalesce(p.minutes, 0), a.minutes) > (rank_score, campaign_total);
  IF p_unit_size IS NOT NULL THEN
    unit_size := p_unit_size;
  ELSE
    SELECT count(*)::int INTO unit_size FROM members u WHERE u.unit_id = p_unit_id AND u.active;
  END IF;
END $$;
