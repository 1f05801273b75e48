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
import type { CampaignRow } from './campaigns.ts';
import { rowsOf } from '../db/client.ts';
import { headsOf } from './directory.ts';
import { formatMinutes } from '../parse/duration.ts';
import { addDays, daysBetween } from '../time.ts';

export type Cadence = 'half-monthly' | 'monthly';
/**
 * A circular's period. `asOf` is set for a period still in progress (/通报 预览 本期): the
 * figures then run from `start` to `asOf` (today), and a task or rectification deadline counts
 * as missed only once it has passed (before today).
 */
export interface Period { key: string; start: string; end: string; asOf?: string }

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
  return p.asOf && p.asOf < p.end ? { last: p.asOf, dueBefore: p.asOf } : { last: p.end, dueBefore: addDays(p.end, 1) };
}

/** '2026-12-H1' → '2026年12月上半月', '2026-11-H2' → '2026年11月下半月', '2026-11' → '2026年11月'. */
export function periodLabel(key: string): string {
  const m = /^(\d{4})-(\d{2})(?:-H([12]))?$/.exec(key);
  if (!m) return key;
  return `${m[1]}年${Number(m[2])}月${m[3] === '1' ? '上半月' : m[3] === '2' ? '下半月' : ''}`;
}

/** M月D日 (the year is in the period label). */
const md = (d: string) => `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;

// ------------------------------------------------------------------------------ the score

export interface ScoreWeights { participation: number; hours: number; tasks: number; rectification: number }
export const DEFAULT_SCORE_WEIGHTS: ScoreWeights = { participation: 40, hours: 30, tasks: 15, rectification: 15 };

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
 *
 *   score = 100 × Σ w·x / Σ w over the parts that apply to the unit: K does not apply when the unit
 *   has no task due, R when it has no rectification items. Leaving them out (rather than counting
 *   them as done) means a unit that did nothing scores 0, not wK + wR.
 *
 * Weights default to participation 40, hours 30, tasks 15, rectification 15 and are set per
 * campaign in campaigns.schedule.scoreWeights ({ participation, hours, tasks, rectification }).
 * Rank 1 is best; equal scores share a rank (1, 1, 3). The last rank is flagged 末位 unless every unit ties.
 */
export const SCORE_FORMULA_TEXT = [
  '综合得分（0–100，保留一位小数）= 100 × (wP·P + wH·H + wK·K + wR·R) ÷ (wP + wH + wK + wR)，只计适用于该单位的项：单位没有到期任务时不计 K，没有整改事项时不计 R（其余各项的权重按比例放大，合计仍为 100%），其中：',
  '- P 参与率 = 本期至少有 1 次有效打卡的人数 ÷ 单位人数（在职的职工和负责人）；',
  '- H 学时完成度 = min(1, 人均学习时长 ÷ 本期人均目标)；本期目标按各阶段目标（没有阶段目标时按活动目标）与本期重叠的天数折算；都没有目标时，按人均时长 ÷ 最高单位人均时长；',
  '- K 任务完成率 = 截至期末已提交的「人×任务」数 ÷ 应提交数（截止日期在期末之前的任务：与本期重叠的阶段的任务，或截止日期在本期内的任务；“负责人”任务只计负责人；还没到截止日期的任务不计）；',
  '- R 整改销号率 = 截至期末已销号事项 ÷ 整改事项总数。',
  '默认权重 wP=40、wH=30、wK=15、wR=15，管理员可发「/通报 权重 参与40 学时30 任务15 整改15」调整（存于活动设置 schedule.scoreWeights）。',
  '得分相同的单位名次相同；排名最后的单位标注「末位」。',
].join('\n');

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
  return w.participation + w.hours + w.tasks + w.rectification > 0 ? w : { ...DEFAULT_SCORE_WEIGHTS };
}

const round1 = (x: number) => Math.round(x * 10 + 1e-9) / 10;

/** 100 × Σ w·x ÷ Σ w over the parts that apply (not null); 0 when none of those has weight. */
export function scoreOf(x: UnitFigures['components'], w: ScoreWeights): number {
  let num = 0;
  let den = 0;
  for (const k of ['participation', 'hours', 'tasks', 'rectification'] as const) {
    const v = x[k];
    if (v === null) continue;
    num += w[k] * v;
    den += w[k];
  }
  return den > 0 ? round1((100 * num) / den) : 0;
}

/**
 * The tasks a period requires, as SQL (id, audience): due before `dueBefore` (a task not yet due
 * is nobody's shortfall), of a phase overlapping the period or due within it (a task may be due
 * after its phase ends).
 */
function requiredTasks(campaignId: number, s: string, e: string, dueBefore: string) {
  return sql`select t.id, t.audience, t.name, t.due_date from tasks t join phases p on p.id = t.phase_id
    where p.campaign_id = ${campaignId} and t.due_date < ${dueBefore}::date
      and ((p.start_date <= ${e}::date and p.end_date >= ${s}::date) or t.due_date >= ${s}::date)`;
}

/** Competition ranking on scores (higher is better): equal scores share a rank. */
export function rankScores(scores: number[]): number[] {
  return scores.map((s) => 1 + scores.filter((o) => o > s).length);
}

// ------------------------------------------------------------------------------ the data

export interface UnitFigures {
  unitId: number;
  unitName: string;
  members: number;
  participants: number;
  /** 0..1 */
  participationRate: number;
  totalMinutes: number;
  /** Rounded to a minute. */
  avgMinutes: number;
  checkins: number;
  /** Distinct member×task submissions made in the period. */
  submissions: number;
  tasksRequired: number;
  tasksDone: number;
  feedbackReceived: number;
  feedbackAnswered: number;
  rectTotal: number;
  rectClosed: number;
  rectOverdue: number;
  /** 0..1 each; null for a part that does not apply to the unit (no task due, no items): left out of its score. */
  components: { participation: number; hours: number; tasks: number | null; rectification: number | null };
  score: number;
  rank: number;
  /** '↑2' | '↓1' | '—' | '新'; null when there is no earlier circular. */
  movement: string | null;
  last: boolean;
}

export interface CircularData {
  campaignId: number;
  campaignName: string;
  period: Period;
  /** Per-person pro-rata target for the period, in minutes; null when none is set. */
  periodTargetMinutes: number | null;
  weights: ScoreWeights;
  previousPeriodKey: string | null;
  totals: Omit<UnitFigures, 'unitId' | 'unitName' | 'components' | 'score' | 'rank' | 'movement' | 'last' | 'tasksRequired' | 'tasksDone'>;
  /** Best first. */
  units: UnitFigures[];
  leaders: { memberId: number; name: string; unitIds: number[] }[];
}

/** The per-person target for a period: each phase's target pro rata to its overlap with the period, else the campaign's. */
async function periodTarget(tx: Tx, c: CampaignRow, p: Period): Promise<number | null> {
  const overlap = (s: string, e: string) => {
    const a = s > p.start ? s : p.start;
    const b = e < p.end ? e : p.end;
    return b < a ? 0 : daysBetween(a, b) + 1;
  };
  const ps = await tx.select().from(phases).where(eq(phases.campaignId, c.id));
  let sum = 0;
  let any = false;
  for (const ph of ps) {
    if (!ph.targetMinutes) continue;
    const o = overlap(ph.startDate, ph.endDate);
    if (!o) continue;
    any = true;
    sum += (ph.targetMinutes * o) / (daysBetween(ph.startDate, ph.endDate) + 1);
  }
  if (any) return Math.round(sum);
  if (c.targetMinutes) {
    const o = overlap(c.startDate, c.endDate);
    return o ? Math.round((c.targetMinutes * o) / (daysBetween(c.startDate, c.endDate) + 1)) : null;
  }
  return null;
}

/** The unit's counted members (active staff and heads of active units), as a SQL fragment. */
const COUNTED = sql`select m.id, m.unit_id, m.role, m.name from members m join units u on u.id = m.unit_id
  where m.active and u.active and m.role in ('staff', 'head')`;
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
    req as (
      select mem.unit_id, count(*)::int as required,
        count(*) filter (where exists (select 1 from submissions s where s.task_id = pt.id and s.member_id = mem.id
          and ${cnDate('s.created_at')} <= ${e}::date))::int as done
      from mem join pt on pt.audience = 'all' or mem.role = 'head'
      group by mem.unit_id),
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
  const maxAvg = Math.max(0, ...raw.map((r) => r.totalMinutes / r.members));
  const scored = raw.map((r) => {
    const avg = r.totalMinutes / r.members;
    const components = {
      participation: r.participants / r.members,
      hours: target ? Math.min(1, avg / target) : maxAvg > 0 ? avg / maxAvg : 0,
      tasks: r.tasksRequired ? r.tasksDone / r.tasksRequired : null,
      rectification: r.rectTotal ? r.rectClosed / r.rectTotal : null,
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
    let movement: string | null = null;
    if (prev) {
      const before = prevRanks.get(u.unitId);
      movement = before === undefined ? '新' : before > rank ? `↑${before - rank}` : before < rank ? `↓${rank - before}` : '—';
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

  return {
    campaignId: c.id, campaignName: c.name, period: p, periodTargetMinutes: target, weights,
    previousPeriodKey: prev?.periodKey ?? null, totals, units: unitsOut, leaders,
  };
}

// ------------------------------------------------------------------------------ rendering

/** '12月1日 至 12月15日'; a period in progress: '12月16日 至 12月20日（本期尚未结束，截至今天）'. */
function spanText(p: Period): string {
  const { last } = spanOf(p);
  return last < p.end ? `${md(p.start)} 至 ${md(last)}，本期到${md(p.end)}结束，数字截至今天` : `${md(p.start)} 至 ${md(p.end)}`;
}

/** '—' (no change) reads as a dash beside the line's own dashes: written 持平. */
const movementText = (m: string) => (m === '—' ? '持平' : m);

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function renderCircular(d: CircularData): string {
  const t = d.totals;
  const lines = [
    `【${d.campaignName}】活动情况通报（${periodLabel(d.period.key)}：${spanText(d.period)}）`,
    `全活动：参与 ${t.participants}/${t.members} 人（${pct(t.participationRate)}），累计学习 ${formatMinutes(t.totalMinutes)}，人均 ${formatMinutes(t.avgMinutes)}`
      + `${d.periodTargetMinutes ? `（本期人均目标 ${formatMinutes(d.periodTargetMinutes)}）` : ''}；打卡 ${t.checkins} 次；任务提交 ${t.submissions} 份；`
      + `收到意见建议 ${t.feedbackReceived} 条、已答复 ${t.feedbackAnswered} 条；整改事项 ${t.rectTotal} 项、已销号 ${t.rectClosed} 项、逾期 ${t.rectOverdue} 项。`,
    `各单位排名（综合得分，满分 100${d.previousPeriodKey ? `；升降对比${periodLabel(d.previousPeriodKey)}` : ''}）：`,
  ];
  if (!d.units.length) lines.push('（暂无单位数据）');
  for (const u of d.units) {
    lines.push(`${u.rank}. ${u.unitName} ${u.score}分${u.movement ? ` ${movementText(u.movement)}` : ''}${u.last ? '（末位）' : ''}`
      + ` — 参与 ${u.participants}/${u.members}（${pct(u.participationRate)}），共 ${formatMinutes(u.totalMinutes)}、人均 ${formatMinutes(u.avgMinutes)}，`
      + `打卡 ${u.checkins} 次，任务 ${u.submissions} 份，意见 ${u.feedbackReceived} 条已答复 ${u.feedbackAnswered}，`
      + `整改 ${u.rectTotal} 项销号 ${u.rectClosed}${u.rectOverdue ? `、逾期 ${u.rectOverdue}` : ''}`);
  }
  const last = d.units.filter((u) => u.last);
  if (last.length) lines.push(`末位单位：${last.map((u) => u.unitName).join('、')}，请主要负责人抓紧整改落实。`);
  lines.push('综合得分 = 参与率、人均学时完成度、任务完成率、整改销号率加权（满分 100）；没有到期任务或没有整改事项的单位，按其余各项折算。');
  return lines.join('\n');
}

/** A unit head's detail: who is behind (below the period's pro-rata target, or no check-in) and tasks not submitted, as of the period end. */
export async function renderUnitDetail(tx: Tx, d: CircularData, unitId: number): Promise<string> {
  const u = d.units.find((x) => x.unitId === unitId);
  const [unit] = await tx.select().from(units).where(eq(units.id, unitId));
  const name = u?.unitName ?? unit?.name ?? `单位#${unitId}`;
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
  const missing = rowsOf<{ task: string; names: string }>(await tx.execute(sql`
    with mem as (${COUNTED})
    select t.name as task, string_agg(mem.name, '、' order by mem.id) as names
    from (${requiredTasks(d.campaignId, s, e, dueBefore)}) t
    join mem on mem.unit_id = ${unitId} and (t.audience = 'all' or mem.role = 'head')
    where not exists (select 1 from submissions x where x.task_id = t.id and x.member_id = mem.id
        and ${cnDate('x.created_at')} <= ${e}::date)
    group by t.id, t.name, t.due_date
    order by t.due_date, t.id`));
  const target = d.periodTargetMinutes;
  const behind = people.filter((p) => Number(p.n) === 0 || (target !== null && Number(p.minutes) < target));
  const lines = [`【${name}】${periodLabel(d.period.key)}（${spanText(d.period)}）通报明细`];
  if (u) {
    lines.push(`综合得分 ${u.score} 分，第 ${u.rank}/${d.units.length} 名${u.movement ? `（${movementText(u.movement)}）` : ''}${u.last ? '，本期末位' : ''}；`
      + `参与 ${u.participants}/${u.members}，人均 ${formatMinutes(u.avgMinutes)}；整改 ${u.rectTotal} 项、销号 ${u.rectClosed}、逾期 ${u.rectOverdue}。`);
  }
  if (target !== null) lines.push(`本期人均目标 ${formatMinutes(target)}（按阶段目标折算）。`);
  if (behind.length) {
    lines.push(`进度落后（${behind.length} 人）：${behind.map((p) => `${p.name} ${Number(p.n) === 0 ? '本期未打卡' : formatMinutes(Number(p.minutes))}`).join('、')}`);
  } else {
    lines.push('本期全员达到进度。');
  }
  if (missing.length) {
    lines.push(`截至${md(e)}未提交的任务：`);
    for (const m of missing) lines.push(`  · ${m.task}：${m.names}`);
  }
  lines.push('请督促落后人员及时学习打卡、提交任务。发送「本单位」可查看最新进度。');
  return lines.join('\n');
}

// ------------------------------------------------------------------------------ sending

export type Notify = (key: string, to: { memberId: number } | { groupId: number }, text: string) => Promise<void>;

/**
 * Store the period's circular and queue it: the circular to every campaign-wide group and every
 * leader (with a line on the units they lead), each unit head the unit's detail. A period already
 * stored is not sent again ({ alreadySent: true }).
 */
export async function sendCircular(tx: Tx, c: CampaignRow, p: Period, notify: Notify, now: Date):
  Promise<{ alreadySent: boolean; circular: typeof circulars.$inferSelect; data: CircularData }> {
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
  for (const g of await tx.select().from(groups).where(eq(groups.scope, 'campaign'))) {
    await notify(`circular:${row.id}:group:${g.id}`, { groupId: g.id }, text);
  }
  for (const l of data.leaders) {
    const mine = data.units.filter((u) => l.unitIds.includes(u.unitId));
    const extra = mine.length
      ? `\n\n您分管的单位：${mine.map((u) => `${u.unitName} 第${u.rank}名（${u.score}分${u.last ? '，末位' : ''}）`).join('；')}`
      : '';
    await notify(`circular:${row.id}:leader:${l.memberId}`, { memberId: l.memberId }, `${l.name}您好：${text}${extra}`);
  }
  for (const h of await headsOf(tx)) {
    if (!data.units.some((u) => u.unitId === h.unitId)) continue;
    await notify(`circular:${row.id}:head:${h.id}`, { memberId: h.id }, `${h.name}您好：${await renderUnitDetail(tx, data, h.unitId)}`);
  }
  return { alreadySent: false, circular: row, data };
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
export interface TrendPoint { key: string; label: string; start: string; end: string; members: number; participants: number; participationRate: number; avgMinutes: number }

/**
 * Per half-month from the campaign's start to `today` (the last one in progress, to today), over
 * the people the circular counts (of these units; null: every unit): 参与率 as the circular's P
 * (≥ 1 valid check-in in the half-month ÷ counted people) and minutes per counted person. One
 * statement over the campaign's check-ins.
 */
export async function halfMonthTrend(tx: Tx, c: CampaignRow, unitIds: number[] | null, today: string): Promise<TrendPoint[]> {
  const last = today < c.endDate ? today : c.endDate;
  if (last < c.startDate) return [];
  const periods: Period[] = [];
  for (let p = currentPeriodFor(c.startDate, 'half-monthly'); p.start <= last; p = currentPeriodFor(addDays(p.end, 1), 'half-monthly')) periods.push(p);
  const unitFilter = unitIds ? (unitIds.length ? sql`and m.unit_id in (${sql.join(unitIds.map((id) => sql`${id}`), sql`, `)})` : sql`and false`) : sql``;
  // Only those people's check-ins are grouped (not the whole campaign's, then joined).
  const checkinUnits = unitIds ? sql`and c.member_id in (select id from mem)` : sql``;
  // Each check-in's period by one width_bucket over the periods' first days (an index-only scan;
  // formatting a key per row cost more than the scan).
  const starts = sql`array[${sql.join(periods.map((p) => sql`${p.start}::date`), sql`, `)}]`;
  const rows = rowsOf<{ b: number; participants: number; minutes: number }>(await tx.execute(sql`
    with mem as (${COUNTED} ${unitFilter}),
    ck as (
      select c.member_id, width_bucket(c.study_date, ${starts}) as b, sum(c.minutes)::int as minutes
      from checkins c
      where c.campaign_id = ${c.id} and c.status = 'valid' and c.study_date between ${c.startDate}::date and ${last}::date ${checkinUnits}
      group by 1, 2)
    select ck.b, count(*)::int as participants, coalesce(sum(ck.minutes), 0)::int as minutes
    from ck join mem on mem.id = ck.member_id
    group by ck.b`));
  const [{ n }] = rowsOf<{ n: number }>(await tx.execute(sql`with mem as (${COUNTED} ${unitFilter}) select count(*)::int as n from mem`));
  const members = Number(n);
  const byBucket = new Map(rows.map((r) => [Number(r.b), r]));
  return periods.map((p, i) => {
    const r = byBucket.get(i + 1);
    const participants = Number(r?.participants ?? 0);
    return {
      key: p.key, label: periodLabel(p.key).replace(/^\d{4}年/, ''), start: p.start, end: p.end < last ? p.end : last, members, participants,
      participationRate: members ? participants / members : 0, avgMinutes: members ? Math.round(Number(r?.minutes ?? 0) / members) : 0,
    };
  });
}
