-- A transfer moves a person's totals to the new unit; leaving takes them out of every ranking.
-- Trigger: members_totals_unit (migration 0007).
CREATE OR REPLACE FUNCTION "study_totals_follow_members"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('campaign_bot.restoring', true), '') = 'on' THEN RETURN NULL; END IF;
  UPDATE study_totals t SET unit_id = CASE WHEN n.active THEN n.unit_id END
  FROM new_rows n
  WHERE t.member_id = n.id AND t.unit_id IS DISTINCT FROM (CASE WHEN n.active THEN n.unit_id END);
  RETURN NULL;
END $$;
