// The figures behind every document 报送 drafts (总结, 统计表, 本单位总结): one row per unit and a
// total, over a span (本期, a phase, 全程). The study, task, opinion and ledger figures are the
// circular's own (computeCircular over the span), so a 总结 never disagrees with the 通报; the
// rest come from the modules that own their tables. Totals are the sums of the rows.
import type { Tx } from '../db/client.ts';
import { computeCircular, cadenceOf, currentPeriodFor } from './circular.ts';
import { phasesOf, tasksOf, type CampaignRow, type PhaseRow } from './campaigns.ts';
import { studyExtrasPerUnit } from './checkins.ts';
import { handedInPerTaskAndUnit } from './submissions.ts';
import { ledgerFiguresPerUnit, listRects, isOverdue, daysOverdue, rectCode } from './rectification.ts';
import { periodLastDay } from './messages/circular.ts';
import { DomainError } from './errors.ts';
import { feedbackReceivedBetween } from './feedback.ts';
import { caseCountsByUnit, casesForExport } from './cases.ts';
import { findingsOfCampaign, roundsOf } from './inspections.ts';
import type { SpanKind, ReportSpan, ReportUnit, ReportTotals, OverdueLine, ReportFigures } from './messages/reports.ts';

export type { SpanKind, ReportSpan, ReportUnit, ReportTotals, OverdueLine, ReportFigures };

export const participationRate = (r: { members: number; participants: number }) => (r.members ? r.participants / r.members : 0);

/** The span a report covers; `phase` picks a phase by number or name (the handler reads 第二阶段), else the latest begun. */
export async function reportSpan(tx: Tx, c: CampaignRow, kind: SpanKind, today: string, phase?: { seq?: number; name: string } | null): Promise<ReportSpan> {
  const capped = (start: string, end: string) => ({ start, end, last: end < today ? end : today });
  if (kind === 'whole') return { kind, ...capped(c.startDate, c.endDate) };
  if (kind === 'period') {
    const p = currentPeriodFor(today, cadenceOf(c));
    return { kind, periodKey: p.key, ...capped(p.start, p.end) };
  }
  const phases = await phasesOf(tx, c.id);
  let ph: PhaseRow | undefined;
  if (phase) {
    ph = phases.find((p) => p.seq === phase.seq) ?? phases.find((p) => p.name === phase.name) ?? phases.find((p) => p.name.includes(phase.name));
    if (!ph) throw new DomainError('report.phase_unknown', { name: phase.name, names: phases.map((p) => p.name) });
  } else {
    ph = phases.filter((p) => p.startDate <= today).sort((a, b) => b.startDate.localeCompare(a.startDate) || b.seq - a.seq)[0];
    if (!ph) throw new DomainError('report.no_phase_begun');
  }
  return { kind, phase: { seq: ph.seq, name: ph.name }, ...capped(ph.startDate, ph.endDate) };
}

/** Every unit's figures over the span (only `unitIds` when given), with their total. */
export async function reportFigures(tx: Tx, c: CampaignRow, span: ReportSpan, unitIds?: number[]): Promise<ReportFigures> {
  const period = { key: span.periodKey ?? `report:${span.start}:${span.end}`, start: span.start, end: span.end, asOf: span.last };
  const circular = await computeCircular(tx, c, period);
  const last = periodLastDay(period);
  const extras = await studyExtrasPerUnit(tx, c.id, span.start, last);
  const tasks: { id: number; name: string }[] = [];
  for (const p of await phasesOf(tx, c.id)) {
    if (p.startDate > last) continue;
    for (const t of await tasksOf(tx, p.id)) tasks.push({ id: t.id, name: t.name });
  }
  const handed = await handedInPerTaskAndUnit(tx, tasks.map((t) => t.id), last);
  const ledger = await ledgerFiguresPerUnit(tx, c.id, last);
  const wanted = (id: number) => !unitIds || unitIds.includes(id);
  const caseCounts = await caseCountsByUnit(tx, { campaignId: c.id, unitIds });
  const findings = await findingsOfCampaign(tx, c.id, { unitIds: unitIds ?? null, from: span.start, to: last });
  const rounds = await roundsOf(tx, c.id, { unitIds: unitIds ?? null, from: span.start, to: last });

  const units: ReportUnit[] = circular.units.filter((u) => wanted(u.unitId)).map((u) => {
    const x = extras.get(u.unitId) ?? { groupSessions: 0, readingsRequired: 0, readingsDone: 0 };
    const item = ledger.find((l) => l.unitId === u.unitId && l.kind === 'item');
    const commitment = ledger.find((l) => l.unitId === u.unitId && l.kind === 'commitment');
    return {
      unitId: u.unitId, unitName: u.unitName, members: u.members, participants: u.participants, totalMinutes: u.totalMinutes,
      groupSessions: x.groupSessions, readingsRequired: x.readingsRequired, readingsDone: x.readingsDone,
      tasksRequired: u.tasksRequired, tasksDone: u.tasksDone,
      byTask: tasks.map((t) => handed.find((h) => h.taskId === t.id && h.unitId === u.unitId)?.people ?? 0),
      feedbackReceived: u.feedbackReceived, feedbackAnswered: u.feedbackAnswered,
      problems: item?.total ?? 0, problemsClosed: item?.closed ?? 0, problemsOverdue: item?.overdue ?? 0,
      commitments: commitment?.total ?? 0, commitmentsKept: commitment?.closed ?? 0,
      cases: caseCounts.get(u.unitId)?.cases ?? 0, casesSelected: caseCounts.get(u.unitId)?.selected ?? 0, rules: caseCounts.get(u.unitId)?.rules ?? 0,
      findings: findings.filter((x) => x.unitId === u.unitId).length, findingsToLedger: findings.filter((x) => x.unitId === u.unitId && x.rect).length,
      score: u.score, rank: u.rank, last: u.last,
    };
  });
  const sum = (k: keyof ReportTotals & keyof ReportUnit) => units.reduce((t, u) => t + (u[k] as number), 0);
  const totals: ReportTotals = {
    members: sum('members'), participants: sum('participants'), totalMinutes: sum('totalMinutes'),
    groupSessions: sum('groupSessions'), readingsRequired: sum('readingsRequired'), readingsDone: sum('readingsDone'),
    tasksRequired: sum('tasksRequired'), tasksDone: sum('tasksDone'),
    byTask: tasks.map((_, i) => units.reduce((t, u) => t + u.byTask[i], 0)),
    feedbackReceived: sum('feedbackReceived'), feedbackAnswered: sum('feedbackAnswered'),
    problems: sum('problems'), problemsClosed: sum('problemsClosed'), problemsOverdue: sum('problemsOverdue'),
    commitments: sum('commitments'), commitmentsKept: sum('commitmentsKept'),
    cases: sum('cases'), casesSelected: sum('casesSelected'), rules: sum('rules'), findings: sum('findings'), findingsToLedger: sum('findingsToLedger'),
  };
  const selectedCases = (await casesForExport(tx, { campaignId: c.id, unitIds }))
    .filter((x) => x.kind === 'case' && x.status === 'selected').map((x) => ({ code: x.code, title: x.title, unitName: x.unitName }));

  const dayAfter = last;
  const open = await listRects(tx, { campaignId: c.id, unitIds, statuses: ['not_started', 'in_progress'] });
  const overdue = open.filter((r) => isOverdue(r, dayAfter) && r.kind === 'item')
    .map((r) => ({ code: rectCode(r.id), unitName: r.unitName, problem: r.problem, deadline: r.deadline, days: daysOverdue(r, dayAfter) }))
    .sort((a, b) => b.days - a.days || a.code.localeCompare(b.code));

  // Every opinion of the span, routed to a unit or not (the rows count only those routed to theirs); a unit's report its own.
  const feedbackAll = unitIds ? { received: totals.feedbackReceived, answered: totals.feedbackAnswered } : await feedbackReceivedBetween(tx, span.start, last);

  return {
    feedbackAll, inspectionRounds: rounds.length, selectedCases,
    campaign: { id: c.id, name: c.name, targetUnit: c.targetUnit, xueshiMinutes: c.xueshiMinutes, start: c.startDate, end: c.endDate },
    span, targetMinutes: circular.periodTargetMinutes, tasks, units, totals, overdue,
  };
}
