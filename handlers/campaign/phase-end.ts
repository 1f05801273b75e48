import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { closePhase, openPhase, phaseState } from '../../src/domain/campaigns.ts';
import { campaignReplies } from '../../src/domain/messages/campaigns.ts';
import { rowId, z } from '../../src/commands/payload.ts';

export default defineCommand({
  name: 'phase.end',
  keywords: [['阶段', '结束'], ['阶段', '关闭']],
  english: [['phase', 'end']],
  summary: '结束当前阶段',
  section: '管理',
  slash: true,
  roles: [],
  args: [],
  examples: ['/阶段 结束'],
  async run(ctx) {
    const c = ctx.requireCampaign();
    // The open phase, also one opened to start later (ctx.phase is only the one running today).
    const open = await openPhase(ctx.tx, c.id);
    if (!open) throw new UserError(campaignReplies.noOpenPhase());
    const upcomingStart = phaseState(open, ctx.today) === 'upcoming' ? open.startDate : null;
    return { preview: campaignReplies.phaseEndPreview({ name: open.name, upcomingStart, today: ctx.today }), payload: { id: open.id } };
  },
  payload: z.object({ id: rowId }),
  async commit(ctx, { id }) {
    const p = await closePhase(ctx.tx, id, ctx.now);
    if (!p) throw new UserError(campaignReplies.phaseAlreadyEnded());
    await ctx.audit('phase.close', p.name, { status: 'open' }, { status: 'closed' });
    return campaignReplies.phaseEnded({ name: p.name });
  },
});
