import { and, eq } from 'drizzle-orm';
import { defineCommand } from '../src/commands/registry.ts';
import { UserError } from '../src/commands/errors.ts';
import { phases } from '../src/db/schema.ts';
import { assertDateOrder, campaignGroups, describePhase, nextPhaseSeq, parseTarget, inCampaignUnit } from '../src/domain/campaigns.ts';
import { headsOf } from '../src/domain/directory.ts';
import { formatDateCn } from '../src/parse/date.ts';

interface Payload { campaignId: number; name: string; start: string; end: string; targetMinutes: number | null; closePhaseId: number | null }

export default defineCommand<{ name: string; start: string; end: string; target?: string }>({
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
    const payload: Payload = { campaignId: c.id, name: a.name, start: a.start, end: a.end, targetMinutes, closePhaseId: ctx.phase?.id ?? null };
    const lines = [`将开启新阶段「${a.name}」：${formatDateCn(a.start)} 至 ${formatDateCn(a.end)}${targetMinutes ? `，每人目标 ${inCampaignUnit(c, targetMinutes)}` : ''}。`];
    if (ctx.phase) lines.push(`当前阶段「${ctx.phase.name}」将同时结束。`);
    lines.push('开启后会通知活动群和各单位负责人。');
    return { preview: lines.join('\n'), payload };
  },
  async commit(ctx, p: Payload) {
    const c = ctx.requireCampaign();
    if (c.id !== p.campaignId) throw new UserError('活动已变更，未开启阶段。请重新发送命令。');
    if (p.closePhaseId) {
      await ctx.tx.update(phases).set({ status: 'closed', closedAt: ctx.now }).where(and(eq(phases.id, p.closePhaseId), eq(phases.status, 'open')));
    } else if (ctx.phase) {
      throw new UserError(`已有进行中的阶段「${ctx.phase.name}」，请重新发送命令。`);
    }
    const seq = await nextPhaseSeq(ctx.tx, c.id);
    const [phase] = await ctx.tx.insert(phases).values({
      campaignId: c.id, seq, name: p.name, startDate: p.start, endDate: p.end, targetMinutes: p.targetMinutes,
    }).returning();
    await ctx.audit('phase.open', `${c.name}/${phase.name}`, p.closePhaseId ? { closedPhaseId: p.closePhaseId } : null, p);
    const text = `【${c.name}】${describePhase(c, phase, [], [])}\n请大家按时学习打卡：@学习助手 打卡 学习《…》 1小时 心得：…`;
    for (const g of await campaignGroups(ctx.tx)) await ctx.notify(`phase-open:${phase.id}:group:${g.id}`, { groupId: g.id }, text);
    for (const h of await headsOf(ctx.tx)) {
      await ctx.notify(`phase-open:${phase.id}:member:${h.id}`, { memberId: h.id },
        `${h.name}您好：${text}\n可发「本单位」查看本单位进度。`);
    }
    return `已开启第${seq}阶段「${phase.name}」，已通知活动群和各单位负责人。\n可继续添加：「/阶段 任务 新增 …」「/阶段 必读 新增 《…》」。`;
  },
});
