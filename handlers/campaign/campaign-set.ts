import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { campaignById, parseTarget, updateCampaign } from '../../src/domain/campaigns.ts';
import { parseDurationArg } from '../../src/parse/duration.ts';
import { campaignReplies, describeCampaign, type CampaignChange } from '../../src/domain/messages/campaigns.ts';
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
    let shown: CampaignChange;
    if (key === '学时') {
      const m = parseDurationArg(value, { bareUnit: { name: '小时', minutes: 1 }, xueshiMinutes: 45 });
      if (!m || m < 10 || m > 120) throw new UserError(campaignReplies.xueshiInvalid({ text: value }));
      change = { xueshiMinutes: m };
      shown = { key: 'xueshi', minutes: m, before: c.xueshiMinutes };
    } else if (key === '补卡') {
      const n = /^(\d+)\s*天?$/.exec(value);
      if (!n || Number(n[1]) > 31) throw new UserError(campaignReplies.makeupInvalid({ text: value }));
      change = { makeupDays: Number(n[1]) };
      shown = { key: 'makeup', days: n[1], before: c.makeupDays };
    } else {
      const t = parseTarget(value, c.xueshiMinutes, c.targetUnit as 'hour' | 'xueshi');
      if (!t) throw new UserError(campaignReplies.targetUnreadable({ text: value }));
      change = { targetMinutes: t.minutes, targetUnit: t.unit };
      shown = { key: 'target', text: value };
    }
    return { preview: campaignReplies.setPreview({ name: c.name, change: shown }), payload: { campaignId: c.id, change } };
  },
  payload: z.object({ campaignId: rowId, change: z.union([z.object({ targetMinutes: z.number().int(), targetUnit: z.enum(['hour', 'xueshi']) }), z.object({ xueshiMinutes: z.number().int() }), z.object({ makeupDays: z.number().int() })]) }),
  async commit(ctx, p) {
    const before = await campaignById(ctx.tx, p.campaignId);
    if (!before || before.status !== 'active') throw new UserError(campaignReplies.endedNotChanged());
    const after = await updateCampaign(ctx.tx, p.campaignId, p.change);
    await ctx.audit('campaign.update', after.name, before, p.change);
    return campaignReplies.updated({ detail: describeCampaign(after, ctx.today) });
  },
});
