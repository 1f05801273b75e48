import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { endCampaign } from '../../src/domain/campaigns.ts';
import { openLedgerCounts } from '../../src/domain/rectification.ts';
import { campaignReplies } from '../../src/domain/messages/campaigns.ts';
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
    const open = await openLedgerCounts(ctx.tx, c.id);
    return { preview: campaignReplies.endPreview({ name: c.name, phases: ctx.runningPhases.map((p) => p.name), open }), payload: { id: c.id } };
  },
  payload: z.object({ id: rowId }),
  async commit(ctx, { id }) {
    const now = ctx.now;
    const c = await endCampaign(ctx.tx, id, now);
    if (!c) throw new UserError(campaignReplies.alreadyEnded());
    await ctx.audit('campaign.end', c.name, { status: 'active' }, { status: 'ended' });
    ctx.scheduleChanged();
    return campaignReplies.ended({ name: c.name, open: await openLedgerCounts(ctx.tx, c.id) });
  },
});
