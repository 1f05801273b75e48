-- study_totals and study_periods are kept by statement triggers with transition tables (checkins_totals_insert,
-- _update, _delete; created by migration 0007): a bulk insert (ledger import, demo data, a group
-- session) makes one upsert per person, not one per check-in. A restore copies study_totals,
-- study_periods and data_versions as backed up and sets campaign_bot.restoring, so nothing is counted twice.
CREATE OR REPLACE FUNCTION "study_totals_follow_checkins"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('campaign_bot.restoring', true), '') = 'on' THEN RETURN NULL; END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM study_totals_add(array_agg(member_id), array_agg(campaign_id), array_agg(coalesce(phase_id, 0)), array_agg(-minutes))
      FROM old_rows WHERE status = 'valid' AND minutes IS NOT NULL;
    PERFORM study_periods_add(array_agg(campaign_id), array_agg(half_month_start(study_date)), array_agg(member_id), array_agg(-1), array_agg(-coalesce(minutes, 0)))
      FROM old_rows WHERE status = 'valid' HAVING count(*) > 0;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM study_totals_add(array_agg(member_id), array_agg(campaign_id), array_agg(coalesce(phase_id, 0)), array_agg(minutes))
      FROM new_rows WHERE status = 'valid' AND minutes IS NOT NULL;
    PERFORM study_periods_add(array_agg(campaign_id), array_agg(half_month_start(study_date)), array_agg(member_id), array_agg(1), array_agg(coalesce(minutes, 0)))
      FROM new_rows WHERE status = 'valid' HAVING count(*) > 0;
  END IF;
  RETURN NULL;
END $$;
