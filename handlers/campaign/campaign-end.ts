import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { endCampaign } from '../../src/domain/campaigns.ts';
import { rowId, z } from '../../src/commands/payload.ts';

export default defineCommand({
  name: 'campaign.end',
  keywords: [['活动', '结束']],
  english: [['campaign', 'end']],
  summary: '结束当前活动（记录保留，可查历史）',
  section: '管理',
  slash: true,
  roles: [],
  args: [],
  examples: ['/活动 结束'],
  async run(ctx) {
    const c = ctx.requireCampaign();
    return { preview: `将结束活动「${c.name}」。结束后不能再打卡，记录全部保留。${ctx.phase ? `\n进行中的阶段「${ctx.phase.name}」也会一并结束。` : ''}`, payload: { id: c.id } };
  },
  payload: z.object({ id: rowId }),
  async commit(ctx, { id }) {
    const now = ctx.now;
    const c = await endCampaign(ctx.tx, id, now);
    if (!c) throw new UserError('该活动已经结束了。');
    await ctx.audit('campaign.end', c.name, { status: 'active' }, { status: 'ended' });
    ctx.scheduleChanged();
    return `活动「${c.name}」已结束。感谢大家的参与！`;
  },
});
