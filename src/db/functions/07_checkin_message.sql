-- A check-in message on the bot's fast path, as one statement (its own transaction): the sender's
-- lock, then the cache check — the directory and campaign counters the caller's memory was read at
-- must still be current, else 'stale' and nothing written — then the message id ('duplicate' when
-- seen before), then record_checkin. 'over_limit' writes nothing either. On 'stale' and 'over_limit'
-- the bot takes its ordinary path, which loads afresh and words the refusal.
-- plpgsql keeps its plans for the session, where every statement a client sends is parsed and
-- planned again: the bot calls this (or checkin_messages) with one statement.
CREATE OR REPLACE FUNCTION "checkin_message"(
  p_lock_key text, p_dedupe_key text, p_received_on date, p_directory int, p_campaign int,
  p_campaign_id int, p_phase_id int, p_member_id int, p_unit_id int, p_actor text,
  p_study_date date, p_minutes int, p_material text, p_reflection text, p_raw_text text, p_kind text,
  p_group_session_id int, p_platform text, p_message_id text, p_at timestamptz,
  p_audit jsonb, p_reading_id int, p_daily_limit int, p_rank_phase int, p_today date, p_unit_size int,
  OUT outcome text, OUT new_id int, OUT reading_marked boolean, OUT day_before int, OUT today_total int,
  OUT campaign_total int, OUT rank_score int, OUT unit_rank int, OUT unit_size int
) LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext(p_lock_key));
  IF coalesce((SELECT v.version FROM data_versions v WHERE v.name = 'directory'), 0) <> p_directory
    OR coalesce((SELECT v.version FROM data_versions v WHERE v.name = 'campaign'), 0) <> p_campaign THEN
    outcome := 'stale';
    RETURN;
  END IF;
  INSERT INTO inbound_messages (key, received_on) VALUES (p_dedupe_key, p_received_on) ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    outcome := 'duplicate';
    RETURN;
  END IF;
  SELECT r.new_id, r.reading_marked, r.day_before, r.today_total, r.campaign_total, r.rank_score, r.unit_rank, r.unit_size
    INTO new_id, reading_marked, day_before, today_total, campaign_total, rank_score, unit_rank, unit_size
    FROM record_checkin(p_campaign_id, p_phase_id, p_member_id, p_unit_id, p_actor, p_study_date, p_minutes,
      p_material, p_reflection, p_raw_text, p_kind, p_group_session_id, p_platform, p_message_id, p_at,
      p_audit, p_reading_id, p_daily_limit, p_rank_phase, p_today, p_unit_size) AS r;
  IF new_id IS NULL THEN
    DELETE FROM inbound_messages WHERE key = p_dedupe_key;
    outcome := 'over_limit';
    RETURN;
  END IF;
  outcome := 'recorded';
END $$;
