import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { campaignById, describeCampaign, parseTarget, updateCampaign } from '../../src/domain/campaigns.ts';
import { parseDurationArg } from '../../src/parse/duration.ts';
import { rowId, z } from '../../src/commands/payload.ts';

type Change = { xueshiMinutes: number } | { makeupDays: number } | { targetMinutes: number; targetUnit: 'hour' | 'xueshi' };

export default defineCommand({
  name: 'campaign.set',
  keywords: [['活动', '设置']],
  english: [['campaign', 'set']],
  summary: '设置学时长度、补卡期限或学习目标',
  section: '管理',
  slash: true,
  roles: [],
  args: [
    { name: 'key', label: '项目', type: 'choice', choices: ['学时', '补卡', '目标'] },
    { name: 'value', label: '值', type: 'word' },
  ],
  examples: ['/活动 设置 学时 45分钟', '/活动 设置 补卡 3天', '/活动 设置 目标 40学时'],
  async run(ctx, { key, value }) {
    const c = ctx.requireCampaign();
    let change: Change;
    let text: string;
    if (key === '学时') {
      const m = parseDurationArg(value, { bareUnit: { name: '小时', minutes: 1 }, xueshiMinutes: 45 });
      if (!m || m < 10 || m > 120) throw new UserError(`1学时的长度「${value}」不合适，请写 10～120 分钟之间，例如 45分钟。`);
      change = { xueshiMinutes: m };
      text = `1学时 = ${m}分钟（原为 ${c.xueshiMinutes}分钟）`;
    } else if (key === '补卡') {
      const n = /^(\d+)\s*天?$/.exec(value);
      if (!n || Number(n[1]) > 31) throw new UserError(`补卡期限「${value}」看不懂，请写 0～31 天，例如 3天。`);
      change = { makeupDays: Number(n[1]) };
      text = `补卡期限 ${n[1]} 天（原为 ${c.makeupDays} 天）`;
    } else {
      const t = parseTarget(value, c.xueshiMinutes, c.targetUnit as 'hour' | 'xueshi');
      if (!t) throw new UserError(`目标「${value}」看不懂，请写成 40学时 或 30小时。`);
      change = { targetMinutes: t.minutes, targetUnit: t.unit };
      text = `学习目标每人 ${value}`;
    }
    return { preview: `将修改「${c.name}」：${text}`, payload: { campaignId: c.id, change } };
  },
  payload: z.object({ campaignId: rowId, change: z.union([z.object({ targetMinutes: z.number().int(), targetUnit: z.enum(['hour', 'xueshi']) }), z.object({ xueshiMinutes: z.number().int() }), z.object({ makeupDays: z.number().int() })]) }),
  async commit(ctx, p) {
    const before = await campaignById(ctx.tx, p.campaignId);
    if (!before || before.status !== 'active') throw new UserError('该活动已结束，未修改。');
    const after = await updateCampaign(ctx.tx, p.campaignId, p.change);
    await ctx.audit('campaign.update', after.name, before, p.change);
    return `已修改。\n${describeCampaign(after)}`;
  },
});
