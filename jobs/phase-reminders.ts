// 阶段提醒: N working days before a phase in progress ends (each of overlapping phases its own) (settings.phase.daysBefore, default 3 and
// 1), each unit head (and the unit's 联络员) gets the unit's standing (who is below the phase target, whose required
// task is missing) and the campaign-wide groups a short countdown. On the first working day
// after a phase ends — so the last day's study counts — the campaign-wide groups and the leaders
// get its summary and what comes next. A phase closed early (by opening the next one, or 阶段 结束)
// ends the day it was closed; one the phase-schedule job closed after its end date ends on that
// date (the job announces starts and closes; the summary is this job's alone). Each message is claimed once per campaign + phase + occasion
// (`<phase>:before:3`, `<phase>:end`): a re-run or a second worker sends nothing twice.
// A task outlives its phase: once the next phase is opened (or none runs), an earlier phase's task
// still missing submissions gets its own countdown before its due date (`task:<id>:before:3`).
import type { Tx } from '../src/db/client.ts';
import {
  campaignGroups, campaignTasks, phaseState, phasesOf, readingsOf, tasksOf,
  type CampaignRow, type CampaignTask, type PhaseRow,
} from '../src/domain/campaigns.ts';
import { activeLeaders, reportersOf } from '../src/domain/directory.ts';
import { describePhase } from '../src/domain/messages/campaigns.ts';
import { jobSettingChanges, phaseReminderNotices, type PhaseFigures, type TaskStillCollecting } from '../src/domain/messages/reminders.ts';
import { enqueueOutbox } from '../src/delivery/outbox-store.ts';
import { countedPeople, firstSubmissions, owedBy, phaseFigures, unitTaskFigures, type MemberFigures } from '../src/domain/progress.ts';
import type { WorkCalendar } from '../src/domain/workdays.ts';
import { addDays, dayOf } from '../src/time.ts';
import { z } from 'zod';
import { claimRun, finishRun } from '../src/scheduling/runs.ts';
import { defineJob } from '../src/scheduling/job.ts';
import { timeOfDay } from '../src/scheduling/settings.ts';

const settingsSchema = z.object({
  enabled: z.boolean().default(true), time: timeOfDay.default('09:00'), daysBefore: z.array(z.number().int().min(1).max(30)).default([3, 1]),
});
export type PhaseReminderSettings = z.infer<typeof settingsSchema>;

/** A summary missed (service down, job off) still goes out this many working days late, not later. */
const SUMMARY_CATCH_UP_WORKDAYS = 3;

/** The day a phase ended: its end date, or the day it was closed when that was earlier. */
export function phaseEndedOn(p: PhaseRow): string {
  const closed = p.closedAt ? dayOf(p.closedAt) : null;
  return closed && closed < p.endDate ? closed : p.endDate;
}

export async function runPhaseReminders(tx: Tx, campaign: CampaignRow, today: string, calendar: WorkCalendar,
  settings: PhaseReminderSettings, now: Date): Promise<number[] | null> {
  if (!calendar.isWorkday(today)) return null;
  const ids: number[] = [];
  let ran = false;
  const send = async (key: string, to: { memberId: number } | { groupId: number }, text: string) => {
    const id = await enqueueOutbox(tx, key, to, text);
    if (id) ids.push(id);
  };
  const all = await phasesOf(tx, campaign.id);

  // The countdown: working days left after today, so a weekend or holiday run (which does
  // nothing) sees the same count as the working day before it.
  // Phases may overlap: each one running gets its own countdown.
  for (const open of all.filter((p) => p.status === 'open' && p.startDate < today && p.endDate >= today)) {
    const left = calendar.workdaysBetween(today, open.endDate);
    const period = `${open.id}:before:${left}`;
    if (settings.daysBefore.includes(left) && await claimRun(tx, 'phase', campaign.id, period)) {
      ran = true;
      const sent = await sendCountdown(tx, campaign, open, left, today, now, send);
      await finishRun(tx, 'phase', campaign.id, period, sent);
    }
  }

  // Tasks of other phases than those running, still open: their own countdown, those due the
  // same day in one message.
  const runningIds = new Set(all.filter((p) => phaseState(p, today) === 'running').map((p) => p.id));
  const chase: CampaignTask[] = [];
  for (const t of await campaignTasks(tx, campaign.id)) {
    if (runningIds.has(t.phaseId) || t.dueDate <= today || phaseState(t.phase, today) === 'upcoming') continue;
    const left = calendar.workdaysBetween(today, t.dueDate);
    if (settings.daysBefore.includes(left) && await claimRun(tx, 'phase', campaign.id, `task:${t.id}:before:${left}`)) chase.push(t);
  }
  if (chase.length) {
    ran = true;
    const sent = await sendTaskCountdown(tx, campaign, chase, today, calendar, now, send);
    for (const t of chase) await finishRun(tx, 'phase', campaign.id, `task:${t.id}:before:${calendar.workdaysBetween(today, t.dueDate)}`, sent);
  }

  // The summary: on the first working day after a phase ended (caught up a few working days late at most).
  for (const p of all) {
    const ended = phaseEndedOn(p);
    if (ended >= today || ended < p.startDate) continue;
    const due = calendar.nextWorkday(addDays(ended, 1));
    if (today < due || calendar.workdaysBetween(due, today) > SUMMARY_CATCH_UP_WORKDAYS) continue;
    const period = `${p.id}:end`;
    if (!(await claimRun(tx, 'phase', campaign.id, period))) continue;
    ran = true;
    const sent = await sendSummary(tx, campaign, p, all, ended, now, send);
    await finishRun(tx, 'phase', campaign.id, period, sent);
  }
  return ran ? ids : null;
}

type Send = (key: string, to: { memberId: number } | { groupId: number }, text: string) => Promise<void>;

async function sendCountdown(tx: Tx, c: CampaignRow, phase: PhaseRow, left: number, today: string, now: Date, send: Send) {
  const tasks = await tasksOf(tx, phase.id);
  const people = await phaseFigures(tx, phase, tasks);
  const unitShares = await unitTaskFigures(tx, tasks, people);
  const target = phase.targetMinutes;
  const reached = (m: MemberFigures) => (target ? m.minutes >= target : m.checkins > 0);

  // Campaign-wide groups: a short countdown, no names.
  const groupText = phaseReminderNotices.countdownToGroups({
    campaign: c.name, unit: c, phase, left, target, members: people.length,
    participants: people.filter((m) => m.checkins > 0).length, reached: people.filter(reached).length,
    openTasks: tasks.filter((t) => t.dueDate >= today), now,
  });
  const groups = await campaignGroups(tx);
  for (const g of groups) await send(`phase:${phase.id}:before:${left}:group:${g.id}`, { groupId: g.id }, groupText);

  // Each head and 联络员: the unit's standing, by name.
  const heads = await reportersOf(tx);
  for (const h of heads) {
    const unit = people.filter((m) => m.unitId === h.unitId);
    if (!unit.length) continue;
    const behind = unit.filter((m) => !reached(m)).sort((a, b) => a.minutes - b.minutes || a.id - b.id);
    const text = phaseReminderNotices.countdownToHead({
      head: h.name, unitName: h.unitName, members: unit.length, unit: c, phase, left, target, behind,
      hasTasks: tasks.length > 0, missing: unit.filter((m) => m.missing.length).map((m) => ({ name: m.name, tasks: m.missing.map((t) => t.name) })),
      unitMissing: (unitShares.find((u) => u.unitId === h.unitId)?.missing ?? []).map((t) => t.name), now,
    });
    await send(`phase:${phase.id}:before:${left}:head:${h.id}`, { memberId: h.id }, text);
  }
  return { phaseId: phase.id, left, groups: groups.length, heads: heads.length };
}

async function sendTaskCountdown(tx: Tx, c: CampaignRow, chase: CampaignTask[], today: string, calendar: WorkCalendar, now: Date, send: Send) {
  const people = await countedPeople(tx);
  const subs = await firstSubmissions(tx, chase.map((t) => t.id), people.map((p) => p.id));
  const items = chase.map((t) => {
    const due = owedBy(t, people);
    return { t, due, missing: due.filter((o) => !subs.has(o.key)) };
  }).filter((x) => x.missing.length);
  if (!items.length) return { tasks: chase.map((t) => t.id), missing: 0 };
  /** A task as the notices name it, with who (of `missing`) has not handed it in. */
  const collecting = (x: (typeof items)[number], missing: typeof x.missing): TaskStillCollecting => ({
    phase: x.t.phase, name: x.t.name, dueDate: x.t.dueDate, workdaysLeft: calendar.workdaysBetween(today, x.t.dueDate),
    expected: x.due.length, missing: missing.map((p) => p.name),
  });
  const key = `phase:tasks:${items.map((x) => x.t.id).join('-')}:${today}`;
  const groups = await campaignGroups(tx);
  const groupText = phaseReminderNotices.tasksToGroups({ campaign: c.name, tasks: items.map((x) => collecting(x, x.missing)), now });
  for (const g of groups) await send(`${key}:group:${g.id}`, { groupId: g.id }, groupText);
  let heads = 0;
  for (const h of await reportersOf(tx)) {
    const mine = items.map((x) => collecting(x, x.missing.filter((p) => p.unitId === h.unitId))).filter((x) => x.missing.length);
    if (!mine.length) continue;
    heads++;
    await send(`${key}:head:${h.id}`, { memberId: h.id }, phaseReminderNotices.tasksToHead({ head: h.name, unitName: h.unitName, tasks: mine, now }));
  }
  return { tasks: items.map((x) => x.t.id), missing: items.reduce((n, x) => n + x.missing.length, 0), groups: groups.length, heads };
}

async function sendSummary(tx: Tx, c: CampaignRow, phase: PhaseRow, all: PhaseRow[], ended: string, now: Date, send: Send) {
  const tasks = await tasksOf(tx, phase.id);
  const people = await phaseFigures(tx, phase, tasks);
  const unitShares = await unitTaskFigures(tx, tasks, people);
  const target = phase.targetMinutes;
  const figures = (list: MemberFigures[]): PhaseFigures => {
    const minutes = list.reduce((s, m) => s + m.minutes, 0);
    // Each person's own tasks, and each of their units' (one per unit).
    const shares = unitShares.filter((u) => list.some((m) => m.unitId === u.unitId));
    const required = list.reduce((s, m) => s + m.required, 0) + shares.reduce((s, u) => s + u.required, 0);
    const missing = list.reduce((s, m) => s + m.missing.length, 0) + shares.reduce((s, u) => s + u.missing.length, 0);
    return {
      members: list.length, participants: list.filter((m) => m.checkins > 0).length, minutes,
      avgMinutes: list.length ? Math.round(minutes / list.length) : 0,
      reached: target ? list.filter((m) => m.minutes >= target).length : null,
      required, submitted: required - missing,
    };
  };

  const total = figures(people);
  const unitIds = [...new Set(people.map((m) => m.unitId))];
  const perUnit = unitIds.map((id) => {
    const list = people.filter((m) => m.unitId === id);
    return { unitName: list[0].unitName, figures: figures(list) };
  });
  const next = all.filter((p) => p.seq > phase.seq).sort((a, b) => a.seq - b.seq)[0];
  const text = phaseReminderNotices.summary({
    campaign: c.name, unit: c, phase, ended, target, total, perUnit, now,
    next: next ? describePhase(c, next, await tasksOf(tx, next.id), await readingsOf(tx, next.id), dayOf(now)) : null,
  });

  const groups = await campaignGroups(tx);
  for (const g of groups) await send(`phase:${phase.id}:end:group:${g.id}`, { groupId: g.id }, text);
  const leaders = await activeLeaders(tx);
  for (const l of leaders) await send(`phase:${phase.id}:end:leader:${l.id}`, { memberId: l.id }, phaseReminderNotices.summaryToLeader({ name: l.name, text }));
  const { avgMinutes: avg, ...rest } = total;
  return { phaseId: phase.id, groups: groups.length, leaders: leaders.length, ...rest, avg };
}

/** 阶段提醒's other setting: "3,1", "提前 3、1 个工作日", "3天和1天" → working days before the phase ends. */
function daysBeforeOf(value: string): number[] | null {
  const t = value.replace(/^提前\s*/, '').replace(/\s*(?:个)?\s*(?:工作日|天)/g, ' ').trim();
  if (!/^\d+(?:\s*[,，、和\s]\s*\d+)*$/.test(t)) return null;
  const days = [...new Set(t.split(/[,，、和\s]+/).map(Number))].sort((a, b) => b - a);
  return days.every((d) => d >= 1 && d <= 30) ? days : null;
}

export default defineJob({
  kind: 'campaign',
  name: 'phase',
  label: '阶段提醒',
  aliases: ['阶段', '阶段提醒'],
  settings: settingsSchema,
  timeWord: '提醒日',
  describe: (s) => `阶段结束前 ${s.daysBefore.join('、')} 个工作日的 ${s.time}，各单位负责人和联络员收到本单位未达标和未交任务名单，活动群收到倒计时；阶段结束后的第一个工作日发阶段小结`,
  setValue(s, value) {
    const days = daysBeforeOf(value);
    if (!days) return null;
    s.daysBefore = days;
    s.enabled = true;
    return jobSettingChanges.phaseDaysBefore({ days });
  },
  valueHint: '，或写提前几个工作日提醒，如 提前 3,1 个工作日',
  examples: ['/提醒 设置 阶段 提前 3,1 个工作日'],
  run: ({ tx, campaign, today, calendar, now }, s) => runPhaseReminders(tx, campaign, today, calendar, s, now),
});
