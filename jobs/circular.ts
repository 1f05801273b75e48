// 每半月通报 (or monthly): on a working day at the set time, the previous period's circular goes
// out if it has not yet. A boundary day (the 1st or 16th) that is a holiday moves the circular to
// the next working day; the stored circular, keyed by its period, means it is sent once.
import type { Tx } from '../src/db/client.ts';
import type { CampaignRow } from '../src/domain/campaigns.ts';
import { periodFor, sendCircular } from '../src/domain/circular.ts';
import { enqueueOutbox } from '../src/domain/outbox.ts';
import type { WorkCalendar } from '../src/domain/workdays.ts';
import { addDays } from '../src/time.ts';
import type { ScheduleSettings } from './settings.ts';

export async function runCircular(tx: Tx, campaign: CampaignRow, today: string, calendar: WorkCalendar,
  settings: ScheduleSettings['circular'], now: Date): Promise<number[] | null> {
  if (!calendar.isWorkday(today)) return null;
  const period = periodFor(today, settings.cadence);
  if (period.end < campaign.startDate) return null; // nothing to report before the campaign began
  if (today < calendar.nextWorkday(addDays(period.end, 1))) return null;
  const ids: number[] = [];
  const r = await sendCircular(tx, campaign, period, async (key, to, text) => {
    const id = await enqueueOutbox(tx, key, to, text);
    if (id) ids.push(id);
  }, now);
  return r.alreadySent ? null : ids;
}
