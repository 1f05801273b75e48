-- One check-in, given as one object c (src/domain/checkins.ts checkinFields: campaign_id, phase_id,
-- member_id, unit_id, actor, study_date, minutes, material, reflection, raw_text, kind,
-- group_session_id, platform, message_id, at, audit, reading_id, daily_limit, rank_phase, today,
-- unit_size). Refused (new_id null, nothing written) when it would take the day over daily_limit;
-- otherwise the row, its audit entry (audit null: none) and the required reading it completes.
-- With rank_phase (-1: the whole campaign) it also returns the person's standing for the reply:
-- today's total on `today`, the campaign total, the score ranked by and the rank among the active
-- people of the unit (study_totals is already up to date: its trigger ran after the insert), and
-- how many they are — counted unless the caller knows (unit_size, from its memory of the directory).
CREATE OR REPLACE FUNCTION "record_checkin"(c jsonb,
  OUT new_id int, OUT reading_marked boolean, OUT day_before int, OUT today_total int,
  OUT campaign_total int, OUT rank_score int, OUT unit_rank int, OUT unit_size int
) LANGUAGE plpgsql AS $$
DECLARE
  v_member int := (c->>'member_id')::int;
  v_campaign int := (c->>'campaign_id')::int;
  v_unit int := (c->>'unit_id')::int;
  v_date date := (c->>'study_date')::date;
  v_minutes int := (c->>'minutes')::int;
  v_reading int := (c->>'reading_id')::int;
  v_rank_phase int := (c->>'rank_phase')::int;
  v_today date := (c->>'today')::date;
  v_audit jsonb := nullif(c->'audit', 'null'::jsonb);
BEGIN
  SELECT coalesce(sum(d.minutes), 0)::int INTO day_before FROM checkins d
    WHERE d.member_id = v_member AND d.study_date = v_date AND d.status = 'valid';
  IF v_minutes IS NOT NULL AND day_before + v_minutes > (c->>'daily_limit')::int THEN RETURN; END IF;
  INSERT INTO checkins (campaign_id, phase_id, member_id, unit_id, study_date, minutes, material, reflection,
    raw_text, kind, group_session_id, platform, message_id, created_at)
  VALUES (v_campaign, (c->>'phase_id')::int, v_member, v_unit, v_date, v_minutes, c->>'material', c->>'reflection',
    c->>'raw_text', c->>'kind', (c->>'group_session_id')::int, c->>'platform', c->>'message_id', (c->>'at')::timestamptz)
  RETURNING id INTO new_id;
  IF v_audit IS NOT NULL THEN
    INSERT INTO audit_log (actor_member_id, actor, action, target, after)
    VALUES (v_member, c->>'actor', 'checkin.create', '#' || new_id, v_audit);
  END IF;
  reading_marked := false;
  IF v_reading IS NOT NULL THEN
    INSERT INTO readings_done (member_id, reading_id, checkin_id) VALUES (v_member, v_reading, new_id)
      ON CONFLICT DO NOTHING;
    reading_marked := FOUND;
  END IF;
  IF v_rank_phase IS NULL THEN RETURN; END IF;
  SELECT st.today_total, st.campaign_total, st.rank_score, st.unit_rank, st.unit_size
    INTO today_total, campaign_total, rank_score, unit_rank, unit_size
    FROM standing_of(v_member, v_campaign, v_unit, v_rank_phase, v_today,
      CASE WHEN v_today = v_date THEN day_before + coalesce(v_minutes, 0) END, (c->>'unit_size')::int) AS st;
END $$;
