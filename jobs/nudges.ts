// 催办: on working days at the set time, each unit head (and the unit's 联络员) gets ONE digest of the unit's people who
// have not checked in for idleWorkdays working days or more (with the last check-in's day, or
// 本阶段未打卡). Counted from the last valid check-in (by study date, so a late check-in or a
// 补卡 counts), the open phase's start, or the end of the person's last leave, whichever is
// latest; nobody on leave today is named, nor the head in their own digest. Heads with nobody
// idle get nothing. With settings.nudge.personal, each idle person also gets a friendly reminder.
// Tasks outlive their phase: an idle person's still-open tasks of another phase than those running
// (whose own countdowns cover their tasks) are named with them. Claimed once per campaign and day.
import { z } from 'zod';
import type { Tx } from '../src/db/client.ts';
import { lastStudyDates, minutesByMember } from '../src/domain/checkins.ts';
import { campaignTasks, openPhases, phaseState, runningPhases, type CampaignRow } from '../src/domain/campaigns.ts';
import { countedPeopleByUnit, firstSubmissions, idleSince, owes, type Counted } from '../src/domain/progress.ts';
import { nudgeDigest, owedTasksCn, personalNudgeText } from '../src/domain/messages/progress.ts';
import { jobSettingChanges } from '../src/domain/messages/reminders.ts';
import { reportersOf } from '../src/domain/directory.ts';
import { lastLeaveEnds, onLeave } from '../src/domain/leaves.ts';
import { enqueueOutbox } from '../src/delivery/outbox-store.ts';
import type { WorkCalendar } from '../src/domain/workdays.ts';
import { claimRun, finishRun } from '../src/scheduling/runs.ts';
import { defineJob } from '../src/scheduling/job.ts';
import { timeOfDay } from '../src/scheduling/settings.ts';

const settingsSchema = z.object({
  enabled: z.boolean().default(true), time: timeOfDay.default('16:30'), idleWorkdays: z.number().int().min(1).max(30).default(3), personal: z.boolean().default(false),
});
export type NudgeSettings = z.infer<typeof settingsSchema>;

interface Idle extends Counted {
  id: number; name: string; role: string; unitId: number;
  /** Working days without a check-in, up to and including today. */
  idleDays: number;
  /** The last check-in in this phase (or campaign), or null: 本阶段未打卡. */
  last: string | null;
  scopeMinutes: number;
}

export async function runNudges(tx: Tx, campaign: CampaignRow, today: string, calendar: WorkCalendar,
  settings: NudgeSettings, now: Date): Promise<number[] | null> {
  if (!calendar.isWorkday(today)) return null;
  if (today < campaign.startDate || today > campaign.endDate) return null;
  if (!(await claimRun(tx, 'nudge', campaign.id, today))) return null;

  // Only a phase running today is 本阶段 (not one opened to start later, nor one past its end);
  // of overlapping ones, the one a check-in counts for (campaigns.ts phaseOrder).
  const running = runningPhases(await openPhases(tx, campaign.id), today);
  const phase = running[0] ?? null;
  const inPhase = phase !== null;
  const scopeStart = inPhase ? phase.startDate : campaign.startDate;

  const people = await countedPeopleByUnit(tx);
  const ids = people.map((p) => p.id);
  const lastOf = await lastStudyDates(tx, campaign.id, ids, today);
  const minutesOf = await minutesByMember(tx, campaign.id, ids, inPhase ? phase.id : null);
  // Days on leave are not idle days: count from the end of the last leave.
  const leaveEndOf = await lastLeaveEnds(tx, ids, today);
  const away = await onLeave(tx, ids, today);

  const idle: Idle[] = [];
  for (const p of people) {
    if (away.has(p.id)) continue;
    const { idleDays, last } = idleSince(lastOf.get(p.id) ?? null, leaveEndOf.get(p.id) ?? null, scopeStart, today, calendar);
    if (idleDays >= settings.idleWorkdays) idle.push({ ...p, idleDays, last, scopeMinutes: minutesOf.get(p.id) ?? 0 });
  }

  const otherTasks = (await campaignTasks(tx, campaign.id))
    .filter((t) => !running.some((p) => p.id === t.phaseId) && t.dueDate >= today && phaseState(t.phase, today) !== 'upcoming');
  const subs = await firstSubmissions(tx, otherTasks.map((t) => t.id), idle.map((m) => m.id));
  const owed = (m: Idle) => owedTasksCn(otherTasks.filter((t) => owes(t, m) === 'person' && !subs.has(`${t.id}:${m.id}`))
    .map((t) => ({ phaseSeq: t.phase.seq, name: t.name, dueDate: t.dueDate })), now);

  const out: number[] = [];
  const send = async (key: string, memberId: number, text: string) => {
    const id = await enqueueOutbox(tx, `nudge:${campaign.id}:${today}:${key}:${memberId}`, { memberId }, text);
    if (id) out.push(id);
  };
  let digests = 0;
  // Each head and the unit's 联络员 (not naming themself).
  for (const h of await reportersOf(tx)) {
    const mine = idle.filter((m) => m.unitId === h.unitId && m.id !== h.id);
    if (!mine.length) continue;
    digests++;
    await send('head', h.id, nudgeDigest({
      head: h.name, unitName: h.unitName, idleWorkdays: settings.idleWorkdays, inPhase,
      people: mine.map((m) => ({ name: m.name, idleDays: m.idleDays, last: m.last, owed: owed(m) })), today, now,
    }));
  }

  if (settings.personal) {
    for (const m of idle) {
      await send('member', m.id, personalNudgeText(m, campaign, inPhase ? phase : null, now, owed(m)));
    }
  }
  await finishRun(tx, 'nudge', campaign.id, today, { idle: idle.length, digests, personal: settings.personal ? idle.length : 0 });
  return out;
}

/** 催办's other setting: "5个工作日", "5天" → idle working days before someone is named. */
function idleDaysOf(value: string): number | null {
  const m = /^(\d+)\s*(?:个)?\s*(?:工作日|天)$/.exec(value);
  const n = m ? Number(m[1]) : NaN;
  return n >= 1 && n <= 30 ? n : null;
}

export default defineJob({
  kind: 'campaign',
  name: 'nudge',
  label: '催办',
  aliases: ['催办', '打卡催办'],
  settings: settingsSchema,
  everyWorkday: true,
  describe: (s, next) => `每个工作日 ${s.time}，连续 ${s.idleWorkdays} 个工作日未打卡的人（请假的除外）汇总发给本单位负责人和联络员；个人提醒${s.personal ? '已开启（本人也会收到）' : '未开启'}。下次：${next}`,
  setValue(s, value) {
    const days = idleDaysOf(value);
    if (days === null) return null;
    s.idleWorkdays = days;
    s.enabled = true;
    return jobSettingChanges.nudgeIdleDays({ days });
  },
  valueHint: '，或写连续未打卡的工作日数，如 3个工作日',
  switches: [{
    alias: '个人提醒',
    set(s, on) {
      s.personal = on;
      return jobSettingChanges.personalNudge({ on, nudgeOn: s.enabled });
    },
  }],
  examples: ['/提醒 设置 催办 16:30', '/提醒 设置 催办 3个工作日'],
  run: ({ tx, campaign, today, calendar, now }, s) => runNudges(tx, campaign, today, calendar, s, now),
});
