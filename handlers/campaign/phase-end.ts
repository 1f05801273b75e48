import { defineCommand } from '../../src/commands/registry.ts';
import { commitPhaseEnd, planPhaseEnd } from '../../src/domain/campaign-admin.ts';
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
  // The open phase, also one opened to start later (ctx.phase is only the one running today).
  run: (ctx) => planPhaseEnd(ctx.tx, ctx.requireCampaign(), ctx.today),
  payload: z.object({ id: rowId }),
  commit: (ctx, p) => commitPhaseEnd(ctx, p),
});
