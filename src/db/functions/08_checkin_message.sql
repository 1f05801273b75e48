-- A check-in message on the bot's one-statement path (its own transaction): claim_message, then
-- the cache check — the directory and campaign counters (m.directory, m.campaign) the caller's
-- memory was read at must still be current, else 'stale' — then record_checkin(m). 'duplicate':
-- seen before. On 'stale' and 'over_limit' nothing stays written (the claim is taken back) and the
-- bot goes on to a transaction of its own, which claims the message afresh, loads what changed and
-- words the refusal. m: record_checkin's object plus lock_key, dedupe_key, received_on,
-- directory and campaign.
-- plpgsql keeps its plans for the session, where every statement a client sends is parsed and
-- planned again: the bot calls this (through checkin_messages) with one statement.
CREATE OR REPLACE FUNCTION "checkin_message"(m jsonb,
  OUT outcome text, OUT new_id int, OUT reading_marked boolean, OUT day_before int, OUT today_total int,
  OUT campaign_total int, OUT rank_score int, OUT unit_rank int, OUT unit_size int
) LANGUAGE plpgsql AS $$
DECLARE
  cl record;
BEGIN
  SELECT * INTO cl FROM claim_message(m->>'lock_key', m->>'dedupe_key', (m->>'received_on')::date);
  IF NOT cl.fresh THEN
    outcome := 'duplicate';
    RETURN;
  END IF;
  IF cl.directory <> (m->>'directory')::int OR cl.campaign <> (m->>'campaign')::int THEN
    DELETE FROM inbound_messages WHERE key = m->>'dedupe_key';
    outcome := 'stale';
    RETURN;
  END IF;
  SELECT r.new_id, r.reading_marked, r.day_before, r.today_total, r.campaign_total, r.rank_score, r.unit_rank, r.unit_size
    INTO new_id, reading_marked, day_before, today_total, campaign_total, rank_score, unit_rank, unit_size
    FROM record_checkin(m) AS r;
  IF new_id IS NULL THEN
    DELETE FROM inbound_messages WHERE key = m->>'dedupe_key';
    outcome := 'over_limit';
    RETURN;
  END IF;
  outcome := 'recorded';
END $$;
