// Progress views computed from records: a person's own (我的), a unit's (本单位), the units at a
// glance (the office's and a leader's 本单位) and 未打卡 — and the one rule for who sees which unit.
// Each view is typed data; its wording is progressReplies' (messages/progress.ts).
import { and, asc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { checkins, members, readingsDone, submissions, units } from '../db/schema.ts';
import { latestReviewStates } from './submissions.ts';
import {
  campaignTasks, phaseState, phasesOf, readingsOf, runningPhases, submittedLate, taskRef,
  type CampaignRow, type CampaignTask, type PhaseRow, type TaskRow,
} from './campaigns.ts';
import type { MemberRow, UnitRow } from './directory.ts';
import { lastLeaveEnds, onLeave } from './leaves.ts';
import type { WorkCalendar } from './workdays.ts';
import { fail } from './errors.ts';
import { recentCheckins, standingOf } from './checkins.ts';
import { addDays, mondayOf } from '../time.ts';
import { feedbackCode, listFeedback } from './feedback.ts';
import type {
  CheckedIn, MyProgress, MyTask, NotCheckedIn, TaskStatus, UnitLedger, UnitReport, UnitTask, UnitsOverview,
} from './messages/progress.ts';
import { daysOverdue, isDueSoon, isOverdue, listRects, rectCode } from './rectification.ts';
import { checkinsWithNotes } from './attachments.ts';
import { rowsOf } from '../db/client.ts';
import { dueFrom, perUnit, type TaskAudience } from './audiences.ts';
import { reportsForUnit } from './roles.ts';

/** Someone the campaign counts: active staff and heads of active units (as reminders and the circular count). */
export interface Counted {
  id: number; name: string; role: string; unitId: number; unitName: string;
  partyMember: boolean; leadership: boolean; liaison: boolean; unitKind: string | null;
}

const countedColumns = {
  id: members.id, name: members.name, role: members.role, unitId: members.unitId, unitName: units.name,
  partyMember: members.partyMember, leadership: members.leadership, liaison: members.liaison, unitKind: units.kind,
};

/**
 * What someone owes of a task (dueFrom decides): 'person' their own submission; 'unit' their
 * unit's, which they hand in only as its head or 联络员 (for anyone else in the unit: 'unit-other').
 */
export function owes(t: TaskAudience, m: Omit<Counted, 'id' | 'name' | 'unitId' | 'unitName'>): 'person' | 'unit' | 'unit-other' | null {
  const d = dueFrom(t, m);
  return d === 'unit' && !reportsForUnit(m) ? 'unit-other' : d;
}

/** One share of a task owed: by a person, or by a unit (one submission for all of it); `key` finds its submission. */
export interface Owed { key: string; memberId: number | null; unitId: number; name: string }

/** Who among these people owes a task: each person it names, or each of their units once (named by the unit). */
export function owedBy(t: TaskAudience & { id: number }, people: Counted[]): Owed[] {
  const out: Owed[] = [];
  const units = new Set<number>();
  for (const p of people) {
    const d = dueFrom(t, p);
    if (d === 'person') out.push({ key: subKey(t.id, p.id), memberId: p.id, unitId: p.unitId, name: p.name });
    else if (d === 'unit' && !units.has(p.unitId)) {
      units.add(p.unitId);
      out.push({ key: unitSubKey(t.id, p.unitId), memberId: null, unitId: p.unitId, name: p.unitName });
    }
  }
  return out;
}

/** The key a person's share of a task is found by in firstSubmissions: their own, or their unit's for a per-unit task. */
export function owedKey(t: Pick<TaskRow, 'id' | 'audience'>, who: { id: number; unitId: number }): string {
  return perUnit(t) ? unitSubKey(t.id, who.unitId) : subKey(t.id, who.id);
}

export async function countedPeople(tx: Tx, unitIds?: number[]): Promise<Counted[]> {
  const conds = [eq(members.active, true), eq(units.active, true), inArray(members.role, ['staff', 'head'])];
  if (unitIds) {
    if (!unitIds.length) return [];
    conds.push(inArray(members.unitId, unitIds));
  }
  return tx.select(countedColumns)
    .from(members).innerJoin(units, eq(units.id, members.unitId)).where(and(...conds)).orderBy(asc(units.name), asc(members.id));
}

const subKey = (taskId: number, memberId: number) => `${taskId}:${memberId}`;
const unitSubKey = (taskId: number, unitId: number) => `${taskId}:u${unitId}`;

/**
 * When each person first submitted each task (key taskId:memberId), and each unit (key
 * taskId:u<unitId>, whoever of it sent it: a per-unit task's share). The first submission decides
 * 逾期: one made in time stays in time when it is later updated.
 */
export async function firstSubmissions(tx: Tx, taskIds: number[], memberIds?: number[]): Promise<Map<string, Date>> {
  if (!taskIds.length || (memberIds && !memberIds.length)) return new Map();
  const conds = [inArray(submissions.taskId, taskIds)];
  if (memberIds) conds.push(inArray(submissions.memberId, memberIds));
  const rows = await tx.select({ taskId: submissions.taskId, memberId: submissions.memberId, at: sql<Date | string>`min(${submissions.createdAt})` })
    .from(submissions).where(and(...conds)).groupBy(submissions.taskId, submissions.memberId);
  const out = new Map(rows.map((r) => [subKey(r.taskId, r.memberId), new Date(r.at)]));
  const byUnit = await tx.select({ taskId: submissions.taskId, unitId: submissions.unitId, at: sql<Date | string>`min(${submissions.createdAt})` })
    .from(submissions).where(inArray(submissions.taskId, taskIds)).groupBy(submissions.taskId, submissions.unitId);
  for (const r of byUnit) out.set(unitSubKey(r.taskId, r.unitId), new Date(r.at));
  return out;
}

export type { TaskStatus };

/** done / late (逾期提交) / open (not yet due) / overdue (past due, not submitted); `key`: the share's (owedKey, Owed.key). */
export function taskStatus(t: CampaignTask, key: string, subs: Map<string, Date>, today: string): TaskStatus {
  const at = subs.get(key);
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

/** 我的: the person's own record (progressReplies.mine words it). */
export async function myProgress(tx: Tx, c: CampaignRow, phase: PhaseRow | null, m: MemberRow, today: string): Promise<MyProgress> {
  const s = await standingOf(tx, c, phase, m, today);
  const [days] = await tx.select({ n: sql<number>`count(distinct ${checkins.studyDate})::int` }).from(checkins)
    .where(and(eq(checkins.memberId, m.id), eq(checkins.campaignId, c.id), eq(checkins.status, 'valid')));
  const notedCheckins = await checkinsWithNotes(tx, { campaignId: c.id, memberId: m.id });
  const nextPhase = phase ? null : (await phasesOf(tx, c.id)).find((x) => phaseState(x, today) === 'upcoming') ?? null;

  // Their own tasks, and their unit's when they hand those in (its head or 联络员).
  const mine = (await campaignTasks(tx, c.id)).filter((t) => { const o = owes(t, m); return o === 'person' || o === 'unit'; });
  const subs = await firstSubmissions(tx, mine.map((t) => t.id), [m.id]);
  const reviews = await latestReviewStates(tx, mine.map((t) => t.id), [m.id]);
  const reviewOf = (t: CampaignTask) => reviews.get(owedKey(t, m));
  const tasks: MyTask[] = tasksWorthShowing(mine, today, (x) => taskStatus(x, owedKey(x, m), subs, today) !== 'done' || reviewOf(x)?.status === 'returned')
    .map((t) => {
      const review = reviewOf(t);
      return {
        task: taskRef(t, today), dueDate: t.dueDate, status: taskStatus(t, owedKey(t, m), subs, today), forUnit: perUnit(t),
        review: review?.status === 'approved' || review?.status === 'returned' ? review.status : null, comment: review?.comment ?? null,
      };
    });

  let readingsLeft: string[] | null = null;
  if (phase) {
    // The required readings of every phase running today (phases may overlap).
    const rs = (await Promise.all(runningPhases(await phasesOf(tx, c.id), today).map((p) => readingsOf(tx, p.id)))).flat();
    if (rs.length) {
      const read = new Set((await tx.select({ id: readingsDone.readingId }).from(readingsDone)
        .where(and(eq(readingsDone.memberId, m.id), inArray(readingsDone.readingId, rs.map((r) => r.id))))).map((r) => r.id));
      readingsLeft = rs.filter((r) => !read.has(r.id)).map((r) => r.title);
    }
  }
  // The person's own named feedback (anonymous items are not linked to anyone).
  const feedback = await listFeedback(tx, { memberId: m.id });
  return {
    name: m.name, unitName: m.unitName, campaign: c.name, unit: { targetUnit: c.targetUnit, xueshiMinutes: c.xueshiMinutes },
    campaignMinutes: s.campaignMinutes,
    target: c.targetMinutes ? { minutes: c.targetMinutes, percent: Math.min(100, Math.round((s.campaignMinutes / c.targetMinutes) * 100)) } : null,
    days: days.n, todayMinutes: s.todayMinutes, notedCheckins,
    phase: phase ? { name: phase.name, minutes: s.phaseMinutes ?? 0, targetMinutes: phase.targetMinutes } : null,
    nextPhase: nextPhase ? { name: nextPhase.name, startDate: nextPhase.startDate } : null,
    rank: s.rank, unitSize: s.unitSize,
    tasks, readingsLeft,
    recent: await recentCheckins(tx, c, m),
    feedback: {
      total: feedback.length, answered: feedback.filter(({ f }) => f.answer).length,
      latest: feedback.slice(-5).map(({ f }) => ({ code: feedbackCode(f), status: f.status, content: f.content, answer: f.answer })),
    },
  };
}

/** The unit's ledger: open items, those due soon and those overdue; feedback waiting for it. */
export async function unitLedger(tx: Tx, unitId: number, today: string): Promise<UnitLedger> {
  const items = await listRects(tx, { unitIds: [unitId], statuses: ['not_started', 'in_progress', 'pending'] });
  const due = (r: (typeof items)[number]) => ({ code: rectCode(r.id), problem: r.problem, deadline: r.deadline, overdueDays: daysOverdue(r, today) });
  const waiting = await listFeedback(tx, { unitIds: [unitId], statuses: ['open', 'forwarded'] });
  return {
    open: items.length, pending: items.filter((r) => r.status === 'pending').length,
    overdue: items.filter((r) => isOverdue(r, today)).map(due), dueSoon: items.filter((r) => isDueSoon(r, today)).map(due),
    feedbackWaiting: waiting.map(({ f }) => feedbackCode(f)),
  };
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

const names = (list: { name: string }[]) => list.map((p) => p.name);

/** Who checked in within a period — people on leave today are not 未打卡 (a leave that covers the whole period covers today too). */
function checkedIn(people: Counted[], sums: Map<number, unknown>, away: Set<number>): CheckedIn {
  const out = people.filter((p) => !sums.has(p.id) && !away.has(p.id));
  const off = people.filter((p) => !sums.has(p.id) && away.has(p.id));
  return { checkedIn: people.length - out.length - off.length, missing: names(out), onLeave: names(off) };
}

/** 本单位 for one unit (progressReplies.unit words it). */
export async function unitReport(tx: Tx, c: CampaignRow, phase: PhaseRow | null, unit: Pick<UnitRow, 'id' | 'name'>, today: string): Promise<UnitReport> {
  const people = await countedPeople(tx, [unit.id]);
  const ids = people.map((p) => p.id);
  const away = await onLeave(tx, ids, today);
  const week = await minutesBy(tx, c, ids, today, { from: mondayOf(today) });
  const ph = await minutesBy(tx, c, ids, today, phase ? { phaseId: phase.id } : {});
  const target = phase?.targetMinutes ?? c.targetMinutes;
  const ranked = people.map((p) => ({ ...p, minutes: ph.get(p.id)?.minutes ?? 0 })).sort((a, b) => b.minutes - a.minutes);
  const total = ranked.reduce((s, p) => s + p.minutes, 0);
  const noted = await checkinsWithNotes(tx, { campaignId: c.id, unitId: unit.id, ...(phase ? { phaseId: phase.id } : {}) });

  const all = await campaignTasks(tx, c.id);
  const subs = await firstSubmissions(tx, all.map((t) => t.id), ids);
  const reviews = await latestReviewStates(tx, all.map((t) => t.id), ids);
  const tasks: UnitTask[] = [];
  for (const t of tasksWorthShowing(all, today, (x) => owedBy(x, people).some((o) => taskStatus(x, o.key, subs, today) !== 'done'))) {
    // Each person it names, or the unit once (a per-unit task: no one by name is missing).
    const due = owedBy(t, people);
    if (!due.length) continue;
    const st = due.map((o) => ({ o, s: taskStatus(t, o.key, subs, today) }));
    const missing = st.filter((x) => x.s === 'open' || x.s === 'overdue').map((x) => x.o);
    const reviewed = (status: string) => due.filter((o) => reviews.get(o.key)?.status === status);
    tasks.push({
      task: taskRef(t, today), dueDate: t.dueDate, expected: due.length, handedIn: due.length - missing.length, forUnit: perUnit(t),
      late: names(st.filter((x) => x.s === 'late' && x.o.memberId !== null).map((x) => x.o)),
      missing: missing.filter((o) => o.memberId !== null).map((o) => ({ name: o.name, onLeave: away.has(o.memberId!) })),
      approved: reviewed('approved').length, sentBack: names(reviewed('returned')),
    });
  }
  return {
    unitName: unit.name, members: people.length, phaseName: phase?.name ?? null,
    week: checkedIn(people, week, away), scope: checkedIn(people, ph, away),
    totalMinutes: total, avgMinutes: people.length ? Math.round(total / people.length) : 0,
    checkins: [...ph.values()].reduce((n, r) => n + r.n, 0), notedCheckins: noted,
    people: ranked.map((p) => ({ name: p.name, minutes: p.minutes, belowTarget: !!target && p.minutes < target, onLeave: away.has(p.id) })),
    tasks,
    ledger: await unitLedger(tx, unit.id, today),
  };
}

/** One person the campaign counts, with their record as of today (the console's people table, 本单位, 未打卡). */
export interface PersonFigures extends Pick<Counted, 'id' | 'name' | 'role' | 'unitId' | 'unitName'> {
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

/** What "本阶段" means today: the phase running (its name), else the campaign; its per-person target. */
export interface ProgressScope { phaseName: string | null; phaseId: number | null; start: string; targetMinutes: number | null }

export function progressScope(c: CampaignRow, phase: PhaseRow | null): ProgressScope {
  return phase
    ? { phaseName: phase.name, phaseId: phase.id, start: phase.startDate, targetMinutes: phase.targetMinutes ?? c.targetMinutes }
    : { phaseName: null, phaseId: null, start: c.startDate, targetMinutes: c.targetMinutes };
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
 * The units at a glance, for the office and the leaders (progressReplies.overview words it):
 * participation in the phase (or campaign), hours per person against the target, and who has not
 * checked in this week (leave apart).
 */
export async function unitsOverview(tx: Tx, c: CampaignRow, phase: PhaseRow | null, unitIds: number[] | null, today: string): Promise<UnitsOverview> {
  const { scope, people } = await peopleFigures(tx, c, phase, unitIds, today);
  return {
    phaseName: scope.phaseName, targetMinutes: scope.targetMinutes, unit: { targetUnit: c.targetUnit, xueshiMinutes: c.xueshiMinutes },
    units: unitFiguresOf(people, scope),
  };
}

/** 未打卡: by unit, who has not checked in today or this week (people on leave today apart, and named as such). */
export async function notCheckedIn(tx: Tx, c: CampaignRow, unitIds: number[] | null, period: 'today' | 'week', today: string): Promise<NotCheckedIn> {
  const people = await countedPeople(tx, unitIds ?? undefined);
  if (!people.length) return { period, units: [] };
  const ids = people.map((p) => p.id);
  const away = await onLeave(tx, ids, today);
  const sums = await minutesBy(tx, c, ids, today, { from: period === 'today' ? today : mondayOf(today) });
  const byUnit = new Map<number, Counted[]>();
  for (const p of people) {
    const list = byUnit.get(p.unitId);
    if (list) list.push(p); else byUnit.set(p.unitId, [p]);
  }
  return {
    period,
    units: [...byUnit.values()].map((list) => ({
      unitName: list[0].unitName, members: list.length,
      missing: names(list.filter((p) => !sums.has(p.id) && !away.has(p.id))),
      onLeave: names(list.filter((p) => !sums.has(p.id) && away.has(p.id))),
    })),
  };
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
  return tx.select(countedColumns)
    .from(members).innerJoin(units, eq(units.id, members.unitId))
    .where(and(eq(members.active, true), eq(units.active, true), inArray(members.role, ['staff', 'head'])))
    .orderBy(units.id, members.id);
}

/** One counted member (active staff or head of an active unit) and their phase record. */
export interface MemberFigures extends Counted {
  minutes: number; checkins: number;
  /** The phase's tasks due from this person themselves (not their unit's). */
  required: number;
  /** Those of them this person has not submitted. */
  missing: TaskRow[];
}

/** A unit's share of a phase's per-unit tasks: how many are due from it, and those not yet in. */
export interface UnitTaskFigures { unitId: number; unitName: string; required: number; missing: TaskRow[] }

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
  return people.map((p) => {
    const mine = tasks.filter((t) => dueFrom(t, p) === 'person');
    return {
      ...p,
      minutes: Number(byMember.get(p.id)?.minutes ?? 0),
      checkins: Number(byMember.get(p.id)?.n ?? 0),
      required: mine.length,
      missing: mine.filter((t) => !done.has(`${t.id}:${p.id}`)),
    };
  });
}

/** Each unit's share of these tasks' per-unit ones (one submission per unit), over the counted people's units. */
export async function unitTaskFigures(tx: Tx, tasks: TaskRow[], people: Counted[]): Promise<UnitTaskFigures[]> {
  const unitTasks = tasks.filter((t) => perUnit(t));
  const subs = await firstSubmissions(tx, unitTasks.map((t) => t.id));
  const byUnit = new Map<number, UnitTaskFigures>();
  for (const t of unitTasks) {
    for (const o of owedBy(t, people)) {
      let u = byUnit.get(o.unitId);
      if (!u) byUnit.set(o.unitId, u = { unitId: o.unitId, unitName: o.name, required: 0, missing: [] });
      u.required++;
      if (!subs.has(o.key)) u.missing.push(t);
    }
  }
  return [...byUnit.values()];
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
