import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import {
  assertDateOrder, campaignGroups, closePhase, createPhase, campaignTasks, describePhase, nextPhaseSeq, openPhase, parseTarget, phaseState, inCampaignUnit,
  type CampaignRow,
} from '../../src/domain/campaigns.ts';
import { countedPeople, firstSubmissions, taskApplies, taskStatus } from '../../src/domain/progress.ts';
import type { Tx } from '../../src/db/client.ts';
import { headsOf } from '../../src/domain/directory.ts';
import { formatDateCn } from '../../src/parse/date.ts';
import { day, rowId, z } from '../../src/commands/payload.ts';

const payloadSchema = z.object({ campaignId: rowId, name: z.string(), start: day, end: day, targetMinutes: z.number().int().nullable(), closePhaseId: rowId.nullable() });
type Payload = z.infer<typeof payloadSchema>;

export default defineCommand({
  name: 'phase.open',
  keywords: [['阶段', '开启'], ['阶段', '开始'], ['阶段', '新建']],
  english: [['phase', 'open']],
  summary: '开启新阶段，并通知各群和各单位负责人',
  section: '管理',
  slash: true,
  roles: [],
  args: [
    { name: 'name', label: '名称', type: 'word' },
    { name: 'start', label: '开始', type: 'date', direction: 'nearest' },
    { name: 'end', label: '结束', type: 'date', direction: 'future' },
    { name: 'target', label: '本阶段目标', type: 'word', optional: true },
  ],
  examples: ['/阶段 开启 学习动员 12月1日 12月31日 10学时', '/phase open 对照检查 2027-01-04 2027-01-31'],
  async run(ctx, a) {
    const c = ctx.requireCampaign();
    assertDateOrder(a.start, a.end);
    if (a.start < c.startDate || a.end > c.endDate) {
      throw new UserError(`阶段日期应在活动期内（${formatDateCn(c.startDate)} 至 ${formatDateCn(c.endDate)}）。`);
    }
    let targetMinutes: number | null = null;
    if (a.target) {
      const t = parseTarget(a.target, c.xueshiMinutes, c.targetUnit as 'hour' | 'xueshi');
      if (!t) throw new UserError(`本阶段目标「${a.target}」看不懂，请写成 10学时 或 8小时。`);
      targetMinutes = t.minutes;
    }
    // The open phase, also one opened to start later (ctx.phase is only the one running today).
    const current = await openPhase(ctx.tx, c.id);
    const payload: Payload = { campaignId: c.id, name: a.name, start: a.start, end: a.end, targetMinutes, closePhaseId: current?.id ?? null };
    const lines = [`将开启新阶段「${a.name}」：${formatDateCn(a.start)} 至 ${formatDateCn(a.end)}${targetMinutes ? `，每人目标 ${inCampaignUnit(c, targetMinutes)}` : ''}。`];
    if (current) lines.push(`当前阶段「${current.name}」将同时结束${phaseState(current, ctx.today) === 'upcoming' ? '（它还没有开始）' : ''}。`);
    lines.push(...(await stillOpenLines(ctx.tx, c, ctx.today)));
    lines.push('开启后会通知活动群和各单位负责人。');
    return { preview: lines.join('\n'), payload };
  },
  payload: payloadSchema,
  async commit(ctx, p) {
    const c = ctx.requireCampaign();
    if (c.id !== p.campaignId) throw new UserError('活动已变更，未开启阶段。请重新发送命令。');
    if (p.closePhaseId) {
      await closePhase(ctx.tx, p.closePhaseId, ctx.now);
    } else {
      const current = await openPhase(ctx.tx, c.id);
      if (current) throw new UserError(`已有进行中的阶段「${current.name}」，请重新发送命令。`);
    }
    const seq = await nextPhaseSeq(ctx.tx, c.id);
    const phase = await createPhase(ctx.tx, {
      campaignId: c.id, seq, name: p.name, startDate: p.start, endDate: p.end, targetMinutes: p.targetMinutes,
    });
    await ctx.audit('phase.open', `${c.name}/${phase.name}`, p.closePhaseId ? { closedPhaseId: p.closePhaseId } : null, p);
    const later = p.start > ctx.today ? `本阶段 ${formatDateCn(p.start)} 开始。` : '';
    const text = `【${c.name}】${describePhase(c, phase, [], [])}\n${later}请大家按时学习打卡：@学习助手 打卡 学习《…》 1小时 心得：…`;
    for (const g of await campaignGroups(ctx.tx)) await ctx.notify(`phase-open:${phase.id}:group:${g.id}`, { groupId: g.id }, text);
    for (const h of await headsOf(ctx.tx)) {
      await ctx.notify(`phase-open:${phase.id}:member:${h.id}`, { memberId: h.id },
        `${h.name}您好：${text}\n可发「本单位」查看本单位进度。`);
    }
    return `已开启第${seq}阶段「${phase.name}」${p.start > ctx.today ? `（${formatDateCn(p.start)}开始，此前显示为未开始）` : ''}，已通知活动群和各单位负责人。\n可继续添加：「/阶段 任务 新增 …」「/阶段 必读 新增 《…》」。`;
  },
});

/**
 * Tasks still open (not yet due): how many submissions are missing. Opening the next phase does
 * not close them — they stay open to their own due dates and reminders keep chasing them.
 */
async function stillOpenLines(tx: Tx, c: CampaignRow, today: string): Promise<string[]> {
  const open = (await campaignTasks(tx, c.id)).filter((t) => t.dueDate >= today);
  if (!open.length) return [];
  const people = await countedPeople(tx);
  const subs = await firstSubmissions(tx, open.map((t) => t.id), people.map((p) => p.id));
  const parts: string[] = [];
  for (const t of open) {
    const due = people.filter((p) => taskApplies(t, p.role));
    const missing = due.filter((p) => taskStatus(t, p.id, subs, today) === 'open').length;
    if (missing) parts.push(`「${t.name}」（${formatDateCn(t.dueDate)}前）还差 ${missing}/${due.length} 份未交`);
  }
  if (!parts.length) return [];
  return [`仍在收取的任务：${parts.join('；')}。这些任务不随阶段结束，照常收取到各自的时限，提醒照发。`];
}
