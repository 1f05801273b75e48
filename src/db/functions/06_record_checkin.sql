-- One check-in: refused (new_id null, nothing written) when it would take the day over the limit;
-- otherwise the row, its audit entry (p_audit null: none) and the required reading it completes.
-- With p_rank_phase (-1: the whole campaign) it also returns the person's standing for the reply:
-- today's total on p_today, the campaign total, the score ranked by and the rank among the active
-- people of the unit (study_totals is already up to date: its trigger ran after the insert), and
-- how many they are — counted unless the caller knows (p_unit_size, from its memory of the directory).
CREATE OR REPLACE FUNCTION "record_checkin"(
  p_campaign_id int, p_phase_id int, p_member_id int, p_unit_id int, p_actor text,
  p_study_date date, p_minutes int, p_material text, p_reflection text, p_raw_text text, p_kind text,
  p_group_session_id int, p_platform text, p_message_id text, p_at timestamptz,
  p_audit jsonb, p_reading_id int, p_daily_limit int, p_rank_phase int, p_today date, p_unit_size int,
  OUT new_id int, OUT reading_marked boolean, OUT day_before int, OUT today_total int,
  OUT campaign_total int, OUT rank_score int, OUT unit_rank int, OUT unit_size int
) LANGUAGE plpgsql AS $$
BEGIN
  SELECT coalesce(sum(d.minutes), 0)::int INTO day_before FROM checkins d
    WHERE d.member_id = p_member_id AND d.study_date = p_study_date AND d.status = 'valid';
  IF p_minutes IS NOT NULL AND day_before + p_minutes > p_daily_limit THEN RETURN; END IF;
  INSERT INTO checkins (campaign_id, phase_id, member_id, unit_id, study_date, minutes, material, reflection,
    raw_text, kind, group_session_id, platform, message_id, created_at)
  VALUES (p_campaign_id, p_phase_id, p_member_id, p_unit_id, p_study_date, p_minutes, p_material, p_reflection,
    p_raw_text, p_kind, p_group_session_id, p_platform, p_message_id, p_at)
  RETURNING id INTO new_id;
  IF p_audit IS NOT NULL THEN
    INSERT INTO audit_log (actor_member_id, actor, action, target, after)
    VALUES (p_member_id, p_actor, 'checkin.create', '#' || new_id, p_audit);
  END IF;
  reading_marked := false;
  IF p_reading_id IS NOT NULL THEN
    INSERT INTO readings_done (member_id, reading_id, checkin_id) VALUES (p_member_id, p_reading_id, new_id)
      ON CONFLICT DO NOTHING;
    reading_marked := FOUND;
  END IF;
  IF p_rank_phase IS NULL THEN RETURN; END IF;
  SELECT st.today_total, st.campaign_total, st.rank_score, st.unit_rank, st.unit_size
    INTO today_total, campaign_total, rank_score, unit_rank, unit_size
    FROM standing_of(p_member_id, p_campaign_id, p_unit_id, p_rank_phase, p_today,
      CASE WHEN p_today = p_study_date THEN day_before + coalesce(p_minutes, 0) END, p_unit_size) AS st;
END $$;
