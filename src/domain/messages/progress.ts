// Progress views' wording: who may see which unit, what the 进度 commands say, and the reports
// themselves (我的, 本单位, the units at a glance, 未打卡, 催办's personal reminder). The domain
// (src/domain/progress.ts) computes each report as typed data; these functions word it.
import { formatDateCn } from '../../parse/date.ts';
import { formatMinutes, formatStudyTime, type StudyUnit } from '../../parse/duration.ts';
import { taskLabel, type TaskRef } from './campaigns.ts';
import { recentCheckinLines, type RecentCheckin } from './checkins.ts';
import { FEEDBACK_STATUS_CN } from './feedback.ts';
import { dateCn, inCampaignUnit } from './format.ts';
import { cn } from '../../time.ts';

export const progressMessages = {
  'progress.head_own_unit_only': (p: { ownUnit: string }) => `负责人只能查看本单位（${p.ownUnit}）。`,
  'progress.leader_not_in_charge': (p: { unit: string }) => `你不分管${p.unit}，只能查看分管单位。`,
  'progress.role_cannot_view': () => '只有负责人、分管领导和管理员可以查看单位情况。',
};

// ---------------------------------------------------------------- the reports, typed
// Dates are 'YYYY-MM-DD'; `phaseName` is the phase running today (null: the whole campaign is the scope).

/** done / late (逾期提交) / open (not yet due) / overdue (past due, not submitted). */
export type TaskStatus = 'done' | 'late' | 'open' | 'overdue';

/** A task of the person's in 我的: its status, and the latest review (`comment` when returned). */
/** `forUnit`: the unit's task (one submission per unit), which this person hands in as its head or 联络员. */
export interface MyTask { task: TaskRef; dueDate: string; status: TaskStatus; review: 'approved' | 'returned' | null; comment: string | null; forUnit?: boolean }

/** One of the person's own named opinions. */
export interface MyFeedback { code: string; status: string; content: string; answer: string | null }

/** 我的: a person's own record in the campaign. */
export interface MyProgress {
  name: string; unitName: string; campaign: string;
  /** How the campaign counts study time. */
  unit: StudyUnit;
  campaignMinutes: number;
  /** The campaign's per-person target and the share of it done (0–100). */
  target: { minutes: number; percent: number } | null;
  /** Days with a valid check-in. */
  days: number;
  todayMinutes: number;
  /** Check-ins with a note or photo attached. */
  notedCheckins: number;
  phase: { name: string; minutes: number; targetMinutes: number | null } | null;
  /** With no phase running: the next one to start. */
  nextPhase: { name: string; startDate: string } | null;
  rank: number; unitSize: number;
  tasks: MyTask[];
  /** The running phase's required readings not yet studied; null when it has none (or none runs). */
  readingsLeft: string[] | null;
  recent: RecentCheckin[];
  /** The person's named opinions: how many, how many answered, the last five. */
  feedback: { total: number; answered: number; latest: MyFeedback[] };
}

/** Who of a group checked in within a period: a count, and the others by name. */
export interface CheckedIn { checkedIn: number; missing: string[]; onLeave: string[] }

/** A task in 本单位: who it is due from, who handed it in late, who not yet, and its reviews. */
export interface UnitTask {
  task: TaskRef; dueDate: string; expected: number; handedIn: number;
  /** One submission for the unit (by its head or 联络员): expected is 1 and nobody is missing by name. */
  forUnit?: boolean;
  late: string[]; missing: { name: string; onLeave: boolean }[]; approved: number; sentBack: string[];
}

/** An open ledger item due soon or overdue. */
export interface LedgerDue { code: string; problem: string; deadline: string; overdueDays: number }

/** A unit's open ledger items and the feedback forwarded to it still waiting for an answer. */
export interface UnitLedger { open: number; pending: number; overdue: LedgerDue[]; dueSoon: LedgerDue[]; feedbackWaiting: string[] }

/** 本单位 for one unit. */
export interface UnitReport {
  unitName: string; members: number; phaseName: string | null;
  week: CheckedIn;
  /** In the phase running, else since the campaign began. */
  scope: CheckedIn;
  totalMinutes: number; avgMinutes: number; checkins: number; notedCheckins: number;
  /** Everyone by minutes in the scope, most first; `belowTarget` against the phase's (else the campaign's) target. */
  people: { name: string; minutes: number; belowTarget: boolean; onLeave: boolean }[];
  tasks: UnitTask[];
  ledger: UnitLedger;
}

/** A unit's line in the overview (UnitFigures fits it). */
export interface OverviewUnit {
  unitName: string; members: number; participants: number; avgMinutes: number; reached: number; notThisWeek: number; onLeave: number;
}

/** The units at a glance (the office's and a leader's 本单位); no units: nobody counted. */
export interface UnitsOverview { phaseName: string | null; targetMinutes: number | null; unit: StudyUnit; units: OverviewUnit[] }

/** 未打卡 by unit; no units: nobody counted. */
export interface NotCheckedIn {
  period: 'today' | 'week';
  units: { unitName: string; members: number; missing: string[]; onLeave: string[] }[];
}

// ---------------------------------------------------------------- the words

/** What "本阶段" means today: 本阶段「学习动员」, or 活动以来 with no phase running. */
export const scopeLabel = (phaseName: string | null) => (phaseName !== null ? `本阶段「${phaseName}」` : '活动以来');

const names = (list: string[]) => list.join('、');
const trimEnd = (text: string) => text.replace(/[。.！!；;，,\s]+$/, '');
const NOBODY = '这些单位名单里还没有职工和负责人。';

/** "本周已打卡 2 人，未打卡 1 人：王五；请假 1 人：张伟" */
const checkedInLine = (scope: string, c: CheckedIn) =>
  `${scope}已打卡 ${c.checkedIn} 人，未打卡 ${c.missing.length} 人${c.missing.length ? '：' + names(c.missing) : ''}`
  + (c.onLeave.length ? `；请假 ${c.onLeave.length} 人：${names(c.onLeave)}` : '');

function myTaskLine(t: MyTask, today: string): string {
  const label = `${taskLabel(t.task)}${t.forUnit ? UNIT_SHARE : ''}`;
  const how = `（发送：提交 ${t.task.name} 正文…）`;
  if (t.review === 'returned') return `⚠️ 任务${label}被退回修改：${trimEnd(t.comment ?? '')}。修改后请重新提交${how}`;
  const approved = t.review === 'approved' ? '，已通过审阅' : '';
  switch (t.status) {
    case 'done': return `✓ 任务${label}已提交${approved}`;
    case 'late': return `✓ 任务${label}已提交（逾期提交）${approved}`;
    case 'open': return `○ 任务${label}未提交，${dateCn(t.dueDate, today)}前完成${how}`;
    case 'overdue': return `⚠️ 任务${label}已过 ${dateCn(t.dueDate, today)} 的时限，还未提交，现在提交记为逾期提交${how}`;
  }
}

function myFeedbackLines(f: MyProgress['feedback']): string[] {
  if (!f.total) return [];
  return [`我的意见建议 ${f.total} 条，已答复 ${f.answered} 条：`, ...f.latest.map((x) =>
    `  ${x.code}【${FEEDBACK_STATUS_CN[x.status as keyof typeof FEEDBACK_STATUS_CN]}】${x.content.slice(0, 20)}${x.content.length > 20 ? '…' : ''}${x.answer ? `（答复：${x.answer.slice(0, 30)}）` : ''}`)];
}

/** The unit's ledger lines in 本单位: open items, those overdue and due soon; feedback waiting for it. */
function unitLedgerLines(l: UnitLedger, today: string): string[] {
  const lines: string[] = [];
  if (l.open) {
    lines.push(`整改事项：未销号 ${l.open} 项（待销号 ${l.pending}，即将到期 ${l.dueSoon.length}，逾期 ${l.overdue.length}）`);
    for (const r of l.overdue) lines.push(`  ⚠️ ${r.code} 已逾期 ${r.overdueDays} 天：${r.problem.slice(0, 30)}（时限 ${dateCn(r.deadline, today)}）`);
    for (const r of l.dueSoon) lines.push(`  ⏰ ${r.code} ${dateCn(r.deadline, today)}到期：${r.problem.slice(0, 30)}`);
  }
  if (l.feedbackWaiting.length) lines.push(`转给本单位待答复的意见 ${l.feedbackWaiting.length} 条：${l.feedbackWaiting.join('、')}（发「意见 列表」查看）`);
  return lines;
}

/** A per-unit task's mark: one submission for the unit. */
const UNIT_SHARE = '（本单位一份）';

function unitTaskLine(t: UnitTask, today: string): string {
  const closed = t.dueDate < today ? `（${dateCn(t.dueDate, today)}已截止）` : '';
  return `任务${taskLabel(t.task)}${t.forUnit ? UNIT_SHARE : ''}${closed}已交 ${t.handedIn}/${t.expected}`
    + (t.late.length ? `（逾期提交 ${t.late.length} 人：${names(t.late)}）` : '')
    + (t.missing.length ? `，未交：${t.missing.map((p) => (p.onLeave ? `${p.name}（请假）` : p.name)).join('、')}` : '')
    + (t.approved ? `，已通过审阅 ${t.approved} 人` : '')
    + (t.sentBack.length ? `，退回修改：${names(t.sentBack)}` : '');
}

/**
 * A friendly reminder to one person who has not checked in (催办's personal reminder, and the
 * console's 催办 button): how long since the last check-in, their time against the phase's target,
 * and tasks still owed (`owed`, as the caller words them). `phase`: the phase running today, if any.
 */
export function personalNudgeText(
  m: { name: string; idleDays: number; last: string | null; scopeMinutes: number },
  c: StudyUnit & { name: string }, phase: { name: string; targetMinutes: number | null } | null, now: Date, owed = '',
): string {
  const goal = phase?.targetMinutes ? `目标每人 ${inCampaignUnit(c, phase.targetMinutes)}` : '';
  const scope = phase ? `本阶段「${phase.name}」` : `「${c.name}」`;
  const where = m.last
    ? `您已经 ${m.idleDays} 个工作日没有学习打卡了（上次是 ${formatDateCn(m.last, now)}）。${scope}您已学习 ${formatMinutes(m.scopeMinutes)}${goal ? `，${goal}` : ''}。`
    : `${scope}您还没有学习打卡${goal ? `（${goal}）` : ''}。`;
  const tasks = owed ? `另外，您还有任务未交：${owed}，发「提交 任务名 正文…」即可。` : '';
  return `${m.name}您好，${where}今天抽空学一会儿吧，学完发「打卡 学习《…》 1小时 心得：…」即可。${tasks}`;
}

/** Tasks someone still owes, as 催办 names them: 第1阶段「剖析材料」（12月20日前）、… */
export const owedTasksCn = (tasks: { phaseSeq: number; name: string; dueDate: string }[], now: Date) =>
  tasks.map((t) => `第${t.phaseSeq}阶段「${t.name}」（${formatDateCn(t.dueDate, now)}前）`).join('、');

/** Someone 催办 names: `last` check-in (null: none in the scope) and `idleDays` since; `owed` as owedTasksCn words them. */
export interface IdlePerson { name: string; idleDays: number; last: string | null; owed: string }

/**
 * 催办's digest to a unit head (jobs/nudges.ts): the unit's people idle `idleWorkdays` working days
 * or more, as of `now`; `inPhase`: counted from the running phase's start (本阶段), else the campaign's.
 */
export const nudgeDigest = (p: { head: string; unitName: string; idleWorkdays: number; inPhase: boolean; people: IdlePerson[]; today: string; now: Date }) => {
  const lines = [`${p.head}您好，${p.unitName}以下 ${p.people.length} 人已 ${p.idleWorkdays} 个工作日以上没有学习打卡（截至${formatDateCn(p.today, p.now)} ${cn(p.now).format('HH:mm')}）：`];
  for (const m of p.people) {
    lines.push(`· ${m.name}：${m.last ? `上次打卡 ${formatDateCn(m.last, p.now)}，已 ${m.idleDays} 个工作日` : `${p.inPhase ? '本阶段' : '活动以来'}未打卡`}`
      + `${m.owed ? `；任务未交：${m.owed}` : ''}`);
  }
  lines.push('请提醒他们抽空学习并打卡。请假的同志不会被列出，登记请假：请假 姓名 至 日期。');
  return lines.join('\n');
};

// What the 进度 commands say.
export const progressReplies = {
  noUnitsInCharge: () => '名单中没有登记你分管的单位，请联系管理员。',
  periodTwice: () => '「今天」和「本周」只能选一个，例如：未打卡 本周。',
  /** 未打卡 named two words that are not a period: only one may be a unit. */
  twoUnits: (p: { first: string; second: string }) => `「${p.first}」和「${p.second}」只能有一个是单位名。用法：未打卡 [单位] [今天|本周]`,

  /** 我的 */
  mine: (p: MyProgress & { today: string }) => {
    const lines = [`${p.name}（${p.unitName}）在「${p.campaign}」的学习情况：`];
    lines.push(`累计 ${formatStudyTime(p.campaignMinutes, { targetUnit: 'xueshi', xueshiMinutes: p.unit.xueshiMinutes })}`
      + (p.target ? `，目标 ${inCampaignUnit(p.unit, p.target.minutes)}，完成 ${p.target.percent}%` : ''));
    lines.push(`打卡 ${p.days} 天；今天 ${formatMinutes(p.todayMinutes)}`);
    if (p.notedCheckins) lines.push(`${p.notedCheckins} 次打卡附了学习笔记`);
    if (p.phase) {
      lines.push(`本阶段「${p.phase.name}」${formatMinutes(p.phase.minutes)}`
        + (p.phase.targetMinutes ? ` / 目标 ${inCampaignUnit(p.unit, p.phase.targetMinutes)}` : ''));
    } else if (p.nextPhase) {
      lines.push(`下一阶段「${p.nextPhase.name}」${dateCn(p.nextPhase.startDate, p.today)}开始`);
    }
    lines.push(`本单位排名：第 ${p.rank} / ${p.unitSize} 名`);
    for (const t of p.tasks) lines.push(myTaskLine(t, p.today));
    if (p.readingsLeft) {
      lines.push(p.readingsLeft.length ? `必读还差 ${p.readingsLeft.length} 篇：${p.readingsLeft.map((t) => `《${t}》`).join('、')}` : '必读篇目已全部学完 ✓');
    }
    lines.push(...recentCheckinLines(p.recent, p.unit, p.today));
    lines.push(...myFeedbackLines(p.feedback));
    return lines.join('\n');
  },

  /** 本单位 for one unit. */
  unit: (p: UnitReport & { today: string }) => {
    const scope = scopeLabel(p.phaseName);
    const lines = [`${p.unitName}（${p.members} 人）学习情况，截至 ${dateCn(p.today, p.today)}：`];
    lines.push(checkedInLine('本周', p.week));
    lines.push(checkedInLine(scope, p.scope));
    lines.push(`${scope}合计 ${formatMinutes(p.totalMinutes)}，人均 ${formatMinutes(p.avgMinutes)}`);
    lines.push(`${scope}打卡 ${p.checkins} 次，其中 ${p.notedCheckins} 次附了学习笔记`);
    lines.push('学时明细：');
    for (const x of p.people) lines.push(`  ${x.name} ${formatMinutes(x.minutes)}${x.belowTarget ? '（未达标）' : ''}${x.onLeave ? '（请假）' : ''}`);
    for (const t of p.tasks) lines.push(unitTaskLine(t, p.today));
    lines.push(...unitLedgerLines(p.ledger, p.today));
    return lines.join('\n');
  },

  /** The units at a glance: participation, hours per person against the target, who has not checked in this week. */
  overview: (p: UnitsOverview & { today: string }) => {
    if (!p.units.length) return NOBODY;
    const lines = [`各单位学习情况（${scopeLabel(p.phaseName)}，截至 ${dateCn(p.today, p.today)}）：`];
    for (const u of p.units) {
      const n = u.members;
      lines.push(`· ${u.unitName}（${n} 人）：参与 ${u.participants}/${n}（${Math.round((u.participants / n) * 100)}%），人均 ${formatMinutes(u.avgMinutes)}`
        + (p.targetMinutes ? ` / 目标 ${inCampaignUnit(p.unit, p.targetMinutes)}，达标 ${u.reached} 人` : '')
        + `；本周未打卡 ${u.notThisWeek} 人${u.onLeave ? `，请假 ${u.onLeave} 人` : ''}`);
    }
    lines.push('发「本单位 单位名」查看一个单位的名单、学时和任务；发「未打卡 单位名」查看未打卡的人。');
    return lines.join('\n');
  },

  /** 未打卡, by unit; people on leave today are named as such, not counted as 未打卡. */
  notCheckedIn: (p: NotCheckedIn & { today: string }) => {
    if (!p.units.length) return NOBODY;
    const lines = [`${p.period === 'today' ? '今天' : '本周'}未打卡（截至 ${dateCn(p.today, p.today)}）：`];
    for (const u of p.units) {
      lines.push(`${u.unitName}（${u.members} 人）：${u.missing.length ? `${u.missing.length} 人未打卡：${names(u.missing)}` : '都已打卡'}`
        + (u.onLeave.length ? `；请假：${u.onLeave.map((n) => `${n}（请假）`).join('、')}` : ''));
    }
    if (p.units.length > 1) lines.push(`合计 ${p.units.reduce((n, u) => n + u.missing.length, 0)} 人未打卡。`);
    return lines.join('\n');
  },
};
