import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { closePhase, openPhase, phaseState } from '../../src/domain/campaigns.ts';
import { formatDateCn } from '../../src/parse/date.ts';
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
    if (!open) throw new UserError('当前没有进行中的阶段。');
    const upcoming = phaseState(open, ctx.today) === 'upcoming';
    return { preview: `将结束阶段「${open.name}」${upcoming ? `（尚未开始，${formatDateCn(open.startDate)}开始）` : ''}。其任务照常收取到各自的时限。`, payload: { id: open.id } };
  },
  payload: z.object({ id: rowId }),
  async commit(ctx, { id }) {
    const p = await closePhase(ctx.tx, id, ctx.now);
    if (!p) throw new UserError('该阶段已经结束了。');
    await ctx.audit('phase.close', p.name, { status: 'open' }, { status: 'closed' });
    return `阶段「${p.name}」已结束。可用「/阶段 开启」开启下一阶段。`;
  },
});
