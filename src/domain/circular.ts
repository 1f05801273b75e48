// The circular (通报): "领导小组办公室每半个月通报一次活动情况" / "一月一通报". Every figure is
// computed in SQL from the records for one period; the result is stored once per campaign +
// period key, and a stored period is never sent again.
//
// Who counts: a unit's active staff and heads (职工、负责人). Leaders and admins run the campaign
// and are not counted; a unit with nobody counted is left out. A person's check-ins and
// submissions go with the person (a transferred member's records count for the current unit).
import { and, desc, eq, lt } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { circulars, groups, leaderUnits, members, phases, units } from '../db/schema.ts';
import { phaseOrder, type CampaignRow } from './campaigns.ts';
import { rowsOf } from '../db/client.ts';
import { headsOf } from './directory.ts';
import { addDays, daysBetween } from '../time.ts';
import { dueSql, perUnitSql } from './audiences.ts';
import { inspectionFigures } from './inspections.ts';
import { surveyFigures } from './surveys.ts';
import { casesForCircular, markCasesCirculated } from './cases.ts';
import { circularChartPng } from '../documents/chart.ts';
import { attachImageToOutbox, storeImage, type ImageRow } from './images.ts';
import {
  CHART_WORDS, chartCaption, circularNotices, periodLastDay, renderCircular, renderUnitDetail,
  type CircularData, type CircularUnit, type Movement, type Period, type ScoreWeights, type UnitDetail,
} from './messages/circular.ts';

export type { CircularData, Period, ScoreWeights };
export type UnitFigures = CircularUnit;

export type Cadence = 'half-monthly' | 'monthly';

const pad = (n: number) => String(n).padStart(2, '0');
function lastDay(y: number, m: number): number {
  return [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

/**
 * The previous complete period a circular sent on `day` (YYYY-MM-DD, China date) covers.
 * half-monthly: sent on the 1st–15th → the previous month's 16th–last day ('2026-11-H2');
 * sent on the 16th or later → this month's 1st–15th ('2026-12-H1'). monthly: the previous month ('2026-11').
 */
export function periodFor(day: string, cadence: Cadence): Period {
  const [y, m, d] = day.split('-').map(Number);
  const py = m === 1 ? y - 1 : y;
  const pm = m === 1 ? 12 : m - 1;
  const prevLast = `${py}-${pad(pm)}-${pad(lastDay(py, pm))}`;
  if (cadence === 'monthly') return { key: `${py}-${pad(pm)}`, start: `${py}-${pad(pm)}-01`, end: prevLast };
  if (d >= 16) return { key: `${y}-${pad(m)}-H1`, start: `${y}-${pad(m)}-01`, end: `${y}-${pad(m)}-15` };
  return { key: `${py}-${pad(pm)}-H2`, start: `${py}-${pad(pm)}-16`, end: prevLast };
}

/** The period `day` falls in (the one still in progress), figures as of `day`. */
export function currentPeriodFor(day: string, cadence: Cadence): Period {
  const [y, m, d] = day.split('-').map(Number);
  const last = `${y}-${pad(m)}-${pad(lastDay(y, m))}`;
  if (cadence === 'monthly') return { key: `${y}-${pad(m)}`, start: `${y}-${pad(m)}-01`, end: last, asOf: day };
  if (d >= 16) return { key: `${y}-${pad(m)}-H2`, start: `${y}-${pad(m)}-16`, end: last, asOf: day };
  return { key: `${y}-${pad(m)}-H1`, start: `${y}-${pad(m)}-01`, end: `${y}-${pad(m)}-15`, asOf: day };
}

/** The last day a period's figures cover, and the first day by which a deadline before it has been missed. */
function spanOf(p: Period): { last: string; dueBefore: string } {
  const last = periodLastDay(p);
  return { last, dueBefore: last < p.end ? last : addDays(p.end, 1) };
}

// ------------------------------------------------------------------------------ the score

export const DEFAULT_SCORE_WEIGHTS: ScoreWeights = { participation: 40, hours: 30, tasks: 15, rectification: 15, inspection: 0, survey: 0 };

/*
 * Composite score, 0–100 (one decimal), for each unit in the period:
 *
 *   P = participants / members                        (参与率: ≥1 valid check-in in the period)
 *   H = min(1, average minutes per member / T)        (T = the period's pro-rata per-person target;
 *       with no target anywhere: average / the best unit's average, 0 when nobody studied)
 *   K = task pairs done / task pairs required         (tasks due by the period end — of the phases
 *       overlapping the period, or due within it; a member×task pair is done when submitted by the
 *       period end; a task not yet due is not required)
 *   R = items closed (销号) / items                   (rectification items as of the period end)
 *   D = mean 督查 score / 100                         (the unit's scores in the rounds dated in the period,
 *       inspections.ts inspectionFigures; weight 0 by default, so it changes nothing until the office sets one)
 *
 *   score = 100 × Σ w·x / Σ w over the parts that apply to the unit: K does not apply when the unit
 *   has no task due, R when it has no rectification items. Leaving them out (rather than counting
 *   them as done) means a unit that did nothing scores 0, not wK + wR.
 *
 * Weights default to participation 40, hours 30, tasks 15, rectification 15 and are set per
 * campaign in campaigns.schedule.scoreWeights ({ participation, hours, tasks, rectification }).
 * Rank 1 is best; equal scores share a rank (1, 1, 3). The last rank is flagged 末位 unless every unit ties.
 */
export function scoreWeightsOf(c: Pick<CampaignRow, 'schedule'>): ScoreWeights {
  const raw = (c.schedule as Record<string, unknown> | null)?.scoreWeights as Partial<Record<keyof ScoreWeights, unknown>> | undefined;
  const w = { ...DEFAULT_SCORE_WEIGHTS };
  if (raw && typeof raw === 'object') {
    for (const k of Object.keys(w) as (keyof ScoreWeights)[]) {
      const v = raw[k];
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) w[k] = v;
    }
  }
  // All zero would divide by zero: fall back to the defaults.
  return w.participation + w.hours + w.tasks + w.rectification + (w.inspection ?? 0) + (w.survey ?? 0) > 0 ? w : { ...DEFAULT_SCORE_WEIGHTS };
}

const round1 = (x: number) => Math.round(x * 10 + 1e-9) / 10;

/** 100 × Σ w·x ÷ Σ w over the parts that apply (not null); 0 when none of those has weight. */
export function scoreOf(x: UnitFigures['components'], w: ScoreWeights): number {
  let num = 0;
  let den = 0;
  for (const k of ['participation', 'hours', 'tasks', 'rectification', 'inspection', 'survey'] as const) {
    const v = x[k] ?? null;
    const wk = w[k] ?? 0;
    if (v === null || wk === 0) continue;
    num += wk * v;
    den += wk;
  }
  return den > 0 ? round1((100 * num) / den) : 0;
}

/**
 * The tasks a period requires, as SQL (id, audience): due before `dueBefore` (a task not yet due
 * is nobody's shortfall), of a phase overlapping the period or due within it (a task may be due
 * after its phase ends).
 */
function requiredTasks(campaignId: number, s: string, e: string, dueBefore: string) {
  return sql`select t.id, t.audience, t.unit_kind, t.name, t.due_date from tasks t join phases p on p.id = t.phase_id
    where p.campaign_id = ${campaignId} and t.due_date < ${dueBefore}::date
      and ((p.start_date <= ${e}::date and p.end_date >= ${s}::date) or t.due_date >= ${s}::date)`;
}

/** Competition ranking on scores (higher is better): equal scores share a rank. */
export function rankScores(scores: number[]): number[] {
  return scores.map((s) => 1 + scores.filter((o) => o > s).length);
}

// ------------------------------------------------------------------------------ the data

/**
 * The per-person target for a period: each phase's target pro rata to its days in the period, else
 * the campaign's. Where phases overlap, a day counts for the phase a check-in that day counts for
 * (campaigns.ts phaseOrder: the one that ends first), and a phase's target is spread over the days
 * it counts for — as its progress is measured.
 */
async function periodTarget(tx: Tx, c: CampaignRow, p: Period): Promise<number | null> {
  const overlap = (s: string, e: string) => {
    const a = s > p.start ? s : p.start;
    const b = e < p.end ? e : p.end;
    return b < a ? 0 : daysBetween(a, b) + 1;
  };
  const ps = await tx.select().from(phases).where(eq(phases.campaignId, c.id));
  const dated = ps.filter((ph) => ph.targetMinutes);
  if (dated.length) {
    // Each day's phase (of all phases, with a target or not), and how many days each phase has.
    const first = ps.reduce((m, ph) => (ph.startDate < m ? ph.startDate : m), ps[0].startDate);
    const last = ps.reduce((m, ph) => (ph.endDate > m ? ph.endDate : m), ps[0].endDate);
    const own = new Map<number, { days: number; inPeriod: number }>();
    for (let d = first; d <= last; d = addDays(d, 1)) {
      const ph = ps.filter((x) => x.startDate <= d && x.endDate >= d).sort(phaseOrder)[0];
      if (!ph) continue;
      const o = own.get(ph.id) ?? { days: 0, inPeriod: 0 };
      o.days++;
      if (d >= p.start && d <= p.end) o.inPeriod++;
      own.set(ph.id, o);
    }
    let sum = 0;
    let any = false;
    for (const ph of dated) {
      const o = own.get(ph.id);
      if (!o?.inPeriod) continue;
      any = true;
      sum += (ph.targetMinutes! * o.inPeriod) / o.days;
    }
    if (any) return Math.round(sum);
  }
  if (c.targetMinutes) {
    const o = overlap(c.startDate, c.endDate);
    return o ? Math.round((c.targetMinutes * o) / (daysBetween(c.startDate, c.endDate) + 1)) : null;
  }
  return null;
}

/** The unit's counted members (active staff and heads of active units), as a SQL fragment. */
const COUNTED = sql`select m.id, m.unit_id, m.role, m.name, m.party_member, m.leadership, u.kind as unit_kind from members m join units u on u.id = m.unit_id
  where m.active and u.active and m.role in ('staff', 'head')`;

/**
 * Every share of the required tasks `pt` owed by the counted people `mem` (audiences.ts decides):
 * (unit_id, task_id, member_id) per person a task names, and (unit_id, task_id, null) once per
 * unit for a per-unit task.
 */
const OWED = sql`select mem.unit_id, pt.id as task_id, mem.id as member_id from mem join pt on not ${perUnitSql('pt')} and ${dueSql('pt', 'mem')}
  union all
  select distinct mem.unit_id, pt.id, null::int from mem join pt on ${perUnitSql('pt')} and ${dueSql('pt', 'mem')}`;

/**
 * Whether the share `o` (OWED) was handed in: by the person, or by anyone of the unit for a
 * per-unit share. Two EXISTS, not one with an OR: each then finds its rows through
 * submissions_task_member_idx (the OR read every submission of the task for each share: 20 s for
 * 20,000 people).
 */
const HANDED_IN = (o: string, last: string) => sql`((${sql.raw(o)}.member_id is not null and exists (select 1 from submissions s
    where s.task_id = ${sql.raw(o)}.task_id and s.member_id = ${sql.raw(o)}.member_id and ${cnDate('s.created_at')} <= ${last}::date))
  or (${sql.raw(o)}.member_id is null and exists (select 1 from submissions s
    where s.task_id = ${sql.raw(o)}.task_id and s.unit_id = ${sql.raw(o)}.unit_id and ${cnDate('s.created_at')} <= ${last}::date)))`;
const cnDate = (col: string) => sql.raw(`(${col} at time zone 'Asia/Shanghai')::date`);

interface RawUnit {
  unitId: number; unitName: string; members: number; participants: number; totalMinutes: number; checkins: number;
  submissions: number; tasksRequired: number; tasksDone: number; feedbackReceived: number; feedbackAnswered: number;
  rectTotal: number; rectClosed: number; rectOverdue: number;
}

/**
 * Every unit's figures for the period, with scores, ranks and movement since the campaign's
 * previous stored circular. Rectification items are counted as of the period end: total = created
 * by then; closed = 已销号 by then; overdue = deadline < period end + 1 day and status neither
 * 待销号 (pending) nor 已销号 (closed) — the current status, as isOverdue(item, periodEnd + 1).
 * Feedback: routed to the unit (feedback.unit_id) with created_on in the period; answered = an
 * answer recorded by the period end, or 办结. Items of the campaign and items tied to no campaign count.
 */
export async function computeCircular(tx: Tx, c: CampaignRow, p: Period): Promise<CircularData> {
  const s = p.start;
  const { last: e, dueBefore: e1 } = spanOf(p);
  const res = await tx.execute(sql`
    with mem as (${COUNTED}),
    ck as (
      -- Aggregated before it meets mem (mu keeps only counted people): joining first made the
      -- planner hash every check-in of the period, 2-3x slower at a million rows.
      select c.member_id, count(*)::int as n, coalesce(sum(c.minutes), 0)::int as minutes
      from checkins c
      where c.campaign_id = ${c.id} and c.status = 'valid' and c.study_date between ${s}::date and ${e}::date
      group by c.member_id),
    sub as (
      select s.member_id, count(distinct s.task_id)::int as n
      from submissions s join tasks t on t.id = s.task_id join phases p on p.id = t.phase_id join mem on mem.id = s.member_id
      where p.campaign_id = ${c.id} and ${cnDate('s.created_at')} between ${s}::date and ${e}::date
      group by s.member_id),
    mu as (
      select mem.unit_id, count(*)::int as members, count(ck.member_id)::int as participants,
        coalesce(sum(ck.minutes), 0)::int as minutes, coalesce(sum(ck.n), 0)::int as checkins, coalesce(sum(sub.n), 0)::int as submissions
      from mem left join ck on ck.member_id = mem.id left join sub on sub.member_id = mem.id
      group by mem.unit_id),
    pt as (${requiredTasks(c.id, s, e, e1)}),
    owed as (${OWED}),
    req as (
      select o.unit_id, count(*)::int as required, count(*) filter (where ${HANDED_IN('o', e)})::int as done
      from owed o
      group by o.unit_id),
    fb as (
      select f.unit_id, count(*)::int as received,
        count(*) filter (where (f.answered_at is not null and ${cnDate('f.answered_at')} <= ${e}::date) or f.status = 'closed')::int as answered
      from feedback f
      where f.unit_id is not null and f.created_on between ${s}::date and ${e}::date
      group by f.unit_id),
    rc as (
      select r.unit_id, count(*)::int as total,
        count(*) filter (where r.status = 'closed' and (r.closed_at is null or ${cnDate('r.closed_at')} <= ${e}::date))::int as closed,
        count(*) filter (where r.deadline < ${e1}::date and r.status not in ('pending', 'closed'))::int as overdue
      from rectifications r
      where (r.campaign_id = ${c.id} or r.campaign_id is null) and ${cnDate('r.created_at')} <= ${e}::date
      group by r.unit_id)
    select u.id as "unitId", u.name as "unitName", mu.members, mu.participants, mu.minutes as "totalMinutes",
      mu.checkins, mu.submissions, coalesce(req.required, 0)::int as "tasksRequired", coalesce(req.done, 0)::int as "tasksDone",
      coalesce(fb.received, 0)::int as "feedbackReceived", coalesce(fb.answered, 0)::int as "feedbackAnswered",
      coalesce(rc.total, 0)::int as "rectTotal", coalesce(rc.closed, 0)::int as "rectClosed", coalesce(rc.overdue, 0)::int as "rectOverdue"
    from units u join mu on mu.unit_id = u.id
    left join req on req.unit_id = u.id left join fb on fb.unit_id = u.id left join rc on rc.unit_id = u.id
    where u.active
    order by u.id`);
  const raw = rowsOf<RawUnit>(res).map((r) => Object.fromEntries(
    Object.entries(r).map(([k, v]) => [k, k === 'unitName' ? v : Number(v)]),
  ) as unknown as RawUnit);

  const target = await periodTarget(tx, c, { ...p, end: e });
  const weights = scoreWeightsOf(c);
  const insp = await inspectionFigures(tx, c.id, s, e);
  const surv = await surveyFigures(tx, c.id, s, e);
  const maxAvg = Math.max(0, ...raw.map((r) => r.totalMinutes / r.members));
  const scored = raw.map((r) => {
    const avg = r.totalMinutes / r.members;
    const components = {
      participation: r.participants / r.members,
      hours: target ? Math.min(1, avg / target) : maxAvg > 0 ? avg / maxAvg : 0,
      tasks: r.tasksRequired ? r.tasksDone / r.tasksRequired : null,
      rectification: r.rectTotal ? r.rectClosed / r.rectTotal : null,
      inspection: insp.unitScores.has(r.unitId) ? insp.unitScores.get(r.unitId)! / 100 : null,
      survey: surv.unitScores.has(r.unitId) ? surv.unitScores.get(r.unitId)! / 100 : null,
    };
    const score = scoreOf(components, weights);
    return { ...r, participationRate: components.participation, avgMinutes: Math.round(avg), components, score };
  });
  const ranks = rankScores(scored.map((u) => u.score));

  const [prev] = await tx.select().from(circulars)
    .where(and(eq(circulars.campaignId, c.id), lt(circulars.periodEnd, p.start)))
    .orderBy(desc(circulars.periodEnd)).limit(1);
  const prevRanks = new Map<number, number>();
  for (const u of ((prev?.data as CircularData | undefined)?.units ?? [])) prevRanks.set(u.unitId, u.rank);
  const worst = Math.max(...ranks);
  const unitsOut: UnitFigures[] = scored.map((u, i) => {
    const rank = ranks[i];
    let movement: Movement | null = null;
    if (prev) {
      const before = prevRanks.get(u.unitId);
      movement = before === undefined ? 'new' : before > rank ? `↑${before - rank}` : before < rank ? `↓${rank - before}` : '—';
    }
    return { ...u, rank, movement, last: worst > 1 && rank === worst };
  }).sort((a, b) => a.rank - b.rank || a.unitId - b.unitId);

  const sum = (k: keyof RawUnit) => raw.reduce((t, r) => t + (r[k] as number), 0);
  const totalMembers = sum('members');
  const totals = {
    members: totalMembers, participants: sum('participants'),
    participationRate: totalMembers ? sum('participants') / totalMembers : 0,
    totalMinutes: sum('totalMinutes'), avgMinutes: totalMembers ? Math.round(sum('totalMinutes') / totalMembers) : 0,
    checkins: sum('checkins'), submissions: sum('submissions'),
    feedbackReceived: sum('feedbackReceived'), feedbackAnswered: sum('feedbackAnswered'),
    rectTotal: sum('rectTotal'), rectClosed: sum('rectClosed'), rectOverdue: sum('rectOverdue'),
  };

  const lrows = await tx.select({ memberId: members.id, name: members.name, unitId: leaderUnits.unitId })
    .from(members).leftJoin(leaderUnits, eq(leaderUnits.memberId, members.id))
    .where(and(eq(members.role, 'leader'), eq(members.active, true))).orderBy(members.id, leaderUnits.unitId);
  const leaders: CircularData['leaders'] = [];
  for (const r of lrows) {
    let l = leaders.find((x) => x.memberId === r.memberId);
    if (!l) leaders.push(l = { memberId: r.memberId, name: r.name, unitIds: [] });
    if (r.unitId !== null) l.unitIds.push(r.unitId);
  }

  // 好的做法: the cases selected since the last circular went out (sendCircular marks them as carried).
  const goodPractice = (await casesForCircular(tx, c.id)).map((g) => ({ caseId: g.id, code: g.code, unitName: g.unitName, title: g.title, content: g.content, comment: g.comment }));

  return {
    campaignId: c.id, campaignName: c.name, period: p, periodTargetMinutes: target, weights,
    previousPeriodKey: prev?.periodKey ?? null, totals, units: unitsOut, leaders, goodPractice,
    ...(insp.rounds.length ? { inspections: insp.rounds } : {}),
    ...(surv.surveys.length ? { surveys: surv.surveys } : {}),
  };
}

// ------------------------------------------------------------------------------ a head's detail

/** A unit head's detail (renderUnitDetail words it): who is behind (below the period's pro-rata target, or no check-in) and tasks not submitted, as of the period's last day. */
export async function unitDetail(tx: Tx, d: CircularData, unitId: number): Promise<UnitDetail> {
  const u = d.units.find((x) => x.unitId === unitId);
  const [unit] = u ? [] : await tx.select().from(units).where(eq(units.id, unitId));
  const s = d.period.start;
  const { last: e, dueBefore } = spanOf(d.period);
  const people = rowsOf<{ name: string; minutes: number; n: number }>(await tx.execute(sql`
    with mem as (${COUNTED})
    select mem.name, coalesce(sum(c.minutes), 0)::int as minutes, count(c.id)::int as n
    from mem left join checkins c on c.member_id = mem.id and c.campaign_id = ${d.campaignId} and c.status = 'valid'
      and c.study_date between ${s}::date and ${e}::date
    where mem.unit_id = ${unitId}
    group by mem.id, mem.name
    order by minutes, mem.id`));
  // A per-unit task not in is named by the unit.
  const missing = rowsOf<{ task: string; names: string[] }>(await tx.execute(sql`
    with mem as (${COUNTED} and m.unit_id = ${unitId}),
    pt as (${requiredTasks(d.campaignId, s, e, dueBefore)}),
    owed as (${OWED})
    select pt.name as task, json_agg(coalesce(mem.name, u.name) order by o.member_id nulls first) as names
    from owed o join pt on pt.id = o.task_id join units u on u.id = o.unit_id left join mem on mem.id = o.member_id
    where not ${HANDED_IN('o', e)}
    group by pt.id, pt.name, pt.due_date
    order by pt.due_date, pt.id`));
  const target = d.periodTargetMinutes;
  return {
    unitId, unitName: u?.unitName ?? unit?.name ?? null,
    behind: people.map((p) => ({ name: p.name, minutes: Number(p.minutes), checkins: Number(p.n) }))
      .filter((p) => p.checkins === 0 || (target !== null && p.minutes < target)),
    missingTasks: missing.map((m) => ({ task: m.task, names: m.names })),
  };
}

// ------------------------------------------------------------------------------ the chart

/** How long a sent circular's chart stays downloadable (its link in DingTalk, the platforms that show it by link). */
export const CHART_TTL_MS = 30 * 86_400_000;
/** A preview's chart: a day. */
export const PREVIEW_CHART_TTL_MS = 86_400_000;

/** The data of the campaign's last stored circular before `periodStart` (the chart's comparison), or null. */
export async function previousCircularData(tx: Tx, campaignId: number, periodStart: string): Promise<CircularData | null> {
  const [prev] = await tx.select({ data: circulars.data }).from(circulars)
    .where(and(eq(circulars.campaignId, campaignId), lt(circulars.periodEnd, periodStart)))
    .orderBy(desc(circulars.periodEnd)).limit(1);
  return (prev?.data as CircularData | undefined) ?? null;
}

/**
 * The circular's chart (src/documents/chart.ts), drawn against the last stored circular and kept
 * (the images table) for the outbox rows that show it. Null when it could not be drawn: the text
 * circular goes out all the same (`error` says why, for the caller's log).
 */
export async function storeCircularChart(tx: Tx, d: CircularData, o: { now: Date; preview: boolean }):
  Promise<{ file: ImageRow | null; error?: string }> {
  let png: Buffer;
  try {
    png = await circularChartPng(d, await previousCircularData(tx, d.campaignId, d.period.start));
  } catch (err) {
    return { file: null, error: err instanceof Error ? err.message : String(err) };
  }
  const file = await storeImage(tx, { kind: 'chart', fileName: CHART_WORDS.fileName({ periodKey: d.period.key }), data: png, params: { periodKey: d.period.key, preview: o.preview } },
    { now: o.now, ttlMs: o.preview ? PREVIEW_CHART_TTL_MS : CHART_TTL_MS });
  return { file };
}

/**
 * Queue the chart to one person or group under `key` (after the text circular's row): an outbox
 * row whose text is the chart's caption and whose image is the chart (delivery shows the picture,
 * or the caption with a link or a note where the platform cannot).
 */
export async function notifyChart(tx: Tx, notify: Notify, key: string, to: { memberId: number } | { groupId: number }, d: CircularData, chart: ImageRow, preview: boolean) {
  await notify(key, to, chartCaption({ campaign: d.campaignName, periodKey: d.period.key, preview }));
  await attachImageToOutbox(tx, key, chart.id);
}

// ------------------------------------------------------------------------------ sending

export type Notify = (key: string, to: { memberId: number } | { groupId: number }, text: string) => Promise<void>;

/**
 * Store the period's circular and queue it: the circular to every campaign-wide group and every
 * leader (with a line on the units they lead), each followed by its chart (a picture where the
 * platform shows one); each unit head the unit's detail. A period already stored is not sent
 * again ({ alreadySent: true }). `chartError`: the chart could not be drawn (the text went anyway).
 */
export async function sendCircular(tx: Tx, c: CampaignRow, p: Period, notify: Notify, now: Date):
  Promise<{ alreadySent: boolean; circular: typeof circulars.$inferSelect; data: CircularData; chartError?: string }> {
  const existing = await storedCircular(tx, c.id, p.key);
  if (existing) return { alreadySent: true, circular: existing, data: existing.data as CircularData };
  const data = await computeCircular(tx, c, p);
  const text = renderCircular(data);
  const [row] = await tx.insert(circulars).values({
    campaignId: c.id, periodKey: p.key, periodStart: p.start, periodEnd: p.end, data, text, createdAt: now, sentAt: now,
  }).onConflictDoNothing().returning();
  if (!row) {
    const other = (await storedCircular(tx, c.id, p.key))!;
    return { alreadySent: true, circular: other, data: other.data as CircularData };
  }
  await markCasesCirculated(tx, (data.goodPractice ?? []).map((g) => g.caseId), row.id);
  const chart = await storeCircularChart(tx, data, { now, preview: false });
  for (const g of await tx.select().from(groups).where(eq(groups.scope, 'campaign'))) {
    await notify(`circular:${row.id}:group:${g.id}`, { groupId: g.id }, text);
    if (chart.file) await notifyChart(tx, notify, `circular:${row.id}:group:${g.id}:chart`, { groupId: g.id }, data, chart.file, false);
  }
  for (const l of data.leaders) {
    const mine = data.units.filter((u) => l.unitIds.includes(u.unitId));
    await notify(`circular:${row.id}:leader:${l.memberId}`, { memberId: l.memberId }, circularNotices.toLeader({ name: l.name, text, units: mine }));
    if (chart.file) await notifyChart(tx, notify, `circular:${row.id}:leader:${l.memberId}:chart`, { memberId: l.memberId }, data, chart.file, false);
  }
  for (const h of await headsOf(tx)) {
    if (!data.units.some((u) => u.unitId === h.unitId)) continue;
    const detail = renderUnitDetail(data, await unitDetail(tx, data, h.unitId));
    await notify(`circular:${row.id}:head:${h.id}`, { memberId: h.id }, circularNotices.toHead({ name: h.name, detail }));
  }
  return { alreadySent: false, circular: row, data, ...(chart.error ? { chartError: chart.error } : {}) };
}

export async function storedCircular(tx: Tx, campaignId: number, periodKey: string) {
  const [row] = await tx.select().from(circulars).where(and(eq(circulars.campaignId, campaignId), eq(circulars.periodKey, periodKey)));
  return row ?? null;
}

export async function circularById(tx: Tx, id: number) {
  if (!Number.isSafeInteger(id) || id <= 0 || id > 2147483647) return null;
  const [row] = await tx.select().from(circulars).where(eq(circulars.id, id));
  return row ?? null;
}

export async function circularHistory(tx: Tx, campaignId: number) {
  return tx.select({ id: circulars.id, periodKey: circulars.periodKey, periodStart: circulars.periodStart, periodEnd: circulars.periodEnd, sentAt: circulars.sentAt, createdAt: circulars.createdAt })
    .from(circulars).where(eq(circulars.campaignId, campaignId)).orderBy(desc(circulars.periodEnd));
}

/** The cadence a campaign's circular runs at (campaigns.schedule.circular.cadence; half-monthly by default). */
export function cadenceOf(c: Pick<CampaignRow, 'schedule'>): Cadence {
  const v = ((c.schedule as Record<string, any> | null)?.circular as { cadence?: unknown } | undefined)?.cadence;
  return v === 'monthly' ? 'monthly' : 'half-monthly';
}

// ------------------------------------------------------------------------------ the trend

/** One half-month of the campaign so far: participation and study time per counted person (the console's trend line). */
export interface TrendPoint { key: string; start: string; end: string; members: number; participants: number; participationRate: number; avgMinutes: number }

/**
 * Per half-month from the campaign's start to `today` (the last one in progress, to today), over
 * the people the circular counts (of these units; null: every unit): 参与率 as the circular's P
 * (≥ 1 valid check-in in the half-month ÷ counted people) and minutes per counted person, from
 * study_periods.
 */
export async function halfMonthTrend(tx: Tx, c: CampaignRow, unitIds: number[] | null, today: string): Promise<TrendPoint[]> {
  const last = today < c.endDate ? today : c.endDate;
  if (last < c.startDate) return [];
  const periods: Period[] = [];
  for (let p = currentPeriodFor(c.startDate, 'half-monthly'); p.start <= last; p = currentPeriodFor(addDays(p.end, 1), 'half-monthly')) periods.push(p);
  const unitFilter = unitIds ? (unitIds.length ? sql`and m.unit_id in (${sql.join(unitIds.map((id) => sql`${id}`), sql`, `)})` : sql`and false`) : sql``;
  // From study_periods (one row per person and half-month, kept by the check-in triggers), not from
  // every check-in: 1,000,000 check-ins took 0.65 s to group, their ~100,000 period rows take ms.
  const rows = rowsOf<{ start: string; participants: number; minutes: number }>(await tx.execute(sql`
    with mem as (${COUNTED} ${unitFilter})
    select sp.period_start::text as start, count(*)::int as participants, coalesce(sum(sp.minutes), 0)::int as minutes
    from study_periods sp join mem on mem.id = sp.member_id
    where sp.campaign_id = ${c.id} and sp.checkins > 0 and sp.period_start between ${periods[0].start}::date and ${periods[periods.length - 1].start}::date
    group by sp.period_start`));
  const [{ n }] = rowsOf<{ n: number }>(await tx.execute(sql`with mem as (${COUNTED} ${unitFilter}) select count(*)::int as n from mem`));
  const members = Number(n);
  const byStart = new Map(rows.map((r) => [r.start, r]));
  return periods.map((p) => {
    const r = byStart.get(p.start);
    const participants = Number(r?.participants ?? 0);
    return {
      key: p.key, start: p.start, end: p.end < last ? p.end : last, members, participants,
      participationRate: members ? participants / members : 0, avgMinutes: members ? Math.round(Number(r?.minutes ?? 0) / members) : 0,
    };
  });
}
