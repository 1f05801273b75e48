-- A check-in in one call. PostgreSQL (before 18) plans a LANGUAGE sql function's statement on every
-- call, and every statement a client sends is parsed and planned again; plpgsql keeps its plans for
-- the session. study_totals_add runs after every check-in, so it becomes plpgsql; the check-in itself
-- (record_checkin) and the whole message (checkin_message: lock, versions, dedupe, record, standing)
-- become functions the bot calls with one statement.
CREATE OR REPLACE FUNCTION "study_totals_add"(m int[], c int[], p int[], d int[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO study_totals AS t (member_id, campaign_id, phase_id, unit_id, minutes)
  SELECT x.member_id, x.campaign_id, x.phase_id,
    (SELECT CASE WHEN mm.active THEN mm.unit_id END FROM members mm WHERE mm.id = x.member_id), x.minutes
  FROM (
    SELECT u.member_id, u.campaign_id, ph.phase_id, sum(u.delta)::int AS minutes
    FROM unnest(m, c, p, d) AS u(member_id, campaign_id, phase_id, delta)
    CROSS JOIN LATERAL (VALUES (u.phase_id), (-1)) AS ph(phase_id)
    GROUP BY 1, 2, 3 HAVING sum(u.delta) <> 0
  ) AS x
  ORDER BY 1, 2, 3
  ON CONFLICT (member_id, campaign_id, phase_id) DO UPDATE SET minutes = t.minutes + excluded.minutes;
END $$;
--> statement-breakpoint
-- A person's standing, as a check-in's reply and 我的 show it: today's total on p_today (unless the
-- caller knows it), the campaign total, the score ranked by (p_rank_phase; -1 = the whole campaign),
-- the rank among the active people of the unit, and how many they are (unless the caller knows).
CREATE FUNCTION "standing_of"(
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
  SELECT count(*)::int + 1 INTO unit_rank FROM study_totals t
    WHERE t.campaign_id = p_campaign_id AND t.phase_id = p_rank_phase AND t.unit_id = p_unit_id AND t.minutes > rank_score;
  IF p_unit_size IS NOT NULL THEN
    unit_size := p_unit_size;
  ELSE
    SELECT count(*)::int INTO unit_size FROM members u WHERE u.unit_id = p_unit_id AND u.active;
  END IF;
END $$;
--> statement-breakpoint
-- One check-in: refused (new_id null, nothing written) when it would take the day over the limit;
-- otherwise the row, its audit entry (p_audit null: none) and the required reading it completes.
-- With p_rank_phase (-1: the whole campaign) it also returns the person's standing for the reply:
-- today's total on p_today, the campaign total, the score ranked by and the rank among the active
-- people of the unit (study_totals is already up to date: its trigger ran after the insert), and
-- how many they are — counted unless the caller knows (p_unit_size, from its memory of the directory).
CREATE FUNCTION "record_checkin"(
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
--> statement-breakpoint
-- A check-in message on the bot's fast path, as one statement (its own transaction): the sender's
-- lock, then the cache check — the directory and campaign counters the caller's memory was read at
-- must still be current, else 'stale' and nothing written — then the message id ('duplicate' when
-- seen before), then record_checkin. 'over_limit' writes nothing either. On 'stale' and 'over_limit'
-- the bot takes its ordinary path, which loads afresh and words the refusal.
CREATE FUNCTION "checkin_message"(
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
--> statement-breakpoint
-- Several check-in messages in one statement, one transaction (the bot's group commit): each as
-- checkin_message would, in member order, so that two batches — or a batch and a group session,
-- which also goes in member order — take their locks in the same order. Returns one row per item,
-- with its position in `items` (0-based).
CREATE FUNCTION "checkin_messages"(items jsonb) RETURNS TABLE (
  idx int, outcome text, new_id int, reading_marked boolean, day_before int, today_total int,
  campaign_total int, rank_score int, unit_rank int, unit_size int
) LANGUAGE plpgsql AS $$
DECLARE
  it record;
  r record;
BEGIN
  FOR it IN SELECT (e.n - 1)::int AS i, e.v FROM jsonb_array_elements(items) WITH ORDINALITY AS e(v, n)
      ORDER BY (e.v->>'member_id')::int, e.n LOOP
    SELECT * INTO r FROM checkin_message(
      it.v->>'lock_key', it.v->>'dedupe_key', (it.v->>'received_on')::date, (it.v->>'directory')::int, (it.v->>'campaign')::int,
      (it.v->>'campaign_id')::int, (it.v->>'phase_id')::int, (it.v->>'member_id')::int, (it.v->>'unit_id')::int, it.v->>'actor',
      (it.v->>'study_date')::date, (it.v->>'minutes')::int, it.v->>'material', it.v->>'reflection', it.v->>'raw_text', it.v->>'kind',
      (it.v->>'group_session_id')::int, it.v->>'platform', it.v->>'message_id', (it.v->>'at')::timestamptz,
      nullif(it.v->'audit', 'null'::jsonb), (it.v->>'reading_id')::int, (it.v->>'daily_limit')::int, (it.v->>'rank_phase')::int, (it.v->>'today')::date,
      (it.v->>'unit_size')::int);
    idx := it.i;
    outcome := r.outcome; new_id := r.new_id; reading_marked := r.reading_marked; day_before := r.day_before;
    today_total := r.today_total; campaign_total := r.campaign_total; rank_score := r.rank_score;
    unit_rank := r.unit_rank; unit_size := r.unit_size;
    RETURN NEXT;
  END LOOP;
END $$;
