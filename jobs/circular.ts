// 每半月通报 (or monthly): on a working day at the set time, the previous period's circular goes
// out if it has not yet. A boundary day (the 1st or 16th) that is a holiday moves the circular to
// the next working day; the stored circular, keyed by its period, means it is sent once.
import { z } from 'zod';
import type { Tx } from '../src/db/client.ts';
import type { CampaignRow } from '../src/domain/campaigns.ts';
import { periodFor, sendCircular } from '../src/domain/circular.ts';
import { enqueueOutbox } from '../src/delivery/outbox-store.ts';
import type { WorkCalendar } from '../src/domain/workdays.ts';
import { addDays } from '../src/time.ts';
import { defineJob } from '../src/scheduling/job.ts';
import { jobSettingChanges } from '../src/domain/messages/reminders.ts';
import { timeOfDay } from '../src/scheduling/settings.ts';

const settingsSchema = z.object({
  enabled: z.boolean().default(true), cadence: z.enum(['half-monthly', 'monthly']).default('half-monthly'), time: timeOfDay.default('09:00'),
});
export type CircularSettings = z.infer<typeof settingsSchema>;

export async function runCircular(tx: Tx, campaign: CampaignRow, today: string, calendar: WorkCalendar,
  settings: CircularSettings, now: Date): Promise<number[] | null> {
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

/** 通报's other setting: how often → its cadence. */
function cadenceOf(value: string): 'monthly' | 'half-monthly' | null {
  const v = value.replace(/\s+/g, '');
  if (/^(每月|每个月|一月一次|每月一次|按月|月度|一月一通报)$/.test(v)) return 'monthly';
  if (/^(每半月|每半个月|半月|半个月|半月一次|每半月一次|每月两次|按半月)$/.test(v)) return 'half-monthly';
  return null;
}

export default defineJob({
  kind: 'campaign',
  name: 'circular',
  label: '通报',
  aliases: ['通报'],
  settings: settingsSchema,
  timeWord: '当天',
  describe: (s) => `${s.cadence === 'monthly' ? '每月一次，每月1日' : '每半月一次，每月1日和16日'} ${s.time}（遇节假日顺延到下一个工作日），发活动群、分管领导和各单位负责人`,
  setValue(s, value) {
    const cadence = cadenceOf(value);
    if (!cadence) return null;
    s.cadence = cadence;
    s.enabled = true;
    return jobSettingChanges.circularCadence({ cadence });
  },
  valueHint: '，或写多久通报一次：每月、每半月',
  examples: ['/提醒 设置 通报 每月'],
  run: ({ tx, campaign, today, calendar, now }, s) => runCircular(tx, campaign, today, calendar, s, now),
});
