// 阶段开闭: phases open and close on their own dates (a plan's phases may overlap). Each day at its
// time, a phase whose start date has come and whose start nobody announced yet (阶段 开启, 阶段 调整
// and the plan import announce a phase that starts at once) is announced to the campaign-wide
// groups and each unit's head as today's news — the phase-opened notice of 阶段 开启 — on the first
// working day from its start (up to 3 working days late), while it runs; and a phase past its end date is closed the day after
// (it already shows 已结束 by its dates). The phase's summary is 阶段提醒's (phase-reminders.ts),
// not this job's. A phase is announced once (phases.announced_on, set in the same statement that
// checks it) and the day's run is claimed per campaign and day.
import { z } from 'zod';
import type { Tx } from '../src/db/client.ts';
import { closePhase, openPhases, phasesPastEnd, runningPhases, type CampaignRow } from '../src/domain/campaigns.ts';
import { announcePhaseStart } from '../src/domain/campaign-admin.ts';
import { enqueueOutbox } from '../src/delivery/outbox-store.ts';
import type { WorkCalendar } from '../src/domain/workdays.ts';
import { claimRun, finishRun } from '../src/scheduling/runs.ts';
import { defineJob } from '../src/scheduling/job.ts';
import { timeOfDay } from '../src/scheduling/settings.ts';

const settingsSchema = z.object({ enabled: z.boolean().default(true), time: timeOfDay.default('08:30') });
export type PhaseScheduleSettings = z.infer<typeof settingsSchema>;

/** A start missed is announced this many working days late at most. */
const START_CATCH_UP_WORKDAYS = 3;

export async function runPhaseSchedule(tx: Tx, campaign: CampaignRow, today: string, calendar: WorkCalendar, now: Date): Promise<number[] | null> {
  const toClose = await phasesPastEnd(tx, campaign.id, today);
  // Announced on a working day: a phase starting on a Saturday is news on Monday. A start missed
  // (service down, job off) is still news a few working days late, not later.
  const toAnnounce = calendar.isWorkday(today)
    ? runningPhases(await openPhases(tx, campaign.id), today).filter((p) => !p.announcedOn && calendar.workdaysBetween(p.startDate, today) <= START_CATCH_UP_WORKDAYS)
    : [];
  if (!toClose.length && !toAnnounce.length) return null;
  if (!(await claimRun(tx, 'phase-schedule', campaign.id, today))) return null;
  const ids: number[] = [];
  const notify = async (key: string, to: { memberId: number } | { groupId: number }, text: string) => {
    const id = await enqueueOutbox(tx, key, to, text);
    if (id) ids.push(id);
  };
  const closed: number[] = [];
  for (const p of toClose) if (await closePhase(tx, p.id, now)) closed.push(p.id);
  const announced: number[] = [];
  // In the order they run (campaigns.ts phaseOrder): the one a check-in counts for first.
  for (const p of toAnnounce) if (await announcePhaseStart({ tx, today, notify }, campaign, p, 'phase-start')) announced.push(p.id);
  await finishRun(tx, 'phase-schedule', campaign.id, today, { closed, announced, outbox: ids.length });
  return ids;
}

export default defineJob({
  kind: 'campaign',
  name: 'phase-schedule',
  label: '阶段开闭',
  aliases: ['阶段开闭', '阶段公告', '阶段开始'],
  settings: settingsSchema,
  timeWord: '每天',
  describe: (s) => `每天 ${s.time}：阶段到了开始日期（遇节假日顺延到下一个工作日），向活动群和各单位负责人公告；过了结束日期的阶段在次日自动结束`,
  examples: ['/提醒 设置 阶段开闭 08:30'],
  run: ({ tx, campaign, today, calendar, now }) => runPhaseSchedule(tx, campaign, today, calendar, now),
});
