// Progress views computed from records: a person's own (我的) and a unit's (本单位).
import { and, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { checkins, members, readingsDone, submissions, tasks } from '../db/schema.ts';
import { inCampaignUnit, readingsOf, tasksOf, type CampaignRow, type PhaseRow, type TaskRow } from './campaigns.ts';
import type { MemberRow, UnitRow } from './directory.ts';
import { recentCheckinLines, standingOf } from './checkins.ts';
import { formatMinutes, formatStudyTime } from '../parse/duration.ts';
import { formatDateCn } from '../parse/date.ts';
import { mondayOf } from '../time.ts';
import { feedbackCode, listFeedback, FEEDBACK_STATUS_CN, type FeedbackStatus } from './feedback.ts';
import { daysOverdue, isDueSoon, isOverdue, listRects, rectCode } from './rectification.ts';
import { checkinsWithNotes } from './attachments.ts';

export function taskApplies(t: TaskRow, role: string): boolean {
  return t.audience === 'all' || role === 'head';
}

// One way of writing study time everywhere: 4小时30分钟（6学时）, never 4.5小时.
function hoursAndXueshi(c: CampaignRow, minutes: number): string {
  return formatStudyTime(minutes, { targetUnit: 'xueshi', xueshiMinutes: c.xueshiMinutes });
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
    lines.push(`本单位排名：第 ${s.rank} / ${s.unitSize} 名`);
    const ts = (await tasksOf(tx, phase.id)).filter((t) => taskApplies(t, m.role));
    if (ts.length) {
      const done = await submittedTaskIds(tx, m.id, ts.map((t) => t.id));
      for (const t of ts) {
        lines.push(done.has(t.id) ? `✓ 任务「${t.name}」已提交` : `○ 任务「${t.name}」未提交，${formatDateCn(t.dueDate)}前完成（发送：提交 ${t.name} 正文…）`);
      }
    }
    const rs = await readingsOf(tx, phase.id);
    if (rs.length) {
      const read = new Set((await tx.select({ id: readingsDone.readingId }).from(readingsDone)
        .where(and(eq(readingsDone.memberId, m.id), inArray(readingsDone.readingId, rs.map((r) => r.id))))).map((r) => r.id));
      const left = rs.filter((r) => !read.has(r.id));
      lines.push(left.length ? `必读还差 ${left.length} 篇：${left.map((r) => `《${r.title}》`).join('、')}` : '必读篇目已全部学完 ✓');
    }
  } else {
    lines.push(`本单位排名：第 ${s.rank} / ${s.unitSize} 名`);
  }
  lines.push(...(await recentCheckinLines(tx, c, m)));
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
    for (const r of overdue) lines.push(`  ⚠️ ${rectCode(r.id)} 已逾期 ${daysOverdue(r, today)} 天：${r.problem.slice(0, 30)}（时限 ${formatDateCn(r.deadline)}）`);
    for (const r of soon) lines.push(`  ⏰ ${rectCode(r.id)} ${formatDateCn(r.deadline)}到期：${r.problem.slice(0, 30)}`);
  }
  const waiting = await listFeedback(tx, { unitIds: [unitId], statuses: ['open', 'forwarded'] });
  if (waiting.length) lines.push(`转给本单位待答复的意见 ${waiting.length} 条：${waiting.map(({ f }) => feedbackCode(f)).join('、')}（发「意见 列表」查看）`);
  return lines;
}

async function submittedTaskIds(tx: Tx, memberId: number, taskIds: number[]): Promise<Set<number>> {
  if (!taskIds.length) return new Set();
  const rows = await tx.selectDistinct({ id: submissions.taskId }).from(submissions)
    .where(and(eq(submissions.memberId, memberId), inArray(submissions.taskId, taskIds)));
  return new Set(rows.map((r) => r.id));
}

export async function unitReport(tx: Tx, c: CampaignRow, phase: PhaseRow | null, unit: UnitRow, today: string): Promise<string> {
  const weekStart = mondayOf(today);
  const people = await tx.select({ id: members.id, name: members.name, role: members.role }).from(members)
    .where(and(eq(members.unitId, unit.id), eq(members.active, true))).orderBy(members.id);
  const sumFor = async (from: string | null, phaseId: number | null) => {
    const conds = [eq(checkins.campaignId, c.id), eq(checkins.unitId, unit.id), eq(checkins.status, 'valid'), lte(checkins.studyDate, today)];
    if (from) conds.push(gte(checkins.studyDate, from));
    if (phaseId) conds.push(eq(checkins.phaseId, phaseId));
    const rows = await tx.select({ memberId: checkins.memberId, minutes: sql<number>`coalesce(sum(${checkins.minutes}),0)::int`, n: sql<number>`count(*)::int` })
      .from(checkins).where(and(...conds)).groupBy(checkins.memberId);
    return new Map(rows.map((r) => [r.memberId, r]));
  };
  const week = await sumFor(weekStart, null);
  const ph = phase ? await sumFor(null, phase.id) : await sumFor(null, null);
  const lines = [`${unit.name}（${people.length} 人）学习情况，截至 ${formatDateCn(today)}：`];
  const weekIn = people.filter((p) => week.has(p.id));
  const weekOut = people.filter((p) => !week.has(p.id));
  lines.push(`本周已打卡 ${weekIn.length} 人，未打卡 ${weekOut.length} 人${weekOut.length ? '：' + weekOut.map((p) => p.name).join('、') : ''}`);
  const scope = phase ? `本阶段「${phase.name}」` : '活动以来';
  const phIn = people.filter((p) => ph.has(p.id));
  const phOut = people.filter((p) => !ph.has(p.id));
  lines.push(`${scope}已打卡 ${phIn.length} 人，未打卡 ${phOut.length} 人${phOut.length ? '：' + phOut.map((p) => p.name).join('、') : ''}`);
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
    lines.push(`  ${p.name} ${formatMinutes(p.minutes)}${behind}`);
  }
  if (phase) {
    const ts = await tasksOf(tx, phase.id);
    if (ts.length) {
      const subs = await tx.selectDistinct({ taskId: submissions.taskId, memberId: submissions.memberId }).from(submissions)
        .where(and(eq(submissions.unitId, unit.id), inArray(submissions.taskId, ts.map((t) => t.id))));
      for (const t of ts) {
        const due = people.filter((p) => taskApplies(t, p.role));
        const done = new Set(subs.filter((s) => s.taskId === t.id).map((s) => s.memberId));
        const missing = due.filter((p) => !done.has(p.id));
        lines.push(`任务「${t.name}」已交 ${due.length - missing.length}/${due.length}${missing.length ? '，未交：' + missing.map((p) => p.name).join('、') : ''}`);
      }
    }
  }
  lines.push(...(await unitLedgerLines(tx, unit.id, today)));
  return lines.join('\n');
}

export { tasks };
