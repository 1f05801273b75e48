-- Several check-in messages in one statement, one transaction (the bot's group commit): each as
-- checkin_message would, in member order, so that two batches — or a batch and a group session,
-- which also goes in member order — take their locks in the same order. Returns one row per item,
-- with its position in `items` (0-based).
CREATE OR REPLACE FUNCTION "checkin_messages"(items jsonb) RETURNS TABLE (
  idx int, outcome text, new_id int, reading_marked boolean, day_before int, today_total int,
  campaign_total int, rank_score int, unit_rank int, unit_size int
) LANGUAGE plpgsql AS $$
DECLARE
  it record;
  r record;
BEGIN
  FOR it IN SELECT (e.n - 1)::int AS i, e.v FROM jsonb_array_elements(items) WITH ORDINALITY AS e(v, n)
      ORDER BY (e.v->>'member_id')::int, e.n LOOP
    SELECT * INTO r FROM checkin_message(it.v);
    idx := it.i;
    outcome := r.outcome; new_id := r.new_id; reading_marked := r.reading_marked; day_before := r.day_before;
    today_total := r.today_total; campaign_total := r.campaign_total; rank_score := r.rank_score;
    unit_rank := r.unit_rank; unit_size := r.unit_size;
    RETURN NEXT;
  END LOOP;
END $$;
