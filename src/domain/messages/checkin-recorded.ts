// A check-in's reply (打卡, 补卡): what was recorded, how a bare number was read, why a duration
// cannot be recorded, and the totals and rank. Apart from the error catalogues (index.ts) because it
// reads the campaign's study-time units (domain/campaigns.ts).
import type { CheckinRow, Standing } from '../checkins.ts';
import type { CampaignRow, PhaseRow } from '../campaigns.ts';
import type { MemberRow } from '../directory.ts';
import { DAY_LIMIT_MINUTES, formatMinutes, formatStudyTime, type CheckinParse, type DurationOptions } from '../../parse/duration.ts';
import { dateCn, inCampaignUnit } from './format.ts';

/** The longest free text kept from one message (a check-in's content, an opinion, an answer). */
export const MAX_TEXT = 2000;

/** A check-in message over MAX_TEXT. */
export const checkinTooLong = () => `内容太长（超过 ${MAX_TEXT} 字），没有记录。请精简后再发，长篇心得可用「提交 心得体会 正文」。`;

/** The example a check-in's refusal gives. */
export const CHECKIN_EXAMPLE = '打卡 学习《党章》 1小时20分钟';
/** What was studied, echoed in a reply: long enough to recognise, the whole of it is kept. */
const CONTENT_IN_REPLY = 50;

/** Whom and what a check-in reply speaks of. */
export interface CheckinReplyFacts { campaign: CampaignRow; member: MemberRow; phase: PhaseRow | null; today: string }

/** A check-in's content as a reply shows it (records made before it was kept hold a bare title). */
export function contentShown(material: string | null): string | null {
  if (!material) return null;
  const chars = [...material];
  return chars.length > CONTENT_IN_REPLY ? `${chars.slice(0, CONTENT_IN_REPLY).join('')}…` : material;
}

/**
 * Why a check-in message's duration cannot be recorded, worded for its sender, or null. Nothing
 * is recorded then: a minus sign, zero, or a number only half understood is asked about instead.
 */
export function durationRefusal(p: CheckinParse, example: string): string | null {
  if (p.problem?.kind === 'negative') {
    return `时长不能是负数（「${p.problem.text}」），这条没有记录。请写实际学习的时间，例如：${example}`;
  }
  if (p.problem) {
    return `「${p.problem.text}」是多长时间？没看明白，这条没有记录。请写清楚后再发一次，例如：${example}`;
  }
  if (p.minutes !== null && p.minutes <= 0) {
    return `时长是 0（「${p.durationText ?? '0'}」），这条没有记录。请写实际学习的时间，例如：${example}`;
  }
  return null;
}

/** How a number without a unit was read, or undefined when the message had a unit. */
export function bareNumberNote(p: CheckinParse, opts: DurationOptions, c: CampaignRow): string | undefined {
  if (!p.bareNumber || p.minutes === null) return undefined;
  const n = p.durationText ?? '';
  if (p.bareAs === 'minutes') {
    return `「${n}」没写单位；${n}${opts.bareUnit.name}超过每天 ${DAY_LIMIT_MINUTES / 60} 小时的上限，所以按分钟算：${formatStudyTime(p.minutes, c)}。`;
  }
  return `「${n}」没写单位，按${opts.bareUnit.name}算：${formatStudyTime(p.minutes, c)}。`;
}

export function checkinRecorded(ctx: CheckinReplyFacts, row: CheckinRow, extra: { bareNote?: string; readingMarked?: string | null; standing: Standing }): string {
  const { campaign: c, member: m } = ctx;
  const s = extra.standing;
  const what = [contentShown(row.material), row.minutes !== null ? formatStudyTime(row.minutes, c) : null].filter(Boolean).join(' ');
  const day = row.studyDate === ctx.today ? '今天' : dateCn(row.studyDate, ctx.today);
  const lines = [`✅ 已记录（#${row.id}）：${day}${row.kind === 'makeup' ? '补卡' : ''} ${what || '学习'}`];
  if (extra.bareNote) lines.push(`${extra.bareNote}如有误请发「撤销」后重打。`);
  if (row.minutes === null) lines.push('这次没有写时长，未计入学时。如需计入，可发「撤销」后重新打卡并写上时长，例如：打卡 学习医改文件 1小时。');
  if (row.reflection) lines.push(`心得已保存（${[...row.reflection].length}字）。`);
  if (extra.readingMarked) lines.push(`必读《${extra.readingMarked}》已标记为学完。`);
  const totals = [`今天累计 ${formatMinutes(s.todayMinutes)}`];
  if (ctx.phase) {
    const target = ctx.phase.targetMinutes;
    totals.push(`本阶段 ${formatStudyTime(s.phaseMinutes ?? 0, c)}${target ? ` / 目标 ${inCampaignUnit(c, target)}` : ''}`);
  } else {
    totals.push(`活动累计 ${formatStudyTime(s.campaignMinutes, c)}${c.targetMinutes ? ` / 目标 ${inCampaignUnit(c, c.targetMinutes)}` : ''}`);
  }
  lines.push(totals.join('；'));
  lines.push(`在${m.unitName}排第 ${s.rank} 名（共 ${s.unitSize} 人）`);
  return lines.join('\n');
}
