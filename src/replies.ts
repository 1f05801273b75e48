// One place for the wording of the replies several commands share.
import type { CheckinRow, Standing } from './domain/checkins.ts';
import type { CampaignRow, PhaseRow } from './domain/campaigns.ts';
import type { MemberRow } from './domain/directory.ts';
import { inCampaignUnit } from './domain/campaigns.ts';
import { formatMinutes } from './parse/duration.ts';
import { formatDateCn } from './parse/date.ts';

export const MAX_TEXT = 2000;

/** Whom and what a check-in reply speaks of. */
export interface CheckinReplyFacts { campaign: CampaignRow; member: MemberRow; phase: PhaseRow | null; today: string }

export function checkinRecorded(ctx: CheckinReplyFacts, row: CheckinRow, extra: { bareNote?: string; readingMarked?: string | null; standing: Standing }): string {
  const { campaign: c, member: m } = ctx;
  const s = extra.standing;
  const what = [row.material ? `学习《${row.material}》` : null, row.minutes !== null ? formatMinutes(row.minutes) : null].filter(Boolean).join(' ');
  const day = row.studyDate === ctx.today ? '今天' : formatDateCn(row.studyDate);
  const lines = [`✅ 已记录（#${row.id}）：${day}${row.kind === 'makeup' ? '补卡' : ''} ${what || '学习'}`];
  if (extra.bareNote) lines.push(extra.bareNote);
  if (row.minutes === null) lines.push('这次没有写时长，未计入学时。如需计入，可发「撤销」后重新打卡并写上时长，例如：打卡 学习医改文件 1小时。');
  if (row.reflection) lines.push(`心得已保存（${[...row.reflection].length}字）。`);
  if (extra.readingMarked) lines.push(`必读《${extra.readingMarked}》已标记为学完。`);
  const totals = [`今天累计 ${formatMinutes(s.todayMinutes)}`];
  if (ctx.phase) {
    const target = ctx.phase.targetMinutes;
    totals.push(`本阶段 ${formatMinutes(s.phaseMinutes ?? 0)}${target ? ` / 目标 ${inCampaignUnit(c, target)}` : ''}`);
  } else {
    totals.push(`活动累计 ${formatMinutes(s.campaignMinutes)}${c.targetMinutes ? ` / 目标 ${inCampaignUnit(c, c.targetMinutes)}` : ''}`);
  }
  lines.push(totals.join('；'));
  lines.push(`在${m.unitName}排第 ${s.rank} 名（共 ${s.unitSize} 人）`);
  return lines.join('\n');
}
