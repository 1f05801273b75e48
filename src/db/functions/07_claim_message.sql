-- Claims an inbound message, on every path the bot takes: the sender's lock (one message at a time
-- per sender across processes, held to the end of the transaction), then the message's keyed hash
-- (fresh false: seen before, a redelivery — do nothing), and the data counters the process's memory
-- of the directory and the campaign is checked against (src/domain/context-cache.ts).
CREATE OR REPLACE FUNCTION "claim_message"(p_lock_key text, p_dedupe_key text, p_received_on date,
  OUT fresh boolean, OUT directory int, OUT campaign int
) LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext(p_lock_key));
  INSERT INTO inbound_messages (key, received_on) VALUES (p_dedupe_key, p_received_on) ON CONFLICT DO NOTHING;
  fresh := FOUND;
  SELECT coalesce(max(v.version) FILTER (WHERE v.name = 'directory'), 0)::int,
         coalesce(max(v.version) FILTER (WHERE v.name = 'campaign'), 0)::int
    INTO directory, campaign FROM data_versions v;
END $$;
