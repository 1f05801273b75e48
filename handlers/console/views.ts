// What the console's pages show, assembled from the domain's reads (the same figures chat gives:
// progress.ts for 本单位 / 未打卡 / 催办's idle days, circular.ts for the trend, feedback.ts and
// rectification.ts for their counts). No SQL here: each table's reads live with its owner.
import type { Tx } from '../../src/db/client.ts';
import type { ConsoleViewer } from '../../src/plugin.ts';
import { campaignTasks, currentCampaign, inProgressOn, type CampaignRow, type PhaseRow } from '../../src/domain/campaigns.ts';
import { pendingReviewCount } from '../../src/domain/submissions.ts';
import { peopleFigures, peopleShown, unitFiguresOf, type PeopleFilter, type PersonFigures } from '../../src/domain/progress.ts';
import { peopleTotals } from '../../src/domain/progress-totals.ts';
import { personalNudgeText, scopeLabel } from '../../src/domain/messages/progress.ts';
import { unitIdsOrAll } from '../../src/domain/visibility.ts';
import { halfMonthTrend } from '../../src/domain/circular.ts';
import { periodLabelShort } from '../../src/domain/messages/circular.ts';
import { feedbackStatusCounts } from '../../src/domain/feedback.ts';
import { overdueByUnit } from '../../src/domain/rectification.ts';
import { loadCalendar } from '../../src/domain/workdays.ts';
import { currentLeaves } from '../../src/domain/leaves.ts';
import { checkinsPage } from '../../src/domain/checkins.ts';
import { ROLE_CN, type Role } from '../../src/domain/roles.ts';

export interface Current { campaign: CampaignRow | null; phase: PhaseRow | null }

/** The campaign in progress and the phase running today (as chat sees them). */
export async function current(tx: Tx, today: string): Promise<Current> {
  const { campaign, phase } = inProgressOn(await currentCampaign(tx), today);
  return { campaign, phase };
}

const campaignView = (c: CampaignRow) => ({
  id: c.id, name: c.name, startDate: c.startDate, endDate: c.endDate, targetMinutes: c.targetMinutes,
  targetUnit: c.targetUnit, xueshiMinutes: c.xueshiMinutes,
});
const phaseView = (p: PhaseRow | null) => (p ? { id: p.id, seq: p.seq, name: p.name, startDate: p.startDate, endDate: p.endDate, targetMinutes: p.targetMinutes } : null);

export function meView(v: ConsoleViewer, cur: Current, today: string, csrf: string) {
  return {
    member: { id: v.member.id, name: v.member.name, unitId: v.member.unitId, unitName: v.member.unitName, role: v.role, roleCn: ROLE_CN[v.role as Role], liaison: v.member.liaison },
    scope: v.visible === 'all' ? 'all' : v.role === 'staff' ? 'self' : 'units',
    visibleUnitIds: v.visible === 'all' ? null : v.visible,
    campaign: cur.campaign ? campaignView(cur.campaign) : null,
    phase: phaseView(cur.phase),
    today, csrf,
  };
}

const rate = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 1000 : 0);

/** 总览: KPI cards, the units ranked, the half-month trend, overdue items by unit, opinions by status, check-ins today and this week. */
export async function overview(tx: Tx, v: ConsoleViewer, c: CampaignRow, phase: PhaseRow | null, today: string) {
  const unitIds = unitIdsOrAll(v.visible);
  // All at once: the trend (the longest read) does not wait for the people's totals.
  const [{ scope, people }, trend, feedback, overdue, reviews] = await Promise.all([
    peopleTotals(tx, c, phase, unitIds, today),
    halfMonthTrend(tx, c, unitIds, today),
    feedbackStatusCounts(tx, unitIds),
    overdueByUnit(tx, unitIds, c.id, today),
    campaignTasks(tx, c.id).then((ts) => pendingReviewCount(tx, v.visible, ts.map((t) => t.id))),
  ]);
  const units = unitFiguresOf(people, scope).map((u) => ({ ...u, participationRate: rate(u.participants, u.members) }))
    .sort((a, b) => b.participationRate - a.participationRate || b.avgMinutes - a.avgMinutes || a.unitName.localeCompare(b.unitName, 'zh'));
  const members = people.length;
  const participants = people.filter((p) => p.joined).length;
  const minutes = people.reduce((s, p) => s + p.scopeMinutes, 0);
  const away = people.filter((p) => p.onLeave).length;
  return {
    campaign: campaignView(c), phase: phaseView(phase), today, scopeLabel: scopeLabel(scope.phaseName),
    kpi: {
      members, participants, participationRate: rate(participants, members),
      avgMinutes: members ? Math.round(minutes / members) : 0, targetMinutes: scope.targetMinutes,
      reached: scope.targetMinutes ? people.filter((p) => p.scopeMinutes >= scope.targetMinutes!).length : null,
      pendingFeedback: feedback.open + feedback.forwarded,
      overdueRects: overdue.reduce((s, u) => s + u.overdue, 0),
      pendingReviews: reviews,
    },
    units, trend: trend.map((t) => ({ ...t, label: periodLabelShort(t.key) })), feedback, overdueByUnit: overdue,
    checkins: {
      members, onLeave: away,
      today: people.filter((p) => p.checkedInToday).length, notToday: people.filter((p) => !p.checkedInToday && !p.onLeave).length,
      week: people.filter((p) => p.checkedInThisWeek).length, notThisWeek: people.filter((p) => !p.checkedInThisWeek && !p.onLeave).length,
    },
  };
}

/** 单位: every visible unit's row (people, participation, hours, who has not checked in). */
export async function unitsTable(tx: Tx, v: ConsoleViewer, c: CampaignRow, phase: PhaseRow | null, today: string) {
  const { scope, people } = await peopleTotals(tx, c, phase, unitIdsOrAll(v.visible), today);
  return {
    scopeLabel: scopeLabel(scope.phaseName), targetMinutes: scope.targetMinutes, today,
    units: unitFiguresOf(people, scope).map((u) => ({ ...u, participationRate: rate(u.participants, u.members) })),
  };
}

export type { PeopleFilter };

const personView = (p: PersonFigures, leaveUntil: Map<number, string>) => ({
  id: p.id, name: p.name, role: p.role, roleCn: ROLE_CN[p.role as Role], unitId: p.unitId, unitName: p.unitName,
  scopeMinutes: p.scopeMinutes, scopeCheckins: p.scopeCheckins, campaignMinutes: p.campaignMinutes,
  todayMinutes: p.todayMinutes, checkedInToday: p.checkedInToday, weekMinutes: p.weekMinutes, checkedInThisWeek: p.checkedInThisWeek,
  lastCheckin: p.lastCheckin, idleWorkdays: p.idleWorkdays, onLeave: p.onLeave, leaveUntil: leaveUntil.get(p.id) ?? null,
});

/** One unit's people with their hours, last check-in and leave; filtered to who has not checked in today, this week, or for N working days. */
export async function unitPeople(tx: Tx, c: CampaignRow, phase: PhaseRow | null, unit: { id: number; name: string }, today: string, filter: PeopleFilter, days: number) {
  const calendar = await loadCalendar(tx);
  const { scope, people } = await peopleFigures(tx, c, phase, [unit.id], today, calendar);
  const leaveUntil = new Map((await currentLeaves(tx, today, unit.id)).filter((l) => l.startDate <= today).map((l) => [l.memberId, l.endDate]));
  const shown = people.filter((p) => peopleShown(p, filter, days));
  const [summary] = unitFiguresOf(people, scope);
  return {
    unit: { id: unit.id, name: unit.name }, scopeLabel: scopeLabel(scope.phaseName), targetMinutes: scope.targetMinutes, today, filter, days,
    summary: summary ? { ...summary, participationRate: rate(summary.participants, summary.members) } : null,
    people: shown.map((p) => personView(p, leaveUntil)),
    isWorkday: calendar.isWorkday(today),
  };
}

/** 我的: one person's own record and recent check-ins (what staff see; anyone may see their own). */
export async function myRecord(tx: Tx, v: ConsoleViewer, c: CampaignRow, phase: PhaseRow | null, today: string) {
  const calendar = await loadCalendar(tx);
  const { scope, people } = await peopleFigures(tx, c, phase, [v.member.unitId], today, calendar);
  const me = people.find((p) => p.id === v.member.id);
  const recent = (await checkinsPage(tx, { campaignId: c.id, memberId: v.member.id, limit: 1000 })).slice(-20).reverse()
    .map((r) => ({ id: r.id, date: r.date, minutes: r.minutes, material: r.material, reflection: r.reflection, kind: r.kind }));
  const ranked = [...people].sort((a, b) => b.scopeMinutes - a.scopeMinutes);
  return {
    scopeLabel: scopeLabel(scope.phaseName), targetMinutes: scope.targetMinutes, today,
    counted: !!me,
    me: me ? personView(me, new Map()) : null,
    rank: me ? 1 + ranked.filter((p) => p.scopeMinutes > me.scopeMinutes).length : null,
    unitSize: people.length,
    recent,
  };
}

/** What 催办 would send each of these people, or why not (checked in today, on leave, oneself, not a counted person of a visible unit). */
export async function nudgePlan(tx: Tx, v: ConsoleViewer, c: CampaignRow, phase: PhaseRow | null, memberIds: number[], today: string, now: Date) {
  const calendar = await loadCalendar(tx);
  const { scope, people } = await peopleFigures(tx, c, phase, unitIdsOrAll(v.visible), today, calendar);
  const byId = new Map(people.map((p) => [p.id, p]));
  return memberIds.map((id) => {
    const p = byId.get(id);
    if (!p) return { memberId: id, name: null, unitName: null, text: null, skip: '不在你能查看的单位名单中' };
    const base = { memberId: id, name: p.name, unitName: p.unitName };
    if (id === v.member.id) return { ...base, text: null, skip: '不能催办自己' };
    if (p.onLeave) return { ...base, text: null, skip: '请假中' };
    if (p.checkedInToday) return { ...base, text: null, skip: '今天已打卡' };
    return { ...base, text: personalNudgeText({ name: p.name, idleDays: p.idleWorkdays, last: p.lastCheckin && p.lastCheckin >= scope.start ? p.lastCheckin : null, scopeMinutes: p.scopeMinutes }, c, phase, now), skip: null };
  });
}
