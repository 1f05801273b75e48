// Progress views computed from records: a person's own (我的), a unit's (本单位), the units at a
// glance (the office's and a leader's 本单位) and 未打卡 — and the one rule for who sees which unit.
import { and, asc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { checkins, members, readingsDone, submissions, units } from '../db/schema.ts';
import { latestReviewStates } from './submissions.ts';
import {
  campaignTasks, phaseState, phasesOf, readingsOf, submittedLate, taskRef,
  type CampaignRow, type CampaignTask, type PhaseRow, type TaskRow,
} from './campaigns.ts';
import type { MemberRow, UnitRow } from './directory.ts';
import { lastLeaveEnds, onLeave } from './leaves.ts';
import type { WorkCalendar } from './workdays.ts';
import { fail } from './errors.ts';
import { recentCheckinLines, standingOf } from './checkins.ts';
import { formatMinutes, formatStudyTime } from '../parse/duration.ts';
import { formatDateCn } from '../parse/date.ts';
import { dateCn, inCampaignUnit } from './messages/format.ts';
import { taskLabel } from './messages/campaigns.ts';
import { addDays, mondayOf } from '../time.ts';
import { feedbackCode, listFeedback, FEEDBACK_STATUS_CN, type FeedbackStatus } from './feedback.ts';
import { daysOverdue, isDueSoon, isOverdue, listRects, rectCode } from './rectification.ts';
import { checkinsWithNotes } from './attachments.ts';
import { rowsOf } from '../db/client.ts';

export function taskApplies(t: Pick<TaskRow, 'audience'>, role: string): boolean {
  return t.audience === 'all' || role === 'head';
}

// One way of writing study time everywhere: 4小时30分钟（6学时）, never 4.5小时.
function hoursAndXueshi(c: CampaignRow, minutes: number): string {
  return formatStudyTime(minutes, { targetUnit: 'xueshi', xueshiMinutes: c.xueshiMinutes });
}

/** Someone the campaign counts: active staff and heads of active units (as reminders and the circular count). */
export interface Counted { id: number; name: string; role: string; unitId: number; unitName: string }

export async function countedPeople(tx: Tx, unitIds?: number[]): Promise<Counted[]> {
  const conds = [eq(members.active, true), eq(units.active, true), inArray(members.role, ['staff', 'head'])];
  if (unitIds) {
    if (!unitIds.length) return [];
    conds.push(inArray(members.unitId, unitIds));
  }
  return tx.select({ id: members.id, name: members.name, role: members.role, unitId: members.unitId, unitName: units.name })
    .from(members).innerJoin(units, eq(units.id, members.unitId)).where(and(...conds)).orderBy(asc(units.name), asc(members.id));
}

const subKey = (taskId: number, memberId: number) => `${taskId}:${memberId}`;

/**
 * When each person first submitted each task (key taskId:memberId). The first submission decides
 * 逾期: one made in time stays in time when it is later updated.
 */
export async function firstSubmissions(tx: Tx, taskIds: number[], memberIds?: number[]): Promise<Map<string, Date>> {
  if (!taskIds.length || (memberIds && !memberIds.length)) return new Map();
  const conds = [inArray(submissions.taskId, taskIds)];
  if (memberIds) conds.push(inArray(submissions.memberId, memberIds));
  const rows = await tx.select({ taskId: submissions.taskId, memberId: submissions.memberId, at: sql<Date | string>`min(${submissions.createdAt})` })
    .from(submissions).where(and(...conds)).groupBy(submissions.taskId, submissions.memberId);
  return new Map(rows.map((r) => [subKey(r.taskId, r.memberId), new Date(r.at)]));
}

export type TaskStatus = 'done' | 'late' | 'open' | 'overdue';

/** done / late (逾期提交) / open (not yet due) / overdue (past due, not submitted). */
export function taskStatus(t: CampaignTask, memberId: number, subs: Map<string, Date>, today: string): TaskStatus {
  const at = subs.get(subKey(t.id, memberId));
  if (at) return submittedLate(t, at) ? 'late' : 'done';
  return t.dueDate >= today ? 'open' : 'overdue';
}

/**
 * The tasks worth showing today: every task of a phase not over, and of an ended phase only
 * what is still missing or came late (a phase's tasks outlive it until they are in).
 */
function tasksWorthShowing(all: CampaignTask[], today: string, missingOrLate: (t: CampaignTask) => boolean): CampaignTask[] {
  return all.filter((t) => phaseState(t.phase, today) !== 'ended' || missingOrLate(t));
}

export async function myProgress(tx: Tx, c: CampaignRow, phase: PhaseRow | null, m: MemberRow, today: string): Promise<string> {
  const s = await standingOf(tx, c, phase, m, today);
  const [days] = await tx.select({ n: sql<number>`count(distinct ${checkins.studyDate})::int` }).from(checkins)
    .where(and(eq(checkins.memberId, m.id), eq(checkins.campaignId, c.id), eq(checkins.status, 'valid')));
  const lines = [`${m.name}（${m.unitName}）在「${c.name}」的学习情况：`];
  let total = `累计 ${hoursAndXueshi(c, s.campaignMinutes)}`;
  if (c.targetMinutes) {
    const pct = Math.min(100, Math.round((s.campaignMinutes / c.targetMinutes) * 100));
    total += `，目标 ${inCampaignUnit(c, c.targetMinutes)}，完成 ${pct}%`;
  }
  lines.push(total);
  lines.push(`打卡 ${days.n} 天；今天 ${formatMinutes(s.todayMinutes)}`);
  const noted = await checkinsWithNotes(tx, { campaignId: c.id, memberId: m.id });
  if (noted) lines.push(`${noted} 次打卡附了学习笔记`);
  if (phase) {
    let p = `本阶段「${phase.name}」${formatMinutes(s.phaseMinutes ?? 0)}`;
    if (phase.targetMinutes) p += ` / 目标 ${inCampaignUnit(c, phase.targetMinutes)}`;
    lines.push(p);
  } else {
    const next = (await phasesOf(tx, c.id)).find((x) => phaseState(x, today) === 'upcoming');
    if (next) lines.push(`下一阶段「${next.name}」${dateCn(next.startDate, today)}开始`);
  }
  lines.push(`本单位排名：第 ${s.rank} / ${s.unitSize} 名`);

  const mine = (await campaignTasks(tx, c.id)).filter((t) => taskApplies(t, m.role));
  const subs = await firstSubmissions(tx, mine.map((t) => t.id), [m.id]);
  const reviews = await latestReviewStates(tx, mine.map((t) => t.id), [m.id]);
  const returned = (t: CampaignTask) => reviews.get(`${t.id}:${m.id}`)?.status === 'returned';
  for (const t of tasksWorthShowing(mine, today, (x) => taskStatus(x, m.id, subs, today) !== 'done' || returned(x))) {
    const label = taskLabel(taskRef(t, phase));
    const how = `（发送：提交 ${t.name} 正文…）`;
    const review = reviews.get(`${t.id}:${m.id}`);
    if (review?.status === 'returned') {
      lines.push(`⚠️ 任务${label}被退回修改：${(review.comment ?? '').replace(/[。.！!；;，,\s]+$/, '')}。修改后请重新提交${how}`);
      continue;
    }
    const approved = review?.status === 'approved' ? '，已通过审阅' : '';
    switch (taskStatus(t, m.id, subs, today)) {
      case 'done': lines.push(`✓ 任务${label}已提交${approved}`); break;
      case 'late': lines.push(`✓ 任务${label}已提交（逾期提交）${approved}`); break;
      case 'open': lines.push(`○ 任务${label}未提交，${dateCn(t.dueDate, today)}前完成${how}`); break;
      case 'overdue': lines.push(`⚠️ 任务${label}已过 ${dateCn(t.dueDate, today)} 的时限，还未提交，现在提交记为逾期提交${how}`); break;
    }
  }
  if (phase) {
    const rs = await readingsOf(tx, phase.id);
    if (rs.length) {
      const read = new Set((await tx.select({ id: readingsDone.readingId }).from(readingsDone)
        .where(and(eq(readingsDone.memberId, m.id), inArray(readingsDone.readingId, rs.map((r) => r.id))))).map((r) => r.id));
      const left = rs.filter((r) => !read.has(r.id));
      lines.push(left.length ? `必读还差 ${left.length} 篇：${left.map((r) => `《${r.title}》`).join('、')}` : '必读篇目已全部学完 ✓');
    }
  }
  lines.push(...(await recentCheckinLines(tx, c, m, today)));
  lines.push(...(await myFeedbackLines(tx, m.id)));
  return lines.join('\n');
}

/** The person's own named feedback (anonymous items are not linked to anyone). */
async function myFeedbackLines(tx: Tx, memberId: number): Promise<string[]> {
  const mine = await listFeedback(tx, { memberId });
  if (!mine.length) return [];
  const answered = mine.filter(({ f }) => f.answer).length;
  const lines = [`我的意见建议 ${mine.length} 条，已答复 ${answered} 条：`];
  for (const { f } of mine.slice(-5)) {
    lines.push(`  ${feedbackCode(f)}【${FEEDBACK_STATUS_CN[f.status as FeedbackStatus]}】${f.content.slice(0, 20)}${f.content.length > 20 ? '…' : ''}${f.answer ? `（答复：${f.answer.slice(0, 30)}）` : ''}`);
  }
  return lines;
}

/** The unit's ledger: open items, those due soon and those overdue; feedback waiting for it. */
export async function unitLedgerLines(tx: Tx, unitId: number, today: string): Promise<string[]> {
  const items = await listRects(tx, { unitIds: [unitId], statuses: ['not_started', 'in_progress', 'pending'] });
  const lines: string[] = [];
  if (items.length) {
    const overdue = items.filter((r) => isOverdue(r, today));
    const soon = items.filter((r) => isDueSoon(r, today));
    const pending = items.filter((r) => r.status === 'pending');
    lines.push(`整改事项：未销号 ${items.length} 项（待销号 ${pending.length}，即将到期 ${soon.length}，逾期 ${overdue.length}）`);
    for (const r of overdue) lines.push(`  ⚠️ ${rectCode(r.id)} 已逾期 ${daysOverdue(r, today)} 天：${r.problem.slice(0, 30)}（时限 ${dateCn(r.deadline, today)}）`);
    for (const r of soon) lines.push(`  ⏰ ${rectCode(r.id)} ${dateCn(r.deadline, today)}到期：${r.problem.slice(0, 30)}`);
  }
  const waiting = await listFeedback(tx, { unitIds: [unitId], statuses: ['open', 'forwarded'] });
  if (waiting.length) lines.push(`转给本单位待答复的意见 ${waiting.length} 条：${waiting.map(({ f }) => feedbackCode(f)).join('、')}（发「意见 列表」查看）`);
  return lines;
}

/** Each person's valid minutes and check-ins up to today: from a day on, or in one phase, or in the whole campaign. */
async function minutesBy(tx: Tx, c: CampaignRow, ids: number[], today: string, scope: { from?: string; phaseId?: number }) {
  if (!ids.length) return new Map<number, { minutes: number; n: number }>();
  const conds = [eq(checkins.campaignId, c.id), inArray(checkins.memberId, ids), eq(checkins.status, 'valid'), lte(checkins.studyDate, today)];
  if (scope.from) conds.push(gte(checkins.studyDate, scope.from));
  if (scope.phaseId) conds.push(eq(checkins.phaseId, scope.phaseId));
  const rows = await tx.select({ memberId: checkins.memberId, minutes: sql<number>`coalesce(sum(${checkins.minutes}),0)::int`, n: sql<number>`count(*)::int` })
    .from(checkins).where(and(...conds)).groupBy(checkins.memberId);
  return new Map(rows.map((r) => [r.memberId, { minutes: Number(r.minutes), n: Number(r.n) }]));
}

const names = (list: { name: string }[]) => list.map((p) => p.name).join('、');

/**
 * "本周已打卡 2 人，未打卡 1 人：王五；请假 1 人：张伟" — people on leave today are not 未打卡
 * (a leave that covers the whole period covers today too).
 */
function checkedInLine(scope: string, people: Counted[], sums: Map<number, unknown>, away: Set<number>): string {
  const out = people.filter((p) => !sums.has(p.id) && !away.has(p.id));
  const off = people.filter((p) => !sums.has(p.id) && away.has(p.id));
  return `${scope}已打卡 ${people.length - out.length - off.length} 人，未打卡 ${out.length} 人${out.length ? '：' + names(out) : ''}`
    + (off.length ? `；请假 ${off.length} 人：${names(off)}` : '');
}

export async function unitReport(tx: Tx, c: CampaignRow, phase: PhaseRow | null, unit: Pick<UnitRow, 'id' | 'name'>, today: string): Promise<string> {
  const people = await countedPeople(tx, [unit.id]);
  const ids = people.map((p) => p.id);
  const away = await onLeave(tx, ids, today);
  const tag = (p: Counted) => (away.has(p.id) ? `${p.name}（请假）` : p.name);
  const week = await minutesBy(tx, c, ids, today, { from: mondayOf(today) });
  const ph = await minutesBy(tx, c, ids, today, phase ? { phaseId: phase.id } : {});
  const lines = [`${unit.name}（${people.length} 人）学习情况，截至 ${dateCn(today, today)}：`];
  lines.push(checkedInLine('本周', people, week, away));
  const scope = phase ? `本阶段「${phase.name}」` : '活动以来';
  lines.push(checkedInLine(scope, people, ph, away));
  const target = phase?.targetMinutes ?? c.targetMinutes;
  const ranked = people.map((p) => ({ ...p, minutes: ph.get(p.id)?.minutes ?? 0 })).sort((a, b) => b.minutes - a.minutes);
  const total = ranked.reduce((s, p) => s + p.minutes, 0);
  lines.push(`${scope}合计 ${formatMinutes(total)}，人均 ${formatMinutes(people.length ? Math.round(total / people.length) : 0)}`);
  const noted = await checkinsWithNotes(tx, { campaignId: c.id, unitId: unit.id, ...(phase ? { phaseId: phase.id } : {}) });
  const count = [...ph.values()].reduce((n, r) => n + r.n, 0);
  lines.push(`${scope}打卡 ${count} 次，其中 ${noted} 次附了学习笔记`);
  lines.push('学时明细：');
  for (const p of ranked) {
    const behind = target && p.minutes < target ? '（未达标）' : '';
    lines.push(`  ${p.name} ${formatMinutes(p.minutes)}${behind}${away.has(p.id) ? '（请假）' : ''}`);
  }
  const all = await campaignTasks(tx, c.id);
  const subs = await firstSubmissions(tx, all.map((t) => t.id), ids);
  const reviews = await latestReviewStates(tx, all.map((t) => t.id), ids);
  const dueFor = (t: CampaignTask) => people.filter((p) => taskApplies(t, p.role));
  for (const t of tasksWorthShowing(all, today, (x) => dueFor(x).some((p) => taskStatus(x, p.id, subs, today) !== 'done'))) {
    const due = dueFor(t);
    if (!due.length) continue;
    const st = due.map((p) => ({ p, s: taskStatus(t, p.id, subs, today) }));
    const late = st.filter((x) => x.s === 'late').map((x) => x.p);
    const missing = st.filter((x) => x.s === 'open' || x.s === 'overdue').map((x) => x.p);
    const closed = t.dueDate < today ? `（${dateCn(t.dueDate, today)}已截止）` : '';
    const reviewed = (status: string) => due.filter((p) => reviews.get(`${t.id}:${p.id}`)?.status === status);
    const [approved, sentBack] = [reviewed('approved'), reviewed('returned')];
    lines.push(`任务${taskLabel(taskRef(t, phase))}${closed}已交 ${due.length - missing.length}/${due.length}`
      + (late.length ? `（逾期提交 ${late.length} 人：${names(late)}）` : '')
      + (missing.length ? `，未交：${missing.map(tag).join('、')}` : '')
      + (approved.length ? `，已通过审阅 ${approved.length} 人` : '')
      + (sentBack.length ? `，退回修改：${names(sentBack)}` : ''));
  }
  lines.push(...(await unitLedgerLines(tx, unit.id, today)));
  return lines.join('\n');
}

/** One person the campaign counts, with their record as of today (the console's people table, 本单位, 未打卡). */
export interface PersonFigures extends Counted {
  /** Valid minutes and check-ins in the scope: the phase running today, else the whole campaign. */
  scopeMinutes: number;
  scopeCheckins: number;
  /** Has at least one valid check-in in the scope (参与). */
  joined: boolean;
  campaignMinutes: number;
  todayMinutes: number;
  checkedInToday: boolean;
  weekMinutes: number;
  checkedInThisWeek: boolean;
  onLeave: boolean;
  /** The study date of the last valid check-in in the campaign, or null. */
  lastCheckin: string | null;
  /**
   * Working days without a check-in up to today (as 催办 counts them): from the last check-in in
   * the scope, the scope's start, or the end of the last leave, whichever is latest.
   */
  idleWorkdays: number;
}

/** What "本阶段" means today: the phase running, else the campaign; its per-person target. */
export interface ProgressScope { label: string; phaseId: number | null; start: string; targetMinutes: number | null }

export function progressScope(c: CampaignRow, phase: PhaseRow | null): ProgressScope {
  return phase
    ? { label: `本阶段「${phase.name}」`, phaseId: phase.id, start: phase.startDate, targetMinutes: phase.targetMinutes ?? c.targetMinutes }
    : { label: '活动以来', phaseId: null, start: c.startDate, targetMinutes: c.targetMinutes };
}

/**
 * Working days without a check-in up to and including today, as 催办 counts them: from the last
 * check-in in the scope (or the day before the scope starts), or from the end of the last leave.
 */
export function idleSince(lastAny: string | null, leaveEnd: string | null, scopeStart: string, today: string, calendar: WorkCalendar): { idleDays: number; last: string | null } {
  const last = lastAny && lastAny >= scopeStart ? lastAny : null;
  const from = [last ?? addDays(scopeStart, -1), leaveEnd ?? ''].reduce((a, b) => (a > b ? a : b));
  return { idleDays: calendar.workdaysBetween(from, today), last };
}

/**
 * A friendly reminder to one person who has not checked in (催办's personal reminder, and the
 * console's 催办 button): how long since the last check-in, their time against the phase's target,
 * and tasks still owed. `phase` is the phase running today, if any.
 */
export function personalNudgeText(m: { name: string; idleDays: number; last: string | null; scopeMinutes: number }, c: CampaignRow, phase: PhaseRow | null, now: Date, owed = ''): string {
  const goal = phase?.targetMinutes ? `目标每人 ${inCampaignUnit(c, phase.targetMinutes)}` : '';
  const scope = phase ? `本阶段「${phase.name}」` : `「${c.name}」`;
  const where = m.last
    ? `您已经 ${m.idleDays} 个工作日没有学习打卡了（上次是 ${formatDateCn(m.last, now)}）。${scope}您已学习 ${formatMinutes(m.scopeMinutes)}${goal ? `，${goal}` : ''}。`
    : `${scope}您还没有学习打卡${goal ? `（${goal}）` : ''}。`;
  const tasks = owed ? `另外，您还有任务未交：${owed}，发「提交 任务名 正文…」即可。` : '';
  return `${m.name}您好，${where}今天抽空学一会儿吧，学完发「打卡 学习《…》 1小时 心得：…」即可。${tasks}`;
}

/** Every counted person of these units (null: all) with their figures as of today, by unit name then id. */
export async function peopleFigures(tx: Tx, c: CampaignRow, phase: PhaseRow | null, unitIds: number[] | null, today: string, calendar?: WorkCalendar): Promise<{ scope: ProgressScope; people: PersonFigures[] }> {
  const scope = progressScope(c, phase);
  const people = await countedPeople(tx, unitIds ?? undefined);
  const ids = people.map((p) => p.id);
  const [away, sums, leaveEnds] = await Promise.all([
    onLeave(tx, ids, today),
    checkinSums(tx, c, unitIds, today, phase?.id ?? null),
    calendar ? lastLeaveEnds(tx, ids, today) : Promise.resolve(new Map<number, string>()),
  ]);
  const none: CheckinSums = { scopeMinutes: 0, scopeN: 0, campaignMinutes: 0, weekMinutes: 0, weekN: 0, todayMinutes: 0, todayN: 0, last: null };
  return {
    scope,
    people: people.map((p) => {
      const x = sums.get(p.id) ?? none;
      return { // named one by one: see progress-totals.ts
      id: p.id, name: p.name, role: p.role, unitId: p.unitId, unitName: p.unitName,
      scopeMinutes: x.scopeMinutes, scopeCheckins: x.scopeN, joined: x.scopeN > 0,
      campaignMinutes: x.campaignMinutes,
      todayMinutes: x.todayMinutes, checkedInToday: x.todayN > 0,
      weekMinutes: x.weekMinutes, checkedInThisWeek: x.weekN > 0,
      onLeave: away.has(p.id),
      lastCheckin: x.last,
      idleWorkdays: calendar ? idleSince(x.last, leaveEnds.get(p.id) ?? null, scope.start, today, calendar).idleDays : 0,
      };
    }),
  };
}

/** Who a unit's people list shows: everyone, or who has not checked in today / this week / for `days` working days. */
export type PeopleFilter = 'all' | 'today' | 'week' | 'idle';
/** People on leave are never 未打卡 (as in chat); `idleWorkdays` needs peopleFigures' calendar. */
export function peopleShown(p: PersonFigures, filter: PeopleFilter, days: number): boolean {
  if (filter === 'all') return true;
  if (p.onLeave) return false;
  if (filter === 'today') return !p.checkedInToday;
  if (filter === 'week') return !p.checkedInThisWeek;
  return p.idleWorkdays >= days;
}

interface CheckinSums { scopeMinutes: number; scopeN: number; campaignMinutes: number; weekMinutes: number; weekN: number; todayMinutes: number; todayN: number; last: string | null }

/**
 * Every person's valid check-ins in the campaign up to today, summed for the phase (else the
 * campaign), the campaign, this week and today, and their last study date — in one pass over the
 * campaign's check-ins (of these units' people), not one query per figure: the office's
 * 总览 reads a million rows once.
 */
async function checkinSums(tx: Tx, c: CampaignRow, unitIds: number[] | null, today: string, phaseId: number | null): Promise<Map<number, CheckinSums>> {
  if (unitIds && !unitIds.length) return new Map();
  const inScope = phaseId === null ? sql`true` : sql`phase_id = ${phaseId}`;
  // Their people's check-ins wherever recorded (someone moved into the unit brings theirs).
  const units = unitIds ? sql`and member_id in (select id from ${members} where unit_id in (${sql.join(unitIds.map((id) => sql`${id}`), sql`, `)}))` : sql``;
  const monday = mondayOf(today);
  const rows = rowsOf<{ member_id: number; sm: number; sn: number; cm: number; wm: number; wn: number; tm: number; tn: number; last: string }>(await tx.execute(sql`
    select member_id,
      coalesce(sum(minutes) filter (where ${inScope}), 0)::int as sm, (count(*) filter (where ${inScope}))::int as sn,
      coalesce(sum(minutes), 0)::int as cm,
      coalesce(sum(minutes) filter (where study_date >= ${monday}::date), 0)::int as wm, (count(*) filter (where study_date >= ${monday}::date))::int as wn,
      coalesce(sum(minutes) filter (where study_date = ${today}::date), 0)::int as tm, (count(*) filter (where study_date = ${today}::date))::int as tn,
      to_char(max(study_date), 'YYYY-MM-DD') as last
    from ${checkins}
    where campaign_id = ${c.id} and status = 'valid' and study_date <= ${today}::date ${units}
    group by member_id`));
  return new Map(rows.map((r) => [Number(r.member_id), {
    scopeMinutes: Number(r.sm), scopeN: Number(r.sn), campaignMinutes: Number(r.cm), weekMinutes: Number(r.wm), weekN: Number(r.wn),
    todayMinutes: Number(r.tm), todayN: Number(r.tn), last: r.last,
  }]));
}

/** One unit's figures as of today (the office's 本单位 line; the console's units table and chart). */
export interface UnitFigures {
  unitId: number; unitName: string;
  members: number;
  /** People with a check-in in the scope (the phase, else the campaign). */
  participants: number;
  minutes: number;
  avgMinutes: number;
  /** People at or above the scope's per-person target (0 when there is none). */
  reached: number;
  /** Not checked in this week and not on leave today. */
  notThisWeek: number;
  notToday: number;
  onLeave: number;
  checkedInToday: number;
  checkedInThisWeek: number;
}

/** People grouped by unit (in the people's order), with each unit's figures. */
export function unitFiguresOf(people: Omit<PersonFigures, 'scopeCheckins' | 'lastCheckin' | 'idleWorkdays'>[], scope: ProgressScope): UnitFigures[] {
  const byUnit = new Map<number, typeof people>();
  for (const p of people) {
    const list = byUnit.get(p.unitId);
    if (list) list.push(p); else byUnit.set(p.unitId, [p]);
  }
  return [...byUnit.values()].map((list) => {
    const n = list.length;
    const minutes = list.reduce((s, p) => s + p.scopeMinutes, 0);
    return {
      unitId: list[0].unitId, unitName: list[0].unitName, members: n,
      participants: list.filter((p) => p.joined).length,
      minutes, avgMinutes: Math.round(minutes / n),
      reached: scope.targetMinutes ? list.filter((p) => p.scopeMinutes >= scope.targetMinutes!).length : 0,
      notThisWeek: list.filter((p) => !p.checkedInThisWeek && !p.onLeave).length,
      notToday: list.filter((p) => !p.checkedInToday && !p.onLeave).length,
      onLeave: list.filter((p) => p.onLeave).length,
      checkedInToday: list.filter((p) => p.checkedInToday).length,
      checkedInThisWeek: list.filter((p) => p.checkedInThisWeek).length,
    };
  });
}

/**
 * One line per unit, for the office and the leaders: participation in the phase (or campaign),
 * hours per person against the target, and who has not checked in this week (leave apart).
 */
export async function unitsOverview(tx: Tx, c: CampaignRow, phase: PhaseRow | null, unitIds: number[] | null, today: string): Promise<string> {
  const { scope, people } = await peopleFigures(tx, c, phase, unitIds, today);
  if (!people.length) return '这些单位名单里还没有职工和负责人。';
  const target = scope.targetMinutes;
  const lines = [`各单位学习情况（${scope.label}，截至 ${dateCn(today, today)}）：`];
  for (const u of unitFiguresOf(people, scope)) {
    const n = u.members;
    lines.push(`· ${u.unitName}（${n} 人）：参与 ${u.participants}/${n}（${Math.round((u.participants / n) * 100)}%），人均 ${formatMinutes(u.avgMinutes)}`
      + (target ? ` / 目标 ${inCampaignUnit(c, target)}，达标 ${u.reached} 人` : '')
      + `；本周未打卡 ${u.notThisWeek} 人${u.onLeave ? `，请假 ${u.onLeave} 人` : ''}`);
  }
  lines.push('发「本单位 单位名」查看一个单位的名单、学时和任务；发「未打卡 单位名」查看未打卡的人。');
  return lines.join('\n');
}

/** 未打卡: by unit, who has not checked in today or this week (people on leave today apart, and named as such). */
export async function notCheckedIn(tx: Tx, c: CampaignRow, unitIds: number[] | null, period: 'today' | 'week', today: string): Promise<string> {
  const people = await countedPeople(tx, unitIds ?? undefined);
  const when = period === 'today' ? '今天' : '本周';
  if (!people.length) return '这些单位名单里还没有职工和负责人。';
  const ids = people.map((p) => p.id);
  const away = await onLeave(tx, ids, today);
  const sums = await minutesBy(tx, c, ids, today, { from: period === 'today' ? today : mondayOf(today) });
  const byUnit = new Map<number, Counted[]>();
  for (const p of people) {
    const list = byUnit.get(p.unitId);
    if (list) list.push(p); else byUnit.set(p.unitId, [p]);
  }
  const lines = [`${when}未打卡（截至 ${dateCn(today, today)}）：`];
  let total = 0;
  for (const list of byUnit.values()) {
    const out = list.filter((p) => !sums.has(p.id) && !away.has(p.id));
    const off = list.filter((p) => !sums.has(p.id) && away.has(p.id));
    total += out.length;
    lines.push(`${list[0].unitName}（${list.length} 人）：${out.length ? `${out.length} 人未打卡：${names(out)}` : '都已打卡'}`
      + (off.length ? `；请假：${off.map((p) => `${p.name}（请假）`).join('、')}` : ''));
  }
  if (byUnit.size > 1) lines.push(`合计 ${total} 人未打卡。`);
  return lines.join('\n');
}

/** Refuses a unit outside what this person may see, saying what they may see. */
export function assertUnitVisible(visible: number[] | null, role: string, me: MemberRow, unit: Pick<UnitRow, 'id' | 'name'>) {
  if (visible === null || visible.includes(unit.id)) return;
  if (role === 'head') fail('progress.head_own_unit_only', { ownUnit: me.unitName });
  if (role === 'leader') fail('progress.leader_not_in_charge', { unit: unit.name });
  fail('progress.role_cannot_view');
}

// ---------------------------------------------------------------- figures the jobs compute

/** The people the campaign counts (as countedPeople) ordered by unit id, then member id. */
export async function countedPeopleByUnit(tx: Tx): Promise<Counted[]> {
  return tx.select({ id: members.id, name: members.name, role: members.role, unitId: members.unitId, unitName: units.name })
    .from(members).innerJoin(units, eq(units.id, members.unitId))
    .where(and(eq(members.active, true), eq(units.active, true), inArray(members.role, ['staff', 'head'])))
    .orderBy(units.id, members.id);
}

/** One counted member (active staff or head of an active unit) and their phase record. */
export interface MemberFigures {
  id: number; name: string; role: string; unitId: number; unitName: string;
  minutes: number; checkins: number;
  /** Required tasks of the phase this person has not submitted. */
  missing: TaskRow[];
}

/** Every counted member's minutes, check-ins and missing task submissions in a phase. */
export async function phaseFigures(tx: Tx, phase: PhaseRow, tasks: TaskRow[]): Promise<MemberFigures[]> {
  const people = await countedPeopleByUnit(tx);
  const sums = await tx.select({ memberId: checkins.memberId, minutes: sql<number>`coalesce(sum(${checkins.minutes}), 0)::int`, n: sql<number>`count(*)::int` })
    .from(checkins).where(and(eq(checkins.phaseId, phase.id), eq(checkins.status, 'valid'))).groupBy(checkins.memberId);
  const byMember = new Map(sums.map((s) => [s.memberId, s]));
  const subs = tasks.length
    ? await tx.selectDistinct({ taskId: submissions.taskId, memberId: submissions.memberId }).from(submissions)
      .where(inArray(submissions.taskId, tasks.map((t) => t.id)))
    : [];
  const done = new Set(subs.map((s) => `${s.taskId}:${s.memberId}`));
  return people.map((p) => ({
    ...p,
    minutes: Number(byMember.get(p.id)?.minutes ?? 0),
    checkins: Number(byMember.get(p.id)?.n ?? 0),
    missing: tasks.filter((t) => taskApplies(t, p.role) && !done.has(`${t.id}:${p.id}`)),
  }));
}

// ---------------------------------------------------------------- reads for the REST API

/** One unit's campaign totals for GET /api/campaigns/:id/progress. */
export interface UnitTotals { id: number; name: string; members: number; participants: number; minutes: number; checkins: number }

/** Per-unit totals of a campaign, computed in SQL (never by pulling rows into Node), by unit id after a cursor. */
export async function unitTotalsPage(tx: Tx, campaignId: number, page: { after: number; limit: number }): Promise<UnitTotals[]> {
  return rowsOf<UnitTotals>(await tx.execute(sql`
    select u.id, u.name,
      (select count(*) from members m where m.unit_id = u.id and m.active)::int as members,
      count(distinct c.member_id)::int as participants,
      coalesce(sum(c.minutes), 0)::int as minutes,
      count(c.id)::int as checkins
    from units u
    left join checkins c on c.unit_id = u.id and c.campaign_id = ${campaignId} and c.status = 'valid'
    where u.id > ${page.after} and u.active
    group by u.id, u.name
    order by u.id
    limit ${page.limit}`));
}
